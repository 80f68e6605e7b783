#@ Writes its standard input to @FILE@, owner-only (mode @MODE@): the content never appears in the
#@ command or its output.
umask 077 && cat > "@FILE@.new" && chmod @MODE@ "@FILE@.new" && mv "@FILE@.new" "@FILE@"
