#!/bin/sh
#@ The undo script of a Linux router: back to exactly the state recorded before the first apply, then
#@ the persisted files (@PERSISTED_FILES_WORDS@) and the state removed. Blocks: @UNDERLAY_RESTORE@
#@ (underlay-common.sh) and @RESTORE@ (the function putting back the routes and addresses).
# zt-ecmp @STACK@: undo on @ROUTER@ (flavor linux): restores the state recorded before the first apply.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@UNDERLAY_RESTORE@
@RESTORE@

if [ -d "$state_dir/previous" ]; then
  restore "$state_dir/previous"
else
  echo "zt-ecmp: no recorded state in $state_dir; routes and addresses left as they are" >&2
fi
rm -f @PERSISTED_FILES_WORDS@
rm -rf "$state_dir"
rmdir @STATE_ROOT_WORD@ 2>/dev/null || true
echo "zt-ecmp: @ROUTER@ no longer routes @DESTINATIONS@ over the paths"
