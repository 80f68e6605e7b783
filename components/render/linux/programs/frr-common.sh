#@ The start FRR's apply and undo scripts share, after their shebang: where FRR keeps its files, the
#@ checks that it is installed, and the functions both call. It changes nothing: each script takes the
#@ router's lock before its first action. Values: shell words @CONF_WORD@, @DAEMONS_WORD@, @STATE_DIR_WORD@, @BEGIN_WORD@, @END_WORD@ (the block's
#@ markers); @FRR_RELOAD@, FRR's reload tool. Block: @RELOAD@, how the daemons are brought to frr.conf.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
conf=@CONF_WORD@
daemons=@DAEMONS_WORD@
state_dir=@STATE_DIR_WORD@
begin=@BEGIN_WORD@
end=@END_WORD@
[ -f "$conf" ] || { echo "zt-ecmp: $conf not found; install FRR (Debian: apt-get install frr)" >&2; exit 1; }
[ -x @FRR_RELOAD@ ] || { echo "zt-ecmp: @FRR_RELOAD@ not found; install frr-pythontools" >&2; exit 1; }
# frr.conf without this stack's block; everything else in it is the operator's and stays as it is.
without_block() {
  awk -v begin="$begin" -v end="$end" 'index($0, begin) == 1 { skip = 1 } !skip { print } $0 == end { skip = 0 }' "$conf"
}
# Brings the running daemons to frr.conf.
reload_frr() {
  @RELOAD@
}
# Written in place, so frr.conf keeps its owner and mode.
write_conf() {
  cat "$1" > "$conf"
}
# Forwarding. zebra's running configuration says `no ip forwarding` and `no ipv6 forwarding` while
# the kernel forwards nothing, and frr-reload.py --reload (what `systemctl reload frr` runs) deletes
# what the file does not say: deleting a `no ...` line runs it without its `no` (tools/frr-reload.py,
# compare_context_objects and lines_to_config), which turns forwarding on, every interface's too.
# The apply's block says what the kernel does now, so its reload changes nothing; a reload that drops
# the block (undo, rollback) is followed by putting every switch back from a snapshot taken before.
# Every forwarding switch, in the order they are put back: per family, `all` first (IPv4's is
# ip_forward), which sets every other switch of its family when it changes, then `default`, then
# each interface's.
forwarding_switches() {
  for family in ipv4 ipv6; do
    echo "/proc/sys/net/$family/conf/all/forwarding"
    echo "/proc/sys/net/$family/conf/default/forwarding"
    for switch in /proc/sys/net/"$family"/conf/*/forwarding; do
      case "${switch%/forwarding}" in */all|*/default) ;; *) echo "$switch" ;; esac
    done
  done
}
# "<switch> <value>" lines; a switch that cannot be read (no IPv6, an interface just gone) is left out.
forwarding_snapshot() {
  forwarding_switches | while read -r switch; do
    if value=$(cat "$switch" 2>/dev/null); then echo "$switch $value"; fi
  done
}
# Writes only the switches that differ: writing IPv6's `all` sets every interface's, even unchanged.
forwarding_restore() {
  while read -r switch value; do
    [ -e "$switch" ] || continue
    [ "$(cat "$switch")" = "$value" ] || echo "$value" > "$switch" || {
      echo "zt-ecmp: cannot put $switch back to $value" >&2
      return 1
    }
  done < "$1"
}
