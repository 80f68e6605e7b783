#!/bin/sh
#@ The undo script of a Linux router: under the router's lock (@LOCK@, lock.sh), with the route keeper
#@ stopped (@STOP_KEEPER@), back to exactly the state recorded before the first apply, then the
#@ persisted files (@PERSISTED_FILES_WORDS@) and the state removed. Blocks: @UNDERLAY_RESTORE@
#@ (underlay-common.sh), @ROUTE_KEEPING@ (route-keeping.sh, for the lab's nexthop objects), @RESTORE@
#@ (the function putting back the routes and addresses) and @RELOAD_UNITS@ (systemd told of the unit's removal).
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@UNDERLAY_RESTORE@
@ROUTE_KEEPING@
@RESTORE@

@LOCK@
@STOP_KEEPER@
if [ -d "$state_dir/previous" ]; then
  restore "$state_dir/previous"
else
  echo "zt-ecmp: no recorded state in $state_dir; routes and addresses left as they are" >&2
fi
rm -f @PERSISTED_FILES_WORDS@
@RELOAD_UNITS@
rm -rf "$state_dir"
release_lock
rmdir @STATE_ROOT_WORD@ 2>/dev/null || true
echo "zt-ecmp: @ROUTER@ no longer routes @DESTINATIONS@ over the paths"
