#!/bin/sh
#@ Writes this stack's block (@BLOCK@) into frr.conf and reloads FRR: idempotent, and frr.conf,
#@ daemons and the running daemons restored on failure (@ROLLBACK@, rollback.sh). Blocks: @COMMON@
#@ (frr-common.sh), @ENABLE_DAEMONS@ (enable-daemons.sh where FRR is the system service, else none).
@COMMON@
cp -p "$conf" "$run_dir/frr.conf.before"
[ ! -f "$daemons" ] || cp -p "$daemons" "$run_dir/daemons.before"
@ROLLBACK@
mkdir -p "$state_dir"
@ENABLE_DAEMONS@
without_block > "$run_dir/frr.conf"
cat >> "$run_dir/frr.conf" <<'ZT_ECMP_FRR'
@BLOCK@
ZT_ECMP_FRR
write_conf "$run_dir/frr.conf"
reload_frr
echo "zt-ecmp: FRR on @ROUTER@ routes @DESTINATIONS@ over the live paths among @ACTIVE@ of @TOTAL@"
