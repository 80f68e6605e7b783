"""Reading one fact from recorded router answers, as validate reads it: the getters of the router's flavor and runtime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, cast

from components.model.plan import LabPlan
from components.ops.facts.gather import commands_for, read_facts
from components.ops.facts.getter import Target
from components.ops.facts.needs import AnyNeed, Need
from components.ops.shell import CommandOutput
from tests.ops.recorded_router import recorded
from tests.ops.validate.gk41_r1 import HEALTHY_VYOS, VYOS

F = TypeVar("F")


def fact(need: Need[F], answers: Mapping[str, CommandOutput], plan: LabPlan = VYOS, router: str = "r1") -> F:
    """``need``'s fact on ``router``, from ``answers`` (which need hold only the commands it takes)."""
    return read_facts(Target(plan, plan.router(router)), [cast(AnyNeed, need)], answers)[need]


def r1_fact(need: Need[F], *cases: str, plan: LabPlan = VYOS) -> F:
    """``need``'s fact on r1 of the gk41 lab, from the healthy VyOS router's answers with ``cases`` laid over them."""
    return fact(need, recorded(HEALTHY_VYOS, *cases), plan)


def asked(need: AnyNeed, plan: LabPlan = VYOS, router: str = "r1") -> list[str]:
    """The commands ``need`` takes on ``router``."""
    return commands_for(Target(plan, plan.router(router)), [need])
