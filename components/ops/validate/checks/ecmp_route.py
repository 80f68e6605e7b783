"""Ecmp route: one route to each other router's floating IP, with exactly the K active next hops, none
dead, each answering, and the same paths as the peer's route back.

One result per route, so per peer: a route that goes through the hub (a spoke's route to another
spoke) has the hub's addresses as next hops, as the plan's ``RoutePlan.next_hops`` already says.

The kernel's flags say only what the router knows of its own side: a next hop whose far end died
keeps its place (its interface is up) and black-holes every flow hashed onto it, so each next hop
in the route must answer a ping too (the same ping the path peer check sends), and a silent one
fails the route, naming its path and the router it belongs to. And a router that routes over a path
its peer does not route back over (an apply that reached one router and not the other) sends flows
whose replies take another path, which strict reverse-path filtering drops: the pair fails on the
router that has the extra path.
"""

from __future__ import annotations

import shlex
from typing import Any

from components.model.plan import NextHop, RoutePlan
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, parsed_json
from components.ops.validate.ping import ping_command

NAME = "ecmp route"


def _command(route: RoutePlan) -> str:
    # -d: without it, iproute2 (6.1) leaves a next hop's "linkdown" flag out of its JSON.
    return shlex.join(["ip", "-d", "-j", "route", "show", str(route.destination)])


def commands(scope: RouterScope) -> list[str]:
    routes = [_command(route) for route in scope.router.routes]
    pings = [ping_command(str(hop.address)) for route in scope.router.routes for hop in route.active_next_hops]
    return list(dict.fromkeys([*routes, *pings]))


def _next_hops(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A route with one next hop carries it at the top level, without a "nexthops" list.
    hops: list[dict[str, Any]] = []
    for route in routes:
        hops += route.get("nexthops") or ([route] if "gateway" in route else [])
    return hops


def _owner(scope: RouterScope, hop: NextHop) -> str:
    """The router a next hop's address belongs to: the peer, or the hub a spoke reaches it through."""
    return next(end.router for end in scope.plan.path(hop.path_index).ends.values() if end.address.ip == hop.address)


def _live_paths(scope: RouterScope, router: str, hops: list[dict[str, Any]]) -> set[int]:
    """The paths of ``router``'s next hops that are neither dead nor link-down, by their interface."""
    by_interface = {path.end(router).interface: path.index for path in scope.plan.paths}
    return {
        by_interface[str(hop.get("dev"))]
        for hop in hops
        if str(hop.get("dev")) in by_interface and not {"dead", "linkdown"} & set(hop.get("flags", []))
    }


def _unmatched_paths(scope: RouterScope, route: RoutePlan, hops: list[dict[str, Any]]) -> str | None:
    """Paths this router routes over towards the peer that the peer's route back does not use, where
    the peer's answer was observed (validate asks every router before it judges any)."""
    if route.via is not None or route.peer not in scope.elsewhere:
        return None
    back = scope.plan.router(route.peer).route_to(scope.router.name)
    output = scope.elsewhere[route.peer].get(_command(back))
    routes = parsed_json(output) if output is not None and output.ok else None
    if not isinstance(routes, list):
        return None
    extra = sorted(_live_paths(scope, scope.router.name, hops) - _live_paths(scope, route.peer, _next_hops(routes)))
    if not extra:
        return None
    listed = ", ".join(str(index) for index in extra)
    return f"routes over path{'s' if len(extra) > 1 else ''} {listed}, which {route.peer}'s route back does not use"


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
    for planned_hop in route.active_next_hops:
        answer = observed.get(ping_command(str(planned_hop.address)))
        if (str(planned_hop.address), planned_hop.interface) in found and answer is not None and not answer.ok:
            problems.append(f"path {planned_hop.path_index}: {planned_hop.address} ({_owner(scope, planned_hop)}) does not answer")
    if unmatched := _unmatched_paths(scope, route, hops):
        problems.append(unmatched)
    if problems:
        return scope.result(NAME, subject, "fail", f"{len(hops)} next hops, K={len(wanted)} planned: " + "; ".join(problems))
    return scope.result(NAME, subject, "pass", f"{len(hops)} next hops: " + ", ".join(str(hop.get("gateway")) for hop in hops))


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    return [_one_route(scope, route, observed) for route in scope.router.routes]


CHECK = Check(NAME, commands, evaluate)
