#!/bin/sh
#@ The route keeper of a Linux router with iproute2 routes: once a second it compares the routes
#@ with the live paths (keep_routes, @KEEP_ROUTES@ from route-keeping.sh) and puts back a path whose
#@ interface has returned with its address, a few seconds after an instance restarts, with no apply
#@ run. Cheap when nothing changes: five processes a second, and a change only under the router's
#@ lock (@LOCK_FUNCTIONS@, lock-functions.sh). Run by the lab's systemd unit (or, in the namespace
#@ lab, as a background process); it stops by itself once undo has removed the recorded state.
#@ Run with `once`, it keeps the routes once and stops. @TITLE@: the line saying whose file this is.
@TITLE@
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@LOCK_FUNCTIONS@
@KEEP_ROUTES@
open_lock
# `keeper.sh once WHAT`: keep the routes once, now, under the lock (waiting for it), and stop: what a
# path's drain and gate run (drain.sh, gate.sh), so that they follow the routes as this router has
# them whatever the plan they were rendered from.
if [ "${1:-}" = once ]; then
  take_lock "${2:-a run of the route keeper}"
  report=yes
  keep_routes
  release_lock
  exit 0
fi
echo "$$" > "$state_dir/keeper.pid"
echo "zt-ecmp: keeping @ROUTER@'s routes to @DESTINATIONS@ over every live path (pid $$)"
while [ -d "$state_dir/previous" ]; do
  keep_routes
  release_lock
  sleep 1
done
echo "zt-ecmp: the lab is gone from @ROUTER@; the route keeper stops"
