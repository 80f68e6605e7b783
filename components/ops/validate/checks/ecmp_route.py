"""Ecmp route: one route to each other router's floating IP, with exactly the K active next hops, none dead.

One result per route, so per peer: a route that goes through the hub (a spoke's route to another
spoke) has the hub's addresses as next hops, as the plan's ``RoutePlan.next_hops`` already says.
"""

from __future__ import annotations

import shlex
from typing import Any

from components.model.plan import RoutePlan
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, parsed_json

NAME = "ecmp route"


def _command(route: RoutePlan) -> str:
    # -d: without it, iproute2 (6.1) leaves a next hop's "linkdown" flag out of its JSON.
    return shlex.join(["ip", "-d", "-j", "route", "show", str(route.destination)])


def commands(scope: RouterScope) -> list[str]:
    return [_command(route) for route in scope.router.routes]


def _next_hops(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A route with one next hop carries it at the top level, without a "nexthops" list.
    hops: list[dict[str, Any]] = []
    for route in routes:
        hops += route.get("nexthops") or ([route] if "gateway" in route else [])
    return hops


def _one_route(scope: RouterScope, route: RoutePlan, observed: Observed) -> CheckResult:
    destination = str(route.destination)
    subject = scope.about_peer(destination, route.peer, route.via)
    output = observed[_command(route)]
    routes = parsed_json(output)
    if not output.ok or not isinstance(routes, list):
        return scope.result(NAME, subject, "fail", f"ip route: {output.why()}")
    if not routes:
        return scope.result(NAME, subject, "fail", f"no route to {destination}")
    if len(routes) > 1:
        return scope.result(NAME, subject, "fail", f"{len(routes)} routes to {destination}, expected one multipath route")
    planned = [(str(hop.address), hop.interface) for hop in route.next_hops]
    wanted = [(str(hop.address), hop.interface) for hop in route.active_next_hops]
    hops = _next_hops(routes)
    found = [(str(hop.get("gateway")), str(hop.get("dev"))) for hop in hops]
    problems = []
    if missing := [hop for hop in wanted if hop not in found]:
        problems.append("missing " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in missing))
    if extra := [hop for hop in found if hop not in wanted]:
        # Planned paths first, in path order; anything else after them, in the order ip route listed
        # them (the sort is stable), so the detail reads like the router's own output.
        extra.sort(key=lambda hop: planned.index(hop) if hop in planned else len(planned))
        problems.append("unplanned " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in extra))
    for hop in hops:
        flags = [flag for flag in hop.get("flags", []) if flag in ("dead", "linkdown")]
        if flags:
            problems.append(f"{hop.get('gateway')} dev {hop.get('dev')} is {', '.join(flags)}")
    if problems:
        return scope.result(NAME, subject, "fail", f"{len(hops)} next hops, K={len(wanted)} planned: " + "; ".join(problems))
    return scope.result(NAME, subject, "pass", f"{len(hops)} next hops: " + ", ".join(str(hop.get("gateway")) for hop in hops))


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    return [_one_route(scope, route, observed) for route in scope.router.routes]


CHECK = Check(NAME, commands, evaluate)
