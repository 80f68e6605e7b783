"""Floating peer answers: each other router's floating IP replies to ping sent from this router's own, over the ECMP route.

Every peer, spokes included: a spoke's ping to another spoke goes through the hub, and must pass too.
"""

from __future__ import annotations

from components.model.plan import RoutePlan
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope
from components.ops.validate.ping import ping_command, ping_summary

NAME = "floating peer answers"


def _command(scope: RouterScope, route: RoutePlan) -> str:
    # From the own floating IP: the reply then comes back over the peer's ECMP route too.
    return ping_command(str(route.destination.network_address), str(scope.router.floating_ip.ip))


def commands(scope: RouterScope) -> list[str]:
    return [_command(scope, route) for route in scope.router.routes]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    results = []
    for route in scope.router.routes:
        output = observed[_command(scope, route)]
        subject = scope.about_peer(f"{scope.router.floating_ip.ip} -> {route.destination.network_address}", route.peer, route.via)
        results.append(scope.result(NAME, subject, "pass" if output.ok else "fail", ping_summary(output)))
    return results


CHECK = Check(NAME, commands, evaluate)
