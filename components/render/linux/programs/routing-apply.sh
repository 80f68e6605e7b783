#!/bin/sh
#@ The apply script of a Linux router: idempotent, all or nothing. It waits for the paths, takes the
#@ router's lock (@LOCK@, lock.sh), snapshots the live state, converges, persists, and on any failure
#@ restores the snapshot (@ROLLBACK@, rollback.sh). Its first run also records the state from before
#@ the lab touched the router, which undo puts back. The route keeper is stopped while it runs and
#@ started again at its end (@STOP_KEEPER@, @START_KEEPER@).
#@ Blocks: the functions (@WAIT_FOR_PATHS@, @ROUTE_KEEPING@ (route-keeping.sh), @CONVERGE@,
#@ @UNDERLAY_FUNCTIONS@, @SNAPSHOT@, @RESTORE@), lines per persisted file (@RESTORE_FILES@,
#@ @BACKUP_FILES@), @NEEDS_NEXTHOPS@, @REFUSE_OPERATOR_ROUTE@ and the files written (@WRITE_SYSCTL@,
#@ @WRITE_BOOT_SCRIPT@, @WRITE_KEEPER@, @WRITE_UNIT@, @WRITE_UNDERLAY_SYSCTL@).
#@ Values: names and counts for the messages; paths as shell words (@..._WORD@).
set -eu
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
state_dir=@STATE_DIR_WORD@
@NEEDS_NEXTHOPS@
@WAIT_FOR_PATHS@
@ROUTE_KEEPING@
@CONVERGE@
@UNDERLAY_FUNCTIONS@
@SNAPSHOT@
@RESTORE@
restore_files() {
  @RESTORE_FILES@
}

wait_for_paths @APPLY_WAIT_SECONDS@
@LOCK@
first_apply=no
[ -d "$state_dir/previous" ] || first_apply=yes
@REFUSE_OPERATOR_ROUTE@
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/zt-ecmp-apply.XXXXXX")
# Until the snapshot is whole there is nothing to restore, but the scratch directory goes all the same.
trap 'rm -rf "$run_dir"; release_lock' EXIT
mkdir -p "$run_dir/files"
snapshot "$run_dir/before"
@BACKUP_FILES@
@ROLLBACK@
@STOP_KEEPER@

# What undo restores is the state before the first apply, never an intermediate one.
if [ "$first_apply" = yes ]; then
  mkdir -p "$state_dir"
  cp -R "$run_dir/before" "$state_dir/previous.new"
  mv "$state_dir/previous.new" "$state_dir/previous"
fi
underlay_record_new "$state_dir/previous" "$run_dir/before"
report=yes
converge
tune_underlay

mkdir -p @SYSCTL_DIR_WORD@ @UNIT_DIR_WORD@/multi-user.target.wants
@WRITE_SYSCTL@
@WRITE_BOOT_SCRIPT@
@WRITE_KEEPER@
@WRITE_UNIT@
ln -sfn @UNIT_FILE_WORD@ @WANTS_LINK_WORD@
@WRITE_UNDERLAY_SYSCTL@
underlay_forget_dropped "$state_dir/previous"
@START_KEEPER@
# Everything is in place: a failure from here on (this line lost to a closed SSH channel) undoes nothing.
committed=yes
echo "zt-ecmp: @ROUTER@ routes @DESTINATIONS@ over @ACTIVE@ of @TOTAL@ paths"
