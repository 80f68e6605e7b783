#@ The all-or-nothing frame the Linux scripts share: an EXIT trap. A failing run prints why, runs
#@ @RESTORE@ (the lines that put back the state from before the run) and keeps its exit status;
#@ every run removes its scratch directory $run_dir. @WHAT@: the step, as the message names it.
finish() {
  status=$?
  trap - EXIT INT TERM HUP
  if [ "$status" -ne 0 ]; then
    echo "zt-ecmp: @WHAT@ failed (exit $status); restoring the state from before this run" >&2
    set +e
    @RESTORE@
  fi
  rm -rf "$run_dir"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM HUP
