"""What the verbs that look at a deployed lab share (validate, status, collect, connect): the stack
(``--stack``, or the one the Pulumi CLI has selected), the plan as deployed, the routers asked for, and
one SSH shell per router with the stack's keys, removed at the end."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from components.cli.lab_guards import sigterm_as_interrupt
from components.cli.stack_arguments import add_stack_arguments
from components.model.errors import InputError
from components.model.plan import LabPlan
from components.ops.shell import SshShells, ssh_shells
from components.stack.automation import PulumiStack, deployed_plan, private_keys, select_lab_stack, selected_stack_name
from components.stack.files import project_name


def add_deployed_stack_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(
        parser,
        "a deployed stack (default: the one `pulumi stack select` chose); its plan and SSH keys are read through the Automation API",
        required=False,
    )


def add_router_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--router", action="append", metavar="NAME", help=f"{what} only this router (repeatable; default: every router)")


def chosen_routers(plan: LabPlan, asked: Sequence[str] | None, option: str = "--router") -> list[str]:
    """The routers ``--router`` names (each once, in the lab's order), or every router; an unknown name is refused."""
    if not asked:
        return list(plan.router_names)
    for name in asked:
        if name not in plan.router_names:
            raise InputError(f"{option} {name}: stack {plan.stack} has no router {name!r}; its routers are {', '.join(plan.router_names)}")
    return [name for name in plan.router_names if name in asked]


def say(line: str) -> None:
    """A line beside the output: progress, and what a reader should know about the lab being read."""
    print(line, file=sys.stderr, flush=True)


@dataclass
class DeployedLab:
    stack: PulumiStack
    plan: LabPlan
    shells: SshShells
    # What differs between the stack file and the deployed lab, or that only the stack file could say.
    notes: list[str] = field(default_factory=list)


@contextlib.contextmanager
def deployed_lab(stack_name: str | None, project_dir: Path, routers: Sequence[str] | None = None) -> Iterator[DeployedLab]:
    """The deployed lab of ``stack_name`` (or the selected stack): refused before any router is asked where
    the stack, its deployment or a router named does not exist; what differs from the stack file said
    on standard error first; its SSH keys removed on the way out."""
    # A run stopped with SIGTERM unwinds like Ctrl-C: its master connections close and its key files go.
    sigterm_as_interrupt()
    name = stack_name or selected_stack_name(project_dir)
    stack = select_lab_stack(name, project_dir)
    plan, notes = deployed_plan(stack, project_name(project_dir))
    chosen_routers(plan, routers)
    for note in notes:
        say(note)
    with ssh_shells(plan, private_keys(stack, plan)) as shells:
        yield DeployedLab(stack, plan, shells, notes)


def notes_in_report(notes: Sequence[str]) -> str:
    """The notes again at the head of a report, for a reader of the file it went to; on a terminal they
    were said once already, before the routers were asked."""
    return "" if sys.stdout.isatty() else "".join(f"{note}\n" for note in notes)
