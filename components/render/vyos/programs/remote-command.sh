#@ The command pulumi-command runs over SSH: the script @SCRIPT@ as a file named after @LABEL@, run
#@ by vbash in the group that may change the configuration (vyattacfg), one zt-ecmp run at a time on
#@ the router: a run whose engine was killed goes on there, and the next must wait for it. The lock
#@ is @LOCK_DIR@ (flock, util-linux), held by flock itself (-o), so nothing the script starts keeps it.
lock_dir=@LOCK_DIR@
lock_wait_seconds=@LOCK_WAIT_SECONDS@
script="$(mktemp /tmp/zt-ecmp-@LABEL@.XXXXXX)" || exit 1
# The script file goes on every exit, a lost SSH channel's SIGHUP or SIGPIPE included.
trap 'rm -f "$script"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
cat > "$script" <<'ZT_ECMP_SCRIPT'
@SCRIPT@
ZT_ECMP_SCRIPT
# Who holds the lock: the flock processes /proc/locks names for it, with their age and command line.
lock_holders() {
  inode="$(stat -c %i "$lock_dir")"
  awk -v inode="$inode" '$2 == "FLOCK" { n = split($6, id, ":"); if (id[n] == inode) print $5 }' /proc/locks |
    while read -r pid; do ps -o pid=,etime=,args= -p "$pid"; done | sed 's/^ *//' | paste -sd';' -
}
if ! flock -n "$lock_dir" true; then
  echo "zt-ecmp: waiting up to $lock_wait_seconds s for the zt-ecmp run on this router to finish (pid, running for, command): $(lock_holders)" >&2
fi
flock -w "$lock_wait_seconds" -E 75 -o "$lock_dir" sg vyattacfg -c "/bin/vbash $script"
status=$?
if [ "$status" = 75 ]; then
  echo "zt-ecmp: gave up after $lock_wait_seconds s: another zt-ecmp run still holds $lock_dir on this router (pid, running for, command): $(lock_holders); let it finish, or stop it if the pulumi up that started it is gone, then run pulumi up again" >&2
fi
exit "$status"
