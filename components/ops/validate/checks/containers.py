"""Container running: every path's instance container is up, as the router's runtime lists it.

Runtimes list their containers differently: VyOS prints one table of all of them, Docker answers
``inspect`` per container with JSON. ``LISTINGS`` holds one entry per runtime (the runtimes of
components/model/flavors.py), so the check itself never asks which runtime it looks at.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from components.model.flavors import runtime
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, Status, parsed_json
from components.render.vyos.configuration import OP_MODE

NAME = "container running"


@dataclass(frozen=True)
class ContainerListing:
    """How one runtime lists the lab's containers, and how to read one path's container from that listing."""

    commands: Callable[[RouterScope], list[str]]
    # Status and detail of path ``index``'s container.
    state: Callable[[RouterScope, Observed, int], tuple[Status, str]]


# -- VyOS containers: one table for all ---------------------------------------------------------

SHOW_CONTAINER = f"{OP_MODE} show container"


def parse_show_container(text: str) -> dict[str, str]:
    """Container name to status from VyOS ``show container`` (podman's table: columns by header position)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next((line for line in lines if line.startswith("CONTAINER ID")), None)
    if header is None:
        return {}
    status_at, ports_at, names_at = header.index("STATUS"), header.index("PORTS"), header.index("NAMES")
    statuses = {}
    for line in lines[lines.index(header) + 1 :]:
        statuses[line[names_at:].strip()] = line[status_at:ports_at].strip()
    return statuses


def _listed_state(scope: RouterScope, observed: Observed, index: int) -> tuple[Status, str]:
    listing, name = observed[SHOW_CONTAINER], scope.container(index)
    if not listing.ok:
        return "fail", f"show container failed: {listing.why()}"
    statuses = parse_show_container(listing.stdout)
    if name not in statuses:
        return "fail", f"no container named {name}"
    if not statuses[name].startswith("Up"):
        return "fail", f"{name} is {statuses[name]!r}"
    return "pass", f"{name}: {statuses[name]}"


# -- Docker: inspect per container --------------------------------------------------------------


def _inspect_command(scope: RouterScope, index: int) -> str:
    # The runtime's own CLI prefix, so Docker is asked through `--context default` like every other command.
    return shlex.join([*runtime(scope.router.runtime).exec_prefix, "inspect", "--type", "container", scope.container(index)])


def _inspected_state(scope: RouterScope, observed: Observed, index: int) -> tuple[Status, str]:
    name, output = scope.container(index), observed[_inspect_command(scope, index)]
    if not output.ok:
        return "fail", f"docker inspect {name}: {output.why()}"
    inspected = parsed_json(output)
    state = inspected[0].get("State", {}) if isinstance(inspected, list) and inspected else {}
    if state.get("Running") and not state.get("Restarting"):
        return "pass", f"{name}: running since {state.get('StartedAt', '?')}"
    why = f"{name} is {state.get('Status', 'not running')}, exit code {state.get('ExitCode')}"
    return "fail", why + (f": {state['Error']}" if state.get("Error") else "")


LISTINGS: MappingProxyType[str, ContainerListing] = MappingProxyType(
    {
        "vyos": ContainerListing(lambda scope: [SHOW_CONTAINER], _listed_state),
        "docker": ContainerListing(
            lambda scope: [_inspect_command(scope, path.index) for path in scope.plan.paths],
            _inspected_state,
        ),
    }
)


def commands(scope: RouterScope) -> list[str]:
    return [] if scope.zerotier_absent else LISTINGS[scope.router.runtime].commands(scope)


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.zerotier_absent:
        return scope.every_path_not_applicable(NAME, scope.zerotier_absent)
    state = LISTINGS[scope.router.runtime].state
    return [scope.result(NAME, f"path {path.index}", *state(scope, observed, path.index)) for path in scope.plan.paths]


CHECK = Check(NAME, commands, evaluate)
