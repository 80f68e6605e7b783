#!/bin/sh
#@ Writes this stack's block (@BLOCK@, with the forwarding statements after its first line) into
#@ frr.conf and reloads FRR: idempotent, under the router's lock from its first action (@LOCK@,
#@ lock.sh), and frr.conf, daemons, the running daemons and every forwarding switch restored on
#@ failure (@ROLLBACK@, rollback.sh). Blocks: @COMMON@ (frr-common.sh), @ENABLE_DAEMONS@
#@ (enable-daemons.sh where FRR is the system service, else none).
#@ @IPV4_FORWARDING_WORD@: `ip forwarding` as a shell word on a router the lab makes forward (a
#@ hub), else an empty word.
@COMMON@
# What the block says about forwarding: what the lab wants, which is what the kernel does now (the
# operator's switches; a hub's IPv4 forwarding, which the Linux apply turned on before this script).
forwarding_statements() {
  ipv4_wanted=@IPV4_FORWARDING_WORD@
  if [ -n "$ipv4_wanted" ]; then
    echo "! zt-ecmp: this router forwards IPv4 between the other sites"
    echo "$ipv4_wanted"
  else
    echo "! zt-ecmp: forwarding as this router has it; the lab changes none"
    case "$(cat /proc/sys/net/ipv4/ip_forward)" in 0) echo "no ip forwarding" ;; *) echo "ip forwarding" ;; esac
  fi
  # A kernel without IPv6 has no switch, and zebra then says nothing about it.
  if [ -r /proc/sys/net/ipv6/conf/all/forwarding ]; then
    case "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" in 0) echo "no ipv6 forwarding" ;; *) echo "ipv6 forwarding" ;; esac
  fi
}
@LOCK@
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/zt-ecmp-frr.XXXXXX")
# Until the snapshot is whole there is nothing to restore, but the scratch directory goes all the same.
trap 'rm -rf "$run_dir"; release_lock' EXIT
cp -p "$conf" "$run_dir/frr.conf.before"
[ ! -f "$daemons" ] || cp -p "$daemons" "$run_dir/daemons.before"
forwarding_snapshot > "$run_dir/forwarding.before"
@ROLLBACK@
mkdir -p "$state_dir"
@ENABLE_DAEMONS@
without_block > "$run_dir/frr.conf"
forwarding_statements > "$run_dir/forwarding.conf"
# The forwarding statements go right after the block's first line.
sed "1r $run_dir/forwarding.conf" >> "$run_dir/frr.conf" <<'ZT_ECMP_FRR'
@BLOCK@
ZT_ECMP_FRR
write_conf "$run_dir/frr.conf"
reload_frr
echo "zt-ecmp: FRR on @ROUTER@ routes @DESTINATIONS@ over the live paths among @ACTIVE@ of @TOTAL@"
