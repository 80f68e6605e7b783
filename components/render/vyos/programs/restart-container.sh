#@ zerotier-one reads its home directory at start: restarts container @CONTAINER@ (where the lab's
#@ configuration has it) through the op-mode wrapper @OP_MODE@, and judges the restart by podman's
#@ state, since the wrapper exits 0 whatever happened and `restart container` says it restarted
#@ even a container that does not exist (vyatta-op functions/interpreter/vyatta-op-run,
#@ _vyatta_op_run; vyos-1x src/op_mode/container.py). @CLI_SHELL_API@: VyOS's configuration reader.
if @CLI_SHELL_API@ existsActive container name @CONTAINER@; then
  state() { sudo podman container inspect --format '{{.State.Running}} {{.State.StartedAt}}' @CONTAINER@ 2>&1; }
  before="$(state)"
  @OP_MODE@ restart container @CONTAINER@
  tries=0
  until after="$(state)" && [ "$after" != "$before" ] && [ "${after%% *}" = true ]; do
    tries=$((tries + 1))
    if [ "$tries" -ge 10 ]; then
      echo "zt-ecmp: container @CONTAINER@ was not restarted: podman says '$after' (before: '$before')" >&2
      exit 1
    fi
    sleep 1
  done
fi
