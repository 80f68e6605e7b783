#@ The router's lock, as functions: runs on one router exclude each other. Every run of the Linux
#@ scripts (routing and FRR apply and undo, boot, and the keeper while it changes a route) holds the
#@ lock of the state root, the folder of $state_dir that they all share, through flock(1) on fd 9.
#@ A run that finds it held waits at most @LOCK_WAIT_SECONDS@ s, naming the holder (what it is and
#@ its pid, which each holder writes to .running in that folder). The kernel drops the lock when its
#@ holder exits, however it exits (its SSH session killed included), so no stale lock can block the
#@ next run. A script that holds it already (zt_ecmp_locked) takes it again as a no-op.
lock_dir=${state_dir%/*}
holding() {
  zt_ecmp_locked=yes
  echo "$1, pid $$, since $(date -u '+%Y-%m-%d %H:%M:%S UTC')" > "$lock_dir/.running"
}
holder() {
  cat "$lock_dir/.running" 2>/dev/null || echo 'a run that has not said what it is yet'
}
open_lock() {
  command -v flock >/dev/null 2>&1 || { echo "zt-ecmp: flock not found on this router; install util-linux" >&2; exit 1; }
  mkdir -p "$lock_dir"
  exec 9<"$lock_dir"
}
# take_lock WHAT: waits for the lock, or gives up naming who holds it.
take_lock() {
  [ "${zt_ecmp_locked:-no}" = no ] || return 0
  open_lock
  if ! flock -n 9; then
    echo "zt-ecmp: another run holds $lock_dir ($(holder)); waiting up to @LOCK_WAIT_SECONDS@ s" >&2
    if ! flock -w @LOCK_WAIT_SECONDS@ 9; then
      echo "zt-ecmp: $lock_dir is still held after @LOCK_WAIT_SECONDS@ s ($(holder)); let that run end or stop it, then run this again" >&2
      exit 1
    fi
  fi
  holding "$1"
}
# try_lock WHAT: the lock if nobody holds it, at once; otherwise false.
try_lock() {
  [ "${zt_ecmp_locked:-no}" = no ] || return 0
  flock -n 9 || return 1
  holding "$1"
}
release_lock() {
  [ "${zt_ecmp_locked:-no}" = yes ] || return 0
  rm -f "$lock_dir/.running"
  flock -u 9
  zt_ecmp_locked=no
}
