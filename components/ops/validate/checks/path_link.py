"""Path link up: every active path's interface exists, is up and has carrier."""

from __future__ import annotations

from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Unread
from components.ops.facts.needs import LINKS, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope

NAME = "path link up"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [LINKS]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    links = facts[LINKS]
    if isinstance(links, Unread):
        return [scope.result(NAME, "links", "fail", str(links))]
    results = []
    for path in scope.active_paths():
        end = path.end(scope.router.name)
        subject = f"path {path.index}: {end.interface}"
        link = links.named(end.interface)
        if link is None:
            results.append(scope.result(NAME, subject, "fail", f"no interface {end.interface}", path=path.index))
        elif not link.up:
            results.append(scope.result(NAME, subject, "fail", f"{end.interface} is administratively down", path=path.index))
        elif not link.carrier:
            results.append(scope.result(NAME, subject, "fail", f"{end.interface} has no carrier (state {link.state})", path=path.index))
        else:
            results.append(scope.result(NAME, subject, "pass", f"up, state {link.state}, mtu {link.mtu}", path=path.index))
    return results


CHECK = Check(NAME, needs, evaluate)
