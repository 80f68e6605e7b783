"""What a getter is: the commands one need takes on a router, and the fact their outputs say.

A getter is a pair of pure functions, like a check: ``commands`` from the plan, and ``read`` from the
outputs of exactly those commands, in the same order. The helpers below turn a failed or unreadable
output into an ``Unread`` that says how it failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from components.model.naming import instance_name
from components.model.plan import LabPlan, RouterPlan
from components.ops.facts.model import Unread, UnreadKind
from components.ops.shell import CommandOutput

N_contra = TypeVar("N_contra", contravariant=True)
F_co = TypeVar("F_co", covariant=True)


@dataclass(frozen=True)
class Target:
    """The router facts are read from: its plan, and what its shell says it has none of."""

    plan: LabPlan
    router: RouterPlan
    zerotier_absent: str | None = None
    underlay_absent: str | None = None

    def container(self, index: int) -> str:
        """Path ``index``'s instance container: the same name on every runtime."""
        return instance_name(self.plan.project, self.plan.stack, index)


@dataclass(frozen=True)
class Getter(Generic[N_contra, F_co]):
    # The command lines (each one shell line, never a secret) the need takes on this router.
    commands: Callable[[Target, N_contra], tuple[str, ...]]
    # The fact, from the outputs of those commands in their order.
    read: Callable[[Target, N_contra, tuple[CommandOutput, ...]], F_co]


def _kind(output: CommandOutput) -> UnreadKind:
    said = f"{output.stderr}\n{output.stdout}".lower()
    # 124: what the shells report for a command they stopped (components/ops/shell.py).
    if output.returncode == 124 and output.stderr.startswith("timed out"):
        return "timeout"
    # 127: the shell found no such command; VyOS's vbash answers `Invalid command: [name]` instead.
    if output.returncode == 127 or "command not found" in said or "invalid command" in said:
        return "missing"
    if output.returncode == 126 or "permission denied" in said or "operation not permitted" in said:
        return "permission"
    return "failed"


def failed(output: CommandOutput, what: str) -> Unread:
    """A command that failed: its first complaint is the reason."""
    return Unread(what, _kind(output), output.why())


def unparsed(output: CommandOutput, what: str, expected: str) -> Unread:
    """A command that answered something the getter cannot read: what it expected, and the first line it got."""
    first = next((line.strip() for line in output.stdout.splitlines() if line.strip()), "")
    return Unread(what, "unparsed", f"{expected}: {first}" if first else f"{expected}: no output")


def json_list(output: CommandOutput, what: str) -> list[Any] | Unread:
    """The command's output as a JSON list, or why it is not one."""
    if not output.ok:
        return failed(output, what)
    try:
        listed = json.loads(output.stdout)
    except json.JSONDecodeError:
        return unparsed(output, what, "not JSON")
    return listed if isinstance(listed, list) else unparsed(output, what, "not a JSON list")


def json_object(output: CommandOutput, what: str) -> dict[str, Any] | Unread:
    """The command's output as a JSON object, or why it is not one."""
    if not output.ok:
        return failed(output, what)
    try:
        found = json.loads(output.stdout)
    except json.JSONDecodeError:
        return unparsed(output, what, "not JSON")
    return found if isinstance(found, dict) else unparsed(output, what, "not a JSON object")


def text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
