#@ Writes @TEXT@ to the file @TARGET_WORD@: beside it first, then renamed over it, so a reader never
#@ sees half a file. @MARKER@ ends the heredoc, and no line of the text may be that word.
cat > @TARGET_WORD@.new <<'@MARKER@'
@TEXT@
@MARKER@
mv -f @TARGET_WORD@.new @TARGET_WORD@
