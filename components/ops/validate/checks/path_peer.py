"""Path peer answers: over every active path, the peer's path address replies to ping."""

from __future__ import annotations

from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope
from components.ops.validate.ping import ping_command, ping_summary

NAME = "path peer answers"


def commands(scope: RouterScope) -> list[str]:
    return [ping_command(str(peer.address.ip)) for path in scope.active_paths() for peer in path.peers(scope.router.name)]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    results = []
    for path in scope.active_paths():
        for peer in path.peers(scope.router.name):
            output = observed[ping_command(str(peer.address.ip))]
            subject = f"path {path.index}: {peer.address.ip}"
            results.append(scope.result(NAME, subject, "pass" if output.ok else "fail", ping_summary(output)))
    return results


CHECK = Check(NAME, commands, evaluate)
