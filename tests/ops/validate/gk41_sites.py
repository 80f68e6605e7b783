"""The three-site lab the validate tests look at: hq, br1 and br2 of gk41-sites, its plans and recorded answers.

VyOS containers, K = 4 of N = 4. Path i's subnet is the i-th /29 of 10.14.0.0/24 and router k takes
its k-th address (path 2: hq 10.14.0.9, br1 10.14.0.10, br2 10.14.0.11); the floating IPs are
10.0.55.1, .2 and .3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.model.plan import LabPlan
from components.ops.shell import CommandOutput
from components.ops.validate.framework import CheckResult
from tests.ops.recorded_router import Recording, recorded
from tests.ops.validate.gk41_r1 import check_named, judge
from tests.support.stacks import lab_plan, stack_settings

STACK = "gk41-sites"
ROUTERS = ("hq", "br1", "br2")
FULL_MESH = lab_plan(STACK)
# The same lab with the branches reaching each other only through the head office.
HUB_AND_SPOKE = lab_plan(STACK, routing={"topology": "hub-and-spoke", "hub": "hq"})


def four_sites(**changes: Any) -> LabPlan:
    """The lab with a third branch, br3, a copy of br2 at the next addresses."""
    routers = stack_settings(STACK)["routers"]
    br3 = stack_settings(STACK)["routers"][2]
    br3.update(name="br3")
    br3["ssh"]["host"] = "192.0.2.54"
    br3["underlay"]["address"] = "198.51.100.4/29"
    return lab_plan(STACK, routers=[*routers, br3], **changes)


def healthy(router: str, *broken: str) -> Recording:
    """``router``'s answers in the healthy full mesh, with the answers of each ``broken`` case in their place."""
    return recorded(f"{STACK}-{router}-vyos", *broken)


def hub_and_spoke(router: str, *broken: str) -> Recording:
    """``router``'s answers in the healthy hub-and-spoke lab: a spoke's differ from the full mesh's in its
    route to the other spoke and its BFD sessions; the hub answers as in the full mesh."""
    return healthy(router, *([] if router == "hq" else [f"{STACK}-{router}-hub-and-spoke"]), *broken)


def results(check: str, router: str, answers: Mapping[str, CommandOutput], plan: LabPlan = FULL_MESH) -> list[CheckResult]:
    """One check's verdicts on one router."""
    return judge(plan, router, answers, [check_named(check)])


def verdicts(check: str, router: str, answers: Mapping[str, CommandOutput], plan: LabPlan = FULL_MESH) -> list[tuple[str, str, str]]:
    return [(result.subject, result.status, result.detail) for result in results(check, router, answers, plan)]


def failures(router: str, answers: Mapping[str, CommandOutput], plan: LabPlan = FULL_MESH) -> list[tuple[str, str, str]]:
    return [(result.check, result.subject, result.detail) for result in judge(plan, router, answers) if result.status != "pass"]
