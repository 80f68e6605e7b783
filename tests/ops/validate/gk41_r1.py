"""The router the recorded validate tests look at: r1 of the gk41 lab, its plans and its recorded answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.model.plan import LabPlan
from components.ops.facts import gather
from components.ops.facts.gather import RouterFacts
from components.ops.facts.needs import RoutesNeed
from components.ops.lab_read import target_of
from components.ops.shell import CommandOutput
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import evaluate, read_facts
from tests.ops.recorded_router import Recording, recorded
from tests.support.stacks import docker_routers, lab_plan, stack_settings

# Runtime vyos (VyOS's own containers, podman underneath), K = 4 of N = 4, network ids made up.
HEALTHY_VYOS = "gk41-r1-vyos"
# What the same router answers differently with its instances on Docker (dockerInstalled).
DOCKER_CONTAINERS = "gk41-r1-docker"


def plan_with_runtime(runtime: str, **changes: Any) -> LabPlan:
    routers = docker_routers("gk41") if runtime == "docker" else stack_settings("gk41")["routers"]
    return lab_plan("gk41", routers=routers, **changes)


VYOS = plan_with_runtime("vyos")
DOCKER = plan_with_runtime("docker")


def healthy_r1(*broken: str) -> Recording:
    """The healthy VyOS router's answers, with the answers of each ``broken`` case in their place."""
    return recorded(HEALTHY_VYOS, *broken)


def judge(
    plan: LabPlan,
    router: str,
    answers: Mapping[str, CommandOutput],
    checks: Sequence[Check] = CHECKS,
    elsewhere: Mapping[str, RouterFacts] | None = None,
) -> list[CheckResult]:
    """The checks' verdicts on ``router`` from its recorded answers, as validate reaches them: facts
    read by the router's getters, then judged; ``elsewhere`` holds other routers' facts."""
    facts = read_facts(target_of(plan, plan.router(router)), answers, checks)
    return evaluate(RouterScope(plan, plan.router(router), elsewhere or {}), facts, checks)


def route_back(peer: str, *cases: str, plan: LabPlan = VYOS) -> RouterFacts:
    """``peer``'s route back to r1, read from its recorded answers (all they hold)."""
    back = plan.router(peer).route_to("r1")
    return gather.read_facts(target_of(plan, plan.router(peer)), [RoutesNeed(back.destination)], recorded(*cases))


def check_named(name: str) -> Check:
    return next(check for check in CHECKS if check.name == name)


def results(check: str, answers: Mapping[str, CommandOutput], plan: LabPlan = VYOS) -> list[CheckResult]:
    """One check's verdicts alone: the answers need hold only what that check asks."""
    return judge(plan, "r1", answers, [check_named(check)])


def failures(answers: Mapping[str, CommandOutput], plan: LabPlan = VYOS) -> list[tuple[str, str, str]]:
    return [(result.check, result.subject, result.detail) for result in judge(plan, "r1", answers) if result.status != "pass"]
