"""From needs to commands, and from their outputs to a router's facts.

A tool names the facts it needs; ``commands_for`` gives the command lines that read them on one
router, each once, in the order of the needs; the tool runs them however it reaches the router and
hands the outputs to ``read_facts``, which reads each need's fact once from the outputs of its own
commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from components.ops.facts.getter import Getter, Target
from components.ops.facts.model import Absent
from components.ops.facts.needs import AnyNeed, Need
from components.ops.facts.table import getter_for
from components.ops.shell import CommandOutput

F = TypeVar("F")


@dataclass(frozen=True)
class RouterFacts:
    """What was read on one router, by need."""

    router: str
    known: Mapping[Need[Any], object]

    def __getitem__(self, need: Need[F]) -> F:
        try:
            return cast(F, self.known[need])
        except KeyError:
            raise KeyError(f"{need} was not read on {self.router}: only what was asked for is read") from None

    def get(self, need: Need[F]) -> F | None:
        """The fact, or None where it was not read (another router's, read for its own checks)."""
        return cast(F, self.known[need]) if need in self.known else None


def _getter(target: Target, need: AnyNeed) -> Getter[Any, object] | Absent:
    """The need's getter on this router, or why the router cannot have its fact."""
    if need.requires == "zerotier" and target.zerotier_absent:
        return Absent(target.zerotier_absent)
    if need.requires == "underlay" and target.underlay_absent:
        return Absent(target.underlay_absent)
    return getter_for(need, target.router)


def commands_for(target: Target, needs: Iterable[AnyNeed]) -> list[str]:
    """Every command the needs take on the router, each once, in the order of the needs."""
    commands: dict[str, None] = {}
    for need in dict.fromkeys(needs):
        getter = _getter(target, need)
        if not isinstance(getter, Absent):
            commands.update(dict.fromkeys(getter.commands(target, need)))
    return list(commands)


def read_facts(target: Target, needs: Iterable[AnyNeed], outputs: Mapping[str, CommandOutput]) -> RouterFacts:
    """Each need's fact, read once from the outputs of the commands ``commands_for`` gave for it."""
    known: dict[Need[Any], object] = {}
    for need in dict.fromkeys(needs):
        getter = _getter(target, need)
        if isinstance(getter, Absent):
            known[need] = getter
        else:
            known[need] = getter.read(target, need, tuple(outputs[command] for command in getter.commands(target, need)))
    return RouterFacts(target.router.name, known)
