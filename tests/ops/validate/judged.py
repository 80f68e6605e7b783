"""Judging facts built in a test: a check's verdicts on r1 of the gk41 lab (or another plan's router).

r1 of gk41: VyOS, N = K = 4, path i is 10.14.0.(4i-3)/30 on ztecmp<i> pinned to CPU i-1, r2 holds
10.14.0.(4i-2); floating IPs 10.0.55.1 and 10.0.55.2; underlay eth2 at 2.5G, autonegotiated.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address
from typing import Any

from components.model.plan import LabPlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Ping
from components.ops.facts.needs import PingNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope
from tests.ops.validate.gk41_r1 import VYOS

# Facts by the need they answer (any kind of need: a Mapping's key type is invariant).
Known = Mapping[Any, object]


def judged(
    check: Check, known: Known, plan: LabPlan = VYOS, router: str = "r1", elsewhere: Mapping[str, Known] | None = None
) -> list[CheckResult]:
    peers = {name: RouterFacts(name, facts) for name, facts in (elsewhere or {}).items()}
    return list(check.evaluate(RouterScope(plan, plan.router(router), peers), RouterFacts(router, known)))


def verdicts(
    check: Check, known: Known, plan: LabPlan = VYOS, router: str = "r1", elsewhere: Mapping[str, Known] | None = None
) -> list[tuple[str, str, str]]:
    """(subject, status, detail) of each verdict."""
    return [(result.subject, result.status, result.detail) for result in judged(check, known, plan, router, elsewhere)]


def failed(check: Check, known: Known, plan: LabPlan = VYOS, router: str = "r1") -> list[tuple[str, str]]:
    """(subject, detail) of each verdict that is not a pass."""
    return [(subject, detail) for subject, status, detail in verdicts(check, known, plan, router) if status != "pass"]


ANSWERED = "2 packets transmitted, 2 received, 0% packet loss, time 201ms"
SILENT = "2 packets transmitted, 0 received, 100% packet loss, time 1023ms"


def ping(target: str, source: str | None = None, *, received: int = 2) -> tuple[PingNeed, Ping]:
    """A ping need and its answer: both probes answered, or none where ``received`` is 0."""
    need = PingNeed(IPv4Address(target), IPv4Address(source) if source else None)
    return need, Ping(target, source, 2, received, ANSWERED if received else SILENT)
