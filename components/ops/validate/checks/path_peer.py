"""Path peer answers: over every active path, each neighbour's path address replies to ping.

A neighbour is a router this one exchanges frames with on the path networks (``LabPlan.neighbours``):
every other router in a full mesh; for a spoke, the hub alone. A spoke never pings another spoke's
path address: the path networks' flow rules drop frames between spokes by design, and the two reach
each other through the hub (the floating peer check covers that).
"""

from __future__ import annotations

from components.model.plan import PathEnd, PathPlan
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope
from components.ops.validate.ping import ping_command, ping_summary

NAME = "path peer answers"


def _pinged(scope: RouterScope) -> list[tuple[PathPlan, PathEnd]]:
    """Every (active path, neighbour's end on it), in path then router order."""
    return [(path, end) for path in scope.active_paths() for end in scope.neighbours(path)]


def commands(scope: RouterScope) -> list[str]:
    return [ping_command(str(end.address.ip)) for _, end in _pinged(scope)]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    results = []
    for path, end in _pinged(scope):
        output = observed[ping_command(str(end.address.ip))]
        subject = scope.about_peer(f"path {path.index}: {end.address.ip}", end.router)
        results.append(scope.result(NAME, subject, "pass" if output.ok else "fail", ping_summary(output)))
    return results


CHECK = Check(NAME, commands, evaluate)
