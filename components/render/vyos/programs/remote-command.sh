#@ The command pulumi-command runs over SSH: the script @SCRIPT@ as a file, run by vbash in the
#@ group that may change the configuration (vyattacfg).
script="$(mktemp)" && cat > "$script" <<'ZT_ECMP_SCRIPT'
@SCRIPT@
ZT_ECMP_SCRIPT
sg vyattacfg -c "/bin/vbash $script"; status=$?; rm -f "$script"; exit $status
