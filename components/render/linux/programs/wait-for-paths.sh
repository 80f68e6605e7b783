#@ `wait_for_paths SECONDS`: until each path interface holds its /30. @CHECKS@: one line per path
#@ waited for, adding its interface to $missing while it lacks its address.
# An instance has joined its path network once its interface holds its /30.
wait_for_paths() {
  waited=0
  while :; do
    missing=''
    @CHECKS@
    [ -z "$missing" ] && return 0
    if [ "$waited" -ge "$1" ]; then
      echo "zt-ecmp: after $1 s these path interfaces still lack their address:$missing" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}
