#!/bin/sh
#@ Removes this stack's block from frr.conf, switches off the daemons the apply switched on, reloads,
#@ and puts every forwarding switch back as it was before the reload. All under the router's lock from
#@ its first action (@LOCK@, lock.sh, which turns every signal into an exit).
#@ Block: @COMMON@ (frr-common.sh). @STATE_ROOT_WORD@: the folder the state directory is in.
@COMMON@
@LOCK@
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/zt-ecmp-frr.XXXXXX")
# However the run ends, a signal or a closed SSH channel included: a reload of a frr.conf without the
# block may have turned forwarding on, so every switch goes back to the snapshot while there is one
# (the success path puts them back itself and drops it), then the scratch directory and the lock go.
finish() {
  status=$?
  trap - EXIT HUP INT PIPE TERM
  trap '' PIPE
  if [ -f "$run_dir/forwarding.before" ] && ! forwarding_restore "$run_dir/forwarding.before"; then
    [ "$status" -ne 0 ] || status=1
  fi
  rm -rf "$run_dir"
  release_lock
  exit "$status"
}
trap finish EXIT
forwarding_snapshot > "$run_dir/forwarding.before"
without_block > "$run_dir/frr.conf"
write_conf "$run_dir/frr.conf"
if [ -f "$state_dir/enabled-daemons" ]; then
  while read -r daemon; do sed -i "s/^$daemon=yes/$daemon=no/" "$daemons"; done < "$state_dir/enabled-daemons"
fi
reload_frr
forwarding_restore "$run_dir/forwarding.before"
rm -f "$run_dir/forwarding.before"
rm -rf "$state_dir"
release_lock
rmdir @STATE_ROOT_WORD@ 2>/dev/null || true
echo "zt-ecmp: FRR on @ROUTER@ no longer routes @DESTINATIONS@"
