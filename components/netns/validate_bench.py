"""Benchmark of validate's wall time on the network-namespace lab, over real OpenSSH.

Each router runs sshd (ssh_access); validate reaches them as it reaches a deployed lab's routers. For
each lab size it times three ways of asking the same commands, every router in parallel each time:
- one connection per router, all its commands as one script (what validate does);
- one connection per router, each command its own ssh through it (a master without the batch);
- one login per command, no master (what validate did before).
Each way is run ``repeats`` times on a lab built once per size; the median is printed, with the
fastest and slowest. Every run must pass: a broken lab's timing would say nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from components.model.errors import OutsideError
from components.model.plan import build_plan
from components.netns.lab import netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.netns.ssh_access import SshAccess, missing_ssh_requirements, ssh_access
from components.ops.batch import PARALLEL
from components.ops.lab_read import target_of
from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput, RouterSession, SshShell
from components.ops.validate.runner import commands_for, validate_lab
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings

# Routers x paths: the sizes the issue asks for, two-router labs first.
SIZES = ((2, 4), (2, 8), (3, 4))
GOAL_SECONDS = 3.0
GOAL_SIZE = (2, 4)
# The deployed lab the namespace figures are put beside.
REFERENCE_STACK = "gk41"


@dataclass(frozen=True)
class CommandByCommand:
    """A router asked one command at a time through the run's master connection: no batch."""

    shell: SshShell

    @property
    def router(self) -> str:
        return self.shell.router

    @property
    def zerotier_absent(self) -> str | None:
        return self.shell.zerotier_absent

    @property
    def underlay_absent(self) -> str | None:
        return self.shell.underlay_absent

    @property
    def address(self) -> str:
        return self.shell.address

    def connect(self) -> str | None:
        return self.shell.connect()

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        return self.shell.run(command, timeout=timeout)

    def run_all(self, commands: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, CommandOutput]:
        return {command: self.shell.run(command, timeout=timeout) for command in dict.fromkeys(commands)}

    def start(self, command: str) -> subprocess.Popen[str]:
        return self.shell.start(command)


@dataclass(frozen=True)
class LoginPerCommand(CommandByCommand):
    """A router asked one command at a time, each its own login: no master is opened, so every ssh
    connects by itself (ControlMaster=no with no socket), as validate asked before."""

    def connect(self) -> str | None:
        return None


@dataclass(frozen=True)
class Way:
    name: str
    wrap: Callable[[SshShell], RouterSession]


WAYS = (
    Way("one connection, one script", lambda shell: shell),
    Way("one connection, a command at a time", CommandByCommand),
    Way("a login per command (before)", LoginPerCommand),
)


@dataclass(frozen=True)
class Timing:
    routers: int
    paths: int
    commands: int
    # By way: every run's wall time, seconds.
    seconds: Mapping[str, tuple[float, ...]]


def _timed_validation(access: SshAccess, way: Way) -> float:
    started = time.monotonic()
    with access.shells() as shells:
        validation = validate_lab(access.plan, {name: way.wrap(shell) for name, shell in shells.items()})
    seconds = time.monotonic() - started
    if validation.exit_status != 0:
        failed = [f"{r.router} {r.check} {r.subject}: {r.detail}" for r in validation.results if r.status in ("fail", "not run")]
        lines = [found.line for found in validation.unreachable] + failed
        raise OutsideError(f"validate did not pass on the namespace lab ({way.name}): " + "; ".join(lines[:3]))
    return seconds


def time_validate(routers: int, paths: int, repeats: int, progress: Callable[[str], None]) -> Timing:
    """validate's wall time on a lab of ``routers`` x ``paths``, each way ``repeats`` times, over real SSH."""
    plan = netns_lab_plan(paths, routers=routers)
    with netns_lab(plan) as lab:
        lab.apply()
        with ssh_access(lab) as access:
            seconds: dict[str, list[float]] = {way.name: [] for way in WAYS}
            for _ in range(repeats):
                # The ways take turns, so that what else runs on this machine meanwhile weighs on each alike.
                for way in WAYS:
                    seconds[way.name].append(_timed_validation(access, way))
            progress(
                f"{routers} routers x {paths} paths: " + ", ".join(f"{name} {statistics.median(s):.2f} s" for name, s in seconds.items())
            )
    commands = len(commands_for(target_of(plan, plan.routers[0], lab.shell(plan.routers[0].name))))
    return Timing(routers, paths, commands, {name: tuple(found) for name, found in seconds.items()})


def missing_bench_requirements() -> list[str]:
    from components.netns.lab import missing_requirements

    return missing_requirements() + missing_ssh_requirements()


def _cell(seconds: Sequence[float]) -> str:
    return f"{statistics.median(seconds):.2f} s ({min(seconds):.2f}-{max(seconds):.2f})"


def reference_commands(project_dir: Path = PROJECT_DIR, stack: str = REFERENCE_STACK) -> int:
    """How many commands validate asks r1 of a reference stack: a VyOS router runs ZeroTier and has an underlay to ask about."""
    project, values, secrets = load_stack_without_secrets(stack, project_dir)
    plan = build_plan(parse_qualified_settings(values, secrets).lab, project, stack)
    return len(commands_for(target_of(plan, plan.routers[0])))


def render_timings(timings: Sequence[Timing], repeats: int, reference: int | None = None) -> str:
    header = ["lab", "commands per router", *(way.name for way in WAYS)]
    rows = [
        [f"{timing.routers} routers x {timing.paths} paths", str(timing.commands), *(_cell(timing.seconds[way.name]) for way in WAYS)]
        for timing in timings
    ]
    lines = [
        f"validate's wall time on the network-namespace lab over OpenSSH: median of {repeats} runs (fastest-slowest), "
        "every router read in parallel",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if reference is not None:
        lines += [
            "",
            f"The namespace routers run no ZeroTier and have no underlay: validate asks r1 of the {REFERENCE_STACK} stack (VyOS, "
            f"4 paths) {reference} commands, which its one script runs {PARALLEL} at a time.",
        ]
    goal = next((timing for timing in timings if (timing.routers, timing.paths) == GOAL_SIZE), None)
    if goal is not None:
        median = statistics.median(goal.seconds[WAYS[0].name])
        verdict = "met" if median < GOAL_SECONDS else "NOT met"
        lines += ["", f"goal: under {GOAL_SECONDS:g} s for {GOAL_SIZE[0]} x {GOAL_SIZE[1]}: {median:.2f} s, {verdict}"]
    return "\n".join(lines) + "\n"


def run_validate_benchmark(repeats: int, sizes: Sequence[tuple[int, int]] = SIZES, progress: Callable[[str], None] = print) -> str:
    timings = [time_validate(routers, paths, repeats, progress) for routers, paths in sizes]
    return render_timings(timings, repeats, reference_commands())
