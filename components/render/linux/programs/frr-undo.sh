#!/bin/sh
#@ Removes this stack's block from frr.conf, switches off the daemons the apply switched on, reloads,
#@ and puts every forwarding switch back as it was before the reload.
#@ Block: @COMMON@ (frr-common.sh). @STATE_ROOT_WORD@: the folder the state directory is in.
@COMMON@
trap 'rm -rf "$run_dir"' EXIT
forwarding_snapshot > "$run_dir/forwarding.before"
without_block > "$run_dir/frr.conf"
write_conf "$run_dir/frr.conf"
if [ -f "$state_dir/enabled-daemons" ]; then
  while read -r daemon; do sed -i "s/^$daemon=yes/$daemon=no/" "$daemons"; done < "$state_dir/enabled-daemons"
fi
# Reloading a frr.conf without the block turns forwarding on: every switch goes back, reloaded or not.
reloaded=0
reload_frr || reloaded=$?
forwarding_restore "$run_dir/forwarding.before"
[ "$reloaded" -eq 0 ] || exit "$reloaded"
rm -rf "$state_dir"
rmdir @STATE_ROOT_WORD@ 2>/dev/null || true
echo "zt-ecmp: FRR on @ROUTER@ no longer routes @DESTINATIONS@"
