"""Floating peer answers: each other router's floating IP replies to ping sent from this router's own, over the ECMP route.

Every peer, spokes included: a spoke's ping to another spoke goes through the hub, and must pass too.
"""

from __future__ import annotations

from components.model.plan import RoutePlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.needs import AnyNeed, PingNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.ping import ping_verdict

NAME = "floating peer answers"


def _ping(scope: RouterScope, route: RoutePlan) -> PingNeed:
    # From the own floating IP: the reply then comes back over the peer's ECMP route too.
    return PingNeed(route.destination.network_address, scope.router.floating_ip.ip)


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [_ping(scope, route) for route in scope.router.routes]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    return [
        scope.result(
            NAME,
            scope.about_peer(f"{scope.router.floating_ip.ip} -> {route.destination.network_address}", route.peer, route.via),
            *ping_verdict(facts[_ping(scope, route)]),
            peer=route.peer,
        )
        for route in scope.router.routes
    ]


CHECK = Check(NAME, needs, evaluate)
