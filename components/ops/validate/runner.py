"""Running the checks on a lab: every router reached first, asked all its commands at once, its facts
read once, then every verdict; the report as a table or one JSON document.

Every router is read before any is judged: a check may compare a router with its peers (the route
check compares each route with the peer's route back). A router that cannot be reached is named once,
with its address and the SSH error, and its checks are reported as not run.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.model.plan import LabPlan
from components.ops.facts import gather
from components.ops.facts.gather import RouterFacts
from components.ops.facts.getter import Target
from components.ops.facts.needs import AnyNeed
from components.ops.lab_read import Progress, Unreachable, quiet, read_lab, target_of
from components.ops.shell import CommandOutput, RouterSession
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.registry import CHECKS

# Exit statuses: every check passed (or did not apply), a check failed, a router could not be reached.
PASSED, FAILED, UNREACHABLE = 0, 1, 3


def needs_for(scope: RouterScope, checks: Sequence[Check] = CHECKS) -> list[AnyNeed]:
    """Every fact the checks need on one router, each once, in check order."""
    return list(dict.fromkeys(need for check in checks for need in check.needs(scope)))


def commands_for(target: Target, checks: Sequence[Check] = CHECKS) -> list[str]:
    """Every command the checks' facts take on one router, each once, in check order."""
    return gather.commands_for(target, needs_for(RouterScope(target.plan, target.router), checks))


def read_facts(target: Target, outputs: Mapping[str, CommandOutput], checks: Sequence[Check] = CHECKS) -> RouterFacts:
    """The facts the checks need, read from the outputs of ``commands_for``."""
    return gather.read_facts(target, needs_for(RouterScope(target.plan, target.router), checks), outputs)


def evaluate(scope: RouterScope, facts: RouterFacts, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    return [result for check in checks for result in check.evaluate(scope, facts)]


@dataclass(frozen=True)
class Validation:
    """What one validate run found: every verdict, and the routers it could not reach."""

    results: tuple[CheckResult, ...]
    unreachable: tuple[Unreachable, ...] = ()

    @property
    def exit_status(self) -> int:
        """3 where a router could not be reached (its checks did not run), else 1 where a check failed, else 0."""
        if self.unreachable:
            return UNREACHABLE
        return FAILED if any(result.status == "fail" for result in self.results) else PASSED


def not_run(target: Target, unreachable: Unreachable, checks: Sequence[Check]) -> list[CheckResult]:
    """One line per check that would have asked the router something: none of them ran."""
    return [
        CheckResult(target.router.name, check.name, "all", "not run", f"{unreachable.router} is unreachable")
        for check in checks
        if commands_for(target, [check])
    ]


def validate_lab(
    plan: LabPlan,
    sessions: Mapping[str, RouterSession],
    checks: Sequence[Check] = CHECKS,
    *,
    routers: Sequence[str] | None = None,
    progress: Progress = quiet,
) -> Validation:
    """Run the checks on the routers named (every router by default); results in router, then check order."""
    chosen = list(routers) if routers is not None else list(plan.router_names)
    read = read_lab(plan, sessions, lambda router: needs_for(RouterScope(plan, router), checks), chosen, progress)
    results: list[CheckResult] = []
    for name in chosen:
        router = plan.router(name)
        if (unreachable := read.unreachable_router(name)) is not None:
            results += not_run(target_of(plan, router, sessions[name]), unreachable, checks)
            continue
        elsewhere = {other: facts for other, facts in read.facts.items() if other != name}
        results += evaluate(RouterScope(plan, router, elsewhere), read.facts[name], checks)
    return Validation(tuple(results), read.unreachable)


STATUS_WORDS = {"pass": "PASS", "fail": "FAIL", "n/a": "N/A", "not run": "NOT RUN"}


def render_results(validation: Validation) -> str:
    """A fixed-width pass/fail table, then one summary line, then one line per router that could not be reached."""
    results = validation.results
    header = ("router", "check", "subject", "result", "detail")
    rows = [(r.router, r.check, r.subject, STATUS_WORDS[r.status], r.detail) for r in results]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4] for row in [header, *rows]]
    counts = {status: sum(r.status == status for r in results) for status in STATUS_WORDS}
    summary = f"validate: {counts['pass']} passed, {counts['fail']} failed, {counts['n/a']} not applicable"
    if counts["not run"]:
        summary += f", {counts['not run']} not run"
    tail = [router.line for router in validation.unreachable]
    return "\n".join([*(line.rstrip() for line in lines), summary, *tail]) + "\n"


def results_document(plan: LabPlan, validation: Validation) -> dict[str, Any]:
    """The run as one JSON document: a result per line of the table, the routers not reached, the exit status."""
    return {
        "project": plan.project,
        "stack": plan.stack,
        "results": [
            {
                "router": result.router,
                "check": result.check,
                "subject": result.subject,
                "peer": result.peer,
                "path": result.path,
                "verdict": result.status,
                "reason": result.detail,
            }
            for result in validation.results
        ],
        "unreachable": [{"router": found.router, "address": found.address, "error": found.error} for found in validation.unreachable],
        "exitStatus": validation.exit_status,
    }


def listed_checks(plan: LabPlan, checks: Sequence[Check] = CHECKS, routers: Sequence[str] | None = None) -> str:
    """Each check, and per router what it runs there (as the getters of its flavor and runtime ask it)."""
    chosen = [plan.router(name) for name in (routers if routers is not None else plan.router_names)]
    lines = []
    for check in checks:
        lines.append(check.name)
        for router in chosen:
            commands = commands_for(target_of(plan, router), [check])
            if not commands:
                lines.append(f"  {router.name}: asks nothing (the check does not apply to this router)")
                continue
            lines.append(f"  {router.name}: {commands[0]}")
            lines += [f"  {' ' * len(router.name)}  {command}" for command in commands[1:]]
    return "\n".join(lines) + "\n"


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def print_validation(plan: LabPlan, sessions: Mapping[str, RouterSession], *, progress: Progress = stderr_progress) -> int:
    """Validate every router, print the table, return the exit status (what the sweep runs after measuring)."""
    validation = validate_lab(plan, sessions, progress=progress)
    sys.stdout.write(render_results(validation))
    return validation.exit_status
