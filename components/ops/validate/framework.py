"""What a validation check is, what it sees of a router and what it returns.

A check is a pair of pure functions: the commands it wants run on a router (from the plan), and its
verdicts from those commands' outputs. The checks themselves live in ``checks/``, one module each,
and ``registry.CHECKS`` lists them; ``runner`` asks a router for every command once and hands the
outputs back. docs/adding-a-check.md walks through adding one.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from components.model.flavors import runtime
from components.model.naming import instance_name
from components.model.plan import LabPlan, PathEnd, PathPlan, RouterPlan
from components.ops.shell import CommandOutput

Status = Literal["pass", "fail", "n/a"]
# Each command's output, by command line.
Observed = Mapping[str, CommandOutput]


@dataclass(frozen=True)
class CheckResult:
    router: str
    check: str
    subject: str
    status: Status
    detail: str


@dataclass(frozen=True)
class RouterScope:
    """What a check knows about the router it looks at."""

    plan: LabPlan
    router: RouterPlan
    # What the router's shell says it lacks (see RouterShell): the checks that need it report n/a.
    zerotier_absent: str | None = None
    underlay_absent: str | None = None
    # What the other routers answered, by router, where validate asked them all first: for checks
    # that compare a router with its peers. Empty where the router is looked at alone.
    elsewhere: Mapping[str, Observed] = field(default_factory=dict)

    def active_paths(self) -> tuple[PathPlan, ...]:
        return tuple(path for path in self.plan.paths if path.active)

    def neighbours(self, path: PathPlan) -> tuple[PathEnd, ...]:
        """The ends this router exchanges frames with on ``path``: every other router's, or a spoke's hub's alone."""
        return self.plan.neighbours(path, self.router.name)

    def about_peer(self, subject: str, peer: str, via: str | None = None) -> str:
        """A subject that concerns one peer, naming it (and the hub it is reached through) where the
        router has several: ``10.0.55.3/32 (br2 via hq)``. With two routers the peer is the other
        one, so the subject stays as it always read."""
        if len(self.plan.routers) == 2:
            return subject
        return f"{subject} ({peer}{f' via {via}' if via else ''})"

    def container(self, index: int) -> str:
        """Path ``index``'s instance container: the same name on every runtime."""
        return instance_name(self.plan.project, self.plan.stack, index)

    def in_container(self, index: int, *argv: str) -> str:
        """One command line running ``argv`` inside path ``index``'s container, through the router's runtime."""
        return shlex.join([*runtime(self.router.runtime).exec_prefix, "exec", self.container(index), *argv])

    def result(self, check: str, subject: str, status: Status, detail: str) -> CheckResult:
        return CheckResult(self.router.name, check, subject, status, detail)

    def every_path_not_applicable(self, check: str, why: str) -> list[CheckResult]:
        """One line for all the paths, where the check has nothing to look at on this router."""
        return [self.result(check, f"paths 1-{self.plan.path_count}", "n/a", why)]


@dataclass(frozen=True)
class Check:
    name: str
    commands: Callable[[RouterScope], Sequence[str]]
    evaluate: Callable[[RouterScope, Observed], Sequence[CheckResult]]


def parsed_json(output: CommandOutput) -> Any:
    """The command's output as JSON, or None where it printed something else (an error, a banner)."""
    try:
        return json.loads(output.stdout)
    except json.JSONDecodeError:
        return None
