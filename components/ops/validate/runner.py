"""Running the checks on a lab: each router asked every command once, its facts read once, the verdicts as one table."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from components.model.plan import LabPlan, RouterPlan
from components.ops.facts import gather
from components.ops.facts.gather import RouterFacts
from components.ops.facts.getter import Target
from components.ops.facts.needs import AnyNeed
from components.ops.shell import CommandOutput, RouterShell
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.registry import CHECKS


def needs_for(scope: RouterScope, checks: Sequence[Check] = CHECKS) -> list[AnyNeed]:
    """Every fact the checks need on one router, each once, in check order."""
    return list(dict.fromkeys(need for check in checks for need in check.needs(scope)))


def target_of(plan: LabPlan, router: RouterPlan, shell: RouterShell | None = None) -> Target:
    """The router as the getters see it: what its shell (if any) says it has none of."""
    if shell is None:
        return Target(plan, router)
    return Target(plan, router, shell.zerotier_absent, shell.underlay_absent)


def commands_for(target: Target, checks: Sequence[Check] = CHECKS) -> list[str]:
    """Every command the checks' facts take on one router, each once, in check order."""
    return gather.commands_for(target, needs_for(RouterScope(target.plan, target.router), checks))


def read_facts(target: Target, outputs: Mapping[str, CommandOutput], checks: Sequence[Check] = CHECKS) -> RouterFacts:
    """The facts the checks need, read from the outputs of ``commands_for``."""
    return gather.read_facts(target, needs_for(RouterScope(target.plan, target.router), checks), outputs)


def evaluate(scope: RouterScope, facts: RouterFacts, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    return [result for check in checks for result in check.evaluate(scope, facts)]


def observe(shell: RouterShell, commands: Sequence[str]) -> dict[str, CommandOutput]:
    return {command: shell.run(command) for command in commands}


def _router_facts(target: Target, shell: RouterShell, checks: Sequence[Check]) -> RouterFacts:
    return read_facts(target, observe(shell, commands_for(target, checks)), checks)


def validate_lab(plan: LabPlan, shells: Mapping[str, RouterShell], checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    """Run every check on every router (the routers read in parallel); results in router, then check order.

    Every router is read before any is judged: a check may compare a router with its peers (the
    route check compares each route with the peer's route back).
    """
    targets = [target_of(plan, router, shells[router.name]) for router in plan.routers]
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        read = list(pool.map(lambda target: _router_facts(target, shells[target.router.name], checks), targets))
    by_router = {facts.router: facts for facts in read}
    return [
        result
        for router in plan.routers
        for result in evaluate(
            RouterScope(plan, router, {name: facts for name, facts in by_router.items() if name != router.name}),
            by_router[router.name],
            checks,
        )
    ]


def exit_status(results: Sequence[CheckResult]) -> int:
    return 1 if any(result.status == "fail" for result in results) else 0


def render_results(results: Sequence[CheckResult]) -> str:
    """A fixed-width pass/fail table, then one summary line."""
    header = ("router", "check", "subject", "result", "detail")
    rows = [(r.router, r.check, r.subject, r.status.upper(), r.detail) for r in results]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4] for row in [header, *rows]]
    counts = {status: sum(r.status == status for r in results) for status in ("pass", "fail", "n/a")}
    summary = f"validate: {counts['pass']} passed, {counts['fail']} failed, {counts['n/a']} not applicable"
    return "\n".join(line.rstrip() for line in lines) + "\n" + summary + "\n"


def print_validation(plan: LabPlan, shells: Mapping[str, RouterShell]) -> int:
    results = validate_lab(plan, shells)
    sys.stdout.write(render_results(results))
    return exit_status(results)


def run_from_arguments(stack_name: str, project_dir: Path) -> int:
    """``python -m components validate --stack NAME``: plan and keys from the stack, checks over SSH."""
    from components.ops.shell import ssh_shells
    from components.stack.automation import private_keys, select_lab_stack, stack_plan
    from components.stack.files import project_name

    stack = select_lab_stack(stack_name, project_dir)
    plan = stack_plan(stack, project_name(project_dir))
    with ssh_shells(plan, private_keys(stack, plan)) as shells:
        return print_validation(plan, shells)
