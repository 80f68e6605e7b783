"""Path peer answers: over every active path, each neighbour's path address replies to ping.

A neighbour is a router this one exchanges frames with on the path networks (``LabPlan.neighbours``):
every other router in a full mesh; for a spoke, the hub alone. A spoke never pings another spoke's
path address: the path networks' flow rules drop frames between spokes by design, and the two reach
each other through the hub (the floating peer check covers that).
"""

from __future__ import annotations

from components.model.plan import PathEnd, PathPlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.needs import AnyNeed, PingNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.ping import ping_verdict

NAME = "path peer answers"


def _pinged(scope: RouterScope) -> list[tuple[PathPlan, PathEnd]]:
    """Every (active path, neighbour's end on it), in path then router order."""
    return [(path, end) for path in scope.active_paths() for end in scope.neighbours(path)]


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [PingNeed(end.address.ip) for _, end in _pinged(scope)]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    return [
        scope.result(
            NAME,
            scope.about_peer(f"path {path.index}: {end.address.ip}", end.router),
            *ping_verdict(facts[PingNeed(end.address.ip)]),
            path=path.index,
            peer=end.router,
        )
        for path, end in _pinged(scope)
    ]


CHECK = Check(NAME, needs, evaluate)
