#@ The all-or-nothing frame the Linux scripts share: the router's lock (@LOCK@, lock.sh; none where
#@ the script took it earlier) and an EXIT trap. A failing run prints why, runs @RESTORE@ (the
#@ lines that put back the state from before the run) and keeps its exit status; a run that set
#@ committed=yes has changed all it meant to, and a failure after that point (its report line lost to
#@ a closed SSH channel) restores nothing. Every run, however it ends (a signal included: lock.sh
#@ turns each into an exit), removes its scratch directory $run_dir and releases the lock.
#@ @WHAT@: the step, as the message names it.
@LOCK@
finish() {
  status=$?
  trap - EXIT HUP INT PIPE TERM
  # The SSH channel may be gone: writes must fail quietly, not end the cleanup half-way.
  trap '' PIPE
  if [ "$status" -ne 0 ] && [ "${committed:-no}" = no ]; then
    echo "zt-ecmp: @WHAT@ failed (exit $status); restoring the state from before this run" >&2
    set +e
    @RESTORE@
  fi
  rm -rf "$run_dir"
  release_lock
  exit "$status"
}
trap finish EXIT
