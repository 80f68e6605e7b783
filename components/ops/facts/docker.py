"""Getters for Docker's view of the instances: ``docker inspect`` per container."""

from __future__ import annotations

import shlex

from components.model.flavors import runtime
from components.ops.facts.getter import Getter, Target, int_or_none, json_list, text_or_none
from components.ops.facts.model import Absent, ByPath, Instance, Unread
from components.ops.facts.needs import InstancesNeed
from components.ops.shell import CommandOutput


def inspect_command(target: Target, index: int) -> str:
    """``docker inspect`` of path ``index``'s container."""
    # The runtime's own CLI prefix, so Docker is asked through `--context default` like every other
    # command: the router's own engine, whatever context its login selected.
    return shlex.join([*runtime(target.router.runtime).exec_prefix, "inspect", "--type", "container", target.container(index)])


def _instance(name: str, output: CommandOutput) -> Instance | Unread:
    # The Docker CLI answers `Error: No such container: <name>` (exit 1) for a container it lacks.
    if not output.ok and "no such container" in output.stderr.lower():
        return Instance(name, exists=False, running=False, state="missing")
    inspected = json_list(output, f"docker inspect {name}")
    if isinstance(inspected, Unread):
        return inspected
    if not inspected or not isinstance(inspected[0], dict):
        return Instance(name, exists=False, running=False, state="missing")
    state = inspected[0].get("State") or {}
    return Instance(
        name,
        exists=True,
        running=bool(state.get("Running")) and not state.get("Restarting"),
        state=str(state.get("Status", "not running")),
        started_at=text_or_none(state.get("StartedAt")),
        exit_code=int_or_none(state.get("ExitCode")),
        error=str(state["Error"]) if state.get("Error") else None,
    )


def _read_instances(target: Target, need: InstancesNeed, outputs: tuple[CommandOutput, ...]) -> ByPath[Instance | Unread] | Absent:
    return ByPath(
        tuple(
            (path.index, _instance(target.container(path.index), output)) for path, output in zip(target.plan.paths, outputs, strict=True)
        )
    )


INSTANCES = Getter(lambda target, need: tuple(inspect_command(target, path.index) for path in target.plan.paths), _read_instances)
