"""Running the checks on a lab: each router asked for every command once, the verdicts as one table."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from components.model.plan import LabPlan
from components.ops.shell import CommandOutput, RouterShell
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope
from components.ops.validate.registry import CHECKS


def commands_for(scope: RouterScope, checks: Sequence[Check] = CHECKS) -> list[str]:
    """Every command the checks need on one router, each once, in check order."""
    return list(dict.fromkeys(command for check in checks for command in check.commands(scope)))


def evaluate(scope: RouterScope, observed: Observed, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    return [result for check in checks for result in check.evaluate(scope, observed)]


def observe(shell: RouterShell, commands: Sequence[str]) -> dict[str, CommandOutput]:
    return {command: shell.run(command) for command in commands}


def validate_lab(plan: LabPlan, shells: Mapping[str, RouterShell], checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    """Run every check on every router (the routers in parallel); results in router, then check order."""
    scopes = [
        RouterScope(plan, router, shells[router.name].zerotier_absent, shells[router.name].underlay_absent) for router in plan.routers
    ]
    with ThreadPoolExecutor(max_workers=len(scopes)) as pool:
        observations = list(pool.map(lambda scope: observe(shells[scope.router.name], commands_for(scope, checks)), scopes))
    by_router = {scope.router.name: observed for scope, observed in zip(scopes, observations, strict=True)}
    return [
        result
        for scope in scopes
        for result in evaluate(
            replace(scope, elsewhere={name: seen for name, seen in by_router.items() if name != scope.router.name}),
            by_router[scope.router.name],
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
