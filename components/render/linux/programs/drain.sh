#!/bin/sh
#@ The drain of one path on a Linux router, run before any instance of the path restarts (rolling.py
#@ says when and why). It compares the keys of the path's instances (@INSTANCES@: one line per
#@ router, "<router> <key>") with what the last apply recorded of them (record-instances.sh): where
#@ the key of an instance that was there changes, that instance is
#@ about to restart, and the path leaves the router's routes at once (@LEAVE_OUT@, the route owner's
#@ way, under the router's lock) until its gate (gate.sh) puts it back, or at most @LEASE_SECONDS@ s.
#@ An instance that is new or gone, or a router the lab is not on yet, drains nothing. It returns @SETTLE_SECONDS@ s after the path is out. Values: @ROUTER@, @PATH@,
#@ @STATE_DIR_WORD@ (a shell word).
set -eu
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@LEAVE_OUT@
if [ ! -d "$state_dir/previous" ]; then
  echo "zt-ecmp: the lab is not on @ROUTER@ yet: path @PATH@ is in none of its routes"
  exit 0
fi
record="$state_dir/instances/path@PATH@"
mkdir -p "$state_dir/drained"
restarting=''
if [ -f "$record" ]; then
  restarting=$(awk 'NR == FNR { was[$1] = $0; next } ($1 in was) && was[$1] != $0 { printf " %s", $1 }' "$record" - <<'ZT_ECMP_INSTANCES'
@INSTANCES@
ZT_ECMP_INSTANCES
)
fi
if [ -z "$restarting" ]; then
  echo "zt-ecmp: @ROUTER@: no running instance of path @PATH@ restarts; the path stays in the routes"
  exit 0
fi
lease=@LEASE_SECONDS@
ends=$(($(date +%s) + lease))
printf 'until %s\nrestarting%s\n' "$ends" "$restarting" > "$state_dir/drained/path@PATH@.new"
mv "$state_dir/drained/path@PATH@.new" "$state_dir/drained/path@PATH@"
leave_out
# What is already on its way over the path arrives before the instances go.
sleep @SETTLE_SECONDS@
echo "zt-ecmp: @ROUTER@ leaves path @PATH@ out of its routes while the instances of$restarting restart on it"
