"""What a validation check is, what it sees of a router and what it returns.

A check is a pair of pure functions: the facts it needs about a router (from the plan), and its
verdicts from those facts. It holds no command and reads no output: components/ops/facts turns what
the router's flavor and runtime answer into facts. The checks themselves live in ``checks/``, one
module each, and ``registry.CHECKS`` lists them; ``runner`` gathers every fact once per router and
hands the facts back. docs/adding-a-check.md walks through adding one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from components.model.plan import LabPlan, PathEnd, PathPlan, RouterPlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.needs import AnyNeed

# "not run": the router could not be reached, so none of its checks ran (the runner says so; a check never does).
Status = Literal["pass", "fail", "n/a", "not run"]


@dataclass(frozen=True)
class CheckResult:
    router: str
    check: str
    subject: str
    status: Status
    detail: str
    # The path the result is about (1-based), and the other router it concerns, where it is about one.
    path: int | None = None
    peer: str | None = None


@dataclass(frozen=True)
class RouterScope:
    """What a check knows about the router it looks at."""

    plan: LabPlan
    router: RouterPlan
    # The other routers' facts, by router, where validate read them all first: for checks that
    # compare a router with its peers. Empty where the router is looked at alone.
    elsewhere: Mapping[str, RouterFacts] = field(default_factory=dict)

    def active_paths(self) -> tuple[PathPlan, ...]:
        return tuple(path for path in self.plan.paths if path.active)

    def neighbours(self, path: PathPlan) -> tuple[PathEnd, ...]:
        """The ends this router exchanges frames with on ``path``: every other router's, or a spoke's hub's alone."""
        return self.plan.neighbours(path, self.router.name)

    def about_peer(self, subject: str, peer: str, via: str | None = None) -> str:
        """A subject that concerns one peer, naming it (and the hub it is reached through), the same
        way whatever the number of routers: ``10.0.55.2/32 (r2)``, ``10.0.55.3/32 (br2 via hq)``."""
        return f"{subject} ({peer}{f' via {via}' if via else ''})"

    def result(
        self, check: str, subject: str, status: Status, detail: str, *, path: int | None = None, peer: str | None = None
    ) -> CheckResult:
        return CheckResult(self.router.name, check, subject, status, detail, path, peer)

    def every_path_not_applicable(self, check: str, why: str) -> list[CheckResult]:
        """One line for all the paths, where the check has nothing to look at on this router."""
        return [self.result(check, f"paths 1-{self.plan.path_count}", "n/a", why)]


@dataclass(frozen=True)
class Check:
    name: str
    # The facts the check reads, worked out from the plan; evaluate reads exactly these.
    needs: Callable[[RouterScope], Sequence[AnyNeed]]
    evaluate: Callable[[RouterScope, RouterFacts], Sequence[CheckResult]]
