#@ Kernel parameter @KEY@ (@FILE@) set to @VALUE@; where it is read-only (a network namespace or
#@ container sees the host's value), the function fails saying so (@REMEDY@: what asked for it).
if [ "$(cat @FILE@)" != @VALUE@ ] && ! echo @VALUE@ 2>/dev/null > @FILE@; then
  echo "zt-ecmp: cannot set @KEY@ to @VALUE@ here (a network namespace or container sees the host's value read-only): set it on the host@REMEDY@" >&2
  return 1
fi
