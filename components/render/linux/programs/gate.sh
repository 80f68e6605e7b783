#!/bin/sh
#@ The gate of one path on a Linux router, run once the path's instances have restarted (rolling.py):
#@ where the path's drain (drain.sh) took it out of the routes, it waits until the path has rejoined,
#@ that is, this router's interface on it (@INTERFACE@) holds its address (@ADDRESS@) and each
#@ neighbour on it whose instance restarted (every neighbour, where this router's own did) answers a
#@ ping over it, then puts the path back (@PUT_BACK@, the route owner's way, under the router's
#@ lock). After @WAIT_SECONDS@ s it puts the path back all the same, so that no drain outlives the
#@ run, and fails naming who has not rejoined. @NEIGHBOURS@: one line per neighbour on the path,
#@ "<router> <address>". Values: @ROUTER@, @PATH@, @STATE_DIR_WORD@ (a shell word).
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@PUT_BACK@
marker="$state_dir/drained/path@PATH@"
if [ ! -f "$marker" ]; then
  echo "zt-ecmp: @ROUTER@: path @PATH@ is not out of its routes; nothing to put back"
  exit 0
fi
restarting=$(sed -n 's/^restarting //p' "$marker")
case " $restarting " in *" @ROUTER@ "*) own=yes ;; *) own=no ;; esac
wait_seconds=@WAIT_SECONDS@
started=$(date +%s)
while :; do
  missing=''
  ip -4 -o addr show dev @INTERFACE@ 2>/dev/null | grep -qF ' inet @ADDRESS@ ' || missing=' @ROUTER@'
  while read -r name address; do
    case "$own $restarting " in
      yes*|*" $name "*) ping -n -q -c 1 -W 1 -I @INTERFACE@ "$address" >/dev/null 2>&1 || missing="$missing $name" ;;
    esac
  done <<'ZT_ECMP_NEIGHBOURS'
@NEIGHBOURS@
ZT_ECMP_NEIGHBOURS
  [ -n "$missing" ] || break
  [ "$(($(date +%s) - started))" -lt "$wait_seconds" ] || break
  sleep 1
done
rm -f "$marker"
put_back
if [ -n "$missing" ]; then
  echo "zt-ecmp: @ROUTER@ put path @PATH@ back into its routes, but after $wait_seconds s these have not rejoined it:$missing" >&2
  exit 1
fi
echo "zt-ecmp: @ROUTER@ routes over path @PATH@ again: the instances of $restarting have rejoined it ($(($(date +%s) - started)) s)"
