#@ The start FRR's apply and undo scripts share, after their shebang: where FRR keeps its files, the
#@ checks that it is installed, and the functions both call. Values: @STACK@, @ROUTER@, @PURPOSE@;
#@ shell words @CONF_WORD@, @DAEMONS_WORD@, @STATE_DIR_WORD@, @BEGIN_WORD@, @END_WORD@ (the block's
#@ markers); @FRR_RELOAD@, FRR's reload tool. Block: @RELOAD@, how the daemons are brought to frr.conf.
# zt-ecmp @STACK@: FRR on @ROUTER@ (routing.linuxRoutes frr): @PURPOSE@.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
conf=@CONF_WORD@
daemons=@DAEMONS_WORD@
state_dir=@STATE_DIR_WORD@
begin=@BEGIN_WORD@
end=@END_WORD@
[ -f "$conf" ] || { echo "zt-ecmp: $conf not found; install FRR (Debian: apt-get install frr)" >&2; exit 1; }
[ -x @FRR_RELOAD@ ] || { echo "zt-ecmp: @FRR_RELOAD@ not found; install frr-pythontools" >&2; exit 1; }
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/zt-ecmp-frr.XXXXXX")
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
