#@ Switches FRR daemon @DAEMON@ on in the daemons file, and records it where it was off.
if ! grep -q "^@DAEMON@=yes" "$daemons"; then
  if grep -q "^@DAEMON@=" "$daemons"; then sed -i "s/^@DAEMON@=.*/@DAEMON@=yes/" "$daemons"; else echo "@DAEMON@=yes" >> "$daemons"; fi
  grep -qx @DAEMON@ "$state_dir/enabled-daemons" 2>/dev/null || echo @DAEMON@ >> "$state_dir/enabled-daemons"
fi
