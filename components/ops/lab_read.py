"""Reading a lab's routers for one run of a lab tool (validate, status, collect).

Reachability first: every router is reached at once (over SSH, its one connection for the run), and
each that cannot be is one ``Unreachable`` naming it, its address and the SSH error, before anything
is asked. Then every reachable router is asked all its commands at once, the routers in parallel,
with a progress line per router as it finishes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from components.model.plan import LabPlan, RouterPlan
from components.ops.facts import gather
from components.ops.facts.gather import RouterFacts
from components.ops.facts.getter import Target
from components.ops.facts.needs import AnyNeed
from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput, RouterSession, connect_all

Progress = Callable[[str], None]


def quiet(line: str) -> None:
    """No progress lines."""


@dataclass(frozen=True)
class Unreachable:
    """A router the run could not reach: where it was sought and what SSH said."""

    router: str
    address: str
    error: str

    @property
    def line(self) -> str:
        return f"{self.router} ({self.address}) unreachable: {self.error}"


def reach(sessions: Mapping[str, RouterSession], progress: Progress = quiet) -> list[Unreachable]:
    """Reach every router at once; one line (and one ``Unreachable``) for each that cannot be reached."""
    errors = connect_all(sessions)
    unreachable = [Unreachable(name, sessions[name].address, errors[name]) for name in sessions if name in errors]
    for router in unreachable:
        progress(router.line)
    return unreachable


def ask_all(
    sessions: Mapping[str, RouterSession],
    commands: Mapping[str, Sequence[str]],
    progress: Progress = quiet,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, dict[str, CommandOutput]]:
    """Every router's commands, asked all at once per router, the routers in parallel; outputs by router, then command."""
    if not commands:
        return {}

    def one(router: str) -> tuple[str, dict[str, CommandOutput], float]:
        started = time.monotonic()
        outputs = sessions[router].run_all(commands[router], timeout=timeout)
        return router, outputs, time.monotonic() - started

    answered: dict[str, dict[str, CommandOutput]] = {}
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        for future in as_completed([pool.submit(one, router) for router in commands]):
            router, outputs, seconds = future.result()
            answered[router] = outputs
            failed = sum(not output.ok for output in outputs.values())
            progress(f"{router}: {len(outputs)} commands answered in {seconds:.1f} s" + (f", {failed} exited non-zero" if failed else ""))
    return {router: answered[router] for router in commands}


def target_of(plan: LabPlan, router: RouterPlan, shell: RouterSession | None = None) -> Target:
    """The router as the getters see it: what its shell (if any) says it has none of."""
    if shell is None:
        return Target(plan, router)
    return Target(plan, router, shell.zerotier_absent, shell.underlay_absent)


@dataclass(frozen=True)
class LabRead:
    """What one run read: the facts of every router it reached, and the routers it could not reach."""

    facts: Mapping[str, RouterFacts]
    unreachable: tuple[Unreachable, ...]

    def unreachable_router(self, router: str) -> Unreachable | None:
        return next((found for found in self.unreachable if found.router == router), None)


def read_lab(
    plan: LabPlan,
    sessions: Mapping[str, RouterSession],
    needs: Callable[[RouterPlan], Sequence[AnyNeed]],
    routers: Sequence[str] | None = None,
    progress: Progress = quiet,
) -> LabRead:
    """The facts ``needs`` names for each router (every router of the plan by default), reachability first."""
    chosen = [plan.router(name) for name in (routers if routers is not None else plan.router_names)]
    unreachable = reach({router.name: sessions[router.name] for router in chosen}, progress)
    down = {found.router for found in unreachable}
    targets = {router.name: target_of(plan, router, sessions[router.name]) for router in chosen if router.name not in down}
    wanted = {name: list(dict.fromkeys(needs(target.router))) for name, target in targets.items()}
    outputs = ask_all(sessions, {name: gather.commands_for(target, wanted[name]) for name, target in targets.items()}, progress)
    facts = {name: gather.read_facts(target, wanted[name], outputs[name]) for name, target in targets.items()}
    return LabRead(facts, tuple(unreachable))
