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

from components.model.plan import NextHop, RoutePlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import RouteNextHop, Routes
from components.ops.facts.needs import AnyNeed, PingNeed, RoutesNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.ping import answered

NAME = "ecmp route"


def needs(scope: RouterScope) -> list[AnyNeed]:
    routes: list[AnyNeed] = [RoutesNeed(route.destination) for route in scope.router.routes]
    pings: list[AnyNeed] = [PingNeed(hop.address) for route in scope.router.routes for hop in route.active_next_hops]
    return list(dict.fromkeys([*routes, *pings]))


def _owner(scope: RouterScope, hop: NextHop) -> str:
    """The router a next hop's address belongs to: the peer, or the hub a spoke reaches it through."""
    return next(end.router for end in scope.plan.path(hop.path_index).ends.values() if end.address.ip == hop.address)


def _live_paths(scope: RouterScope, router: str, hops: tuple[RouteNextHop, ...]) -> set[int]:
    """The paths of ``router``'s next hops that are neither dead nor link-down, by their interface."""
    by_interface = {path.end(router).interface: path.index for path in scope.plan.paths}
    return {by_interface[str(hop.device)] for hop in hops if str(hop.device) in by_interface and not hop.dead_flags}


def _unmatched_paths(scope: RouterScope, route: RoutePlan, hops: tuple[RouteNextHop, ...]) -> str | None:
    """Paths this router routes over towards the peer that the peer's route back does not use, where
    the peer's route was read (validate reads every router before it judges any)."""
    if route.via is not None or route.peer not in scope.elsewhere:
        return None
    back = scope.plan.router(route.peer).route_to(scope.router.name)
    routes_back = scope.elsewhere[route.peer].get(RoutesNeed(back.destination))
    if not isinstance(routes_back, Routes):
        return None
    extra = sorted(_live_paths(scope, scope.router.name, hops) - _live_paths(scope, route.peer, routes_back.next_hops))
    if not extra:
        return None
    listed = ", ".join(str(index) for index in extra)
    return f"routes over path{'s' if len(extra) > 1 else ''} {listed}, which {route.peer}'s route back does not use"


def _one_route(scope: RouterScope, route: RoutePlan, facts: RouterFacts) -> CheckResult:
    destination = str(route.destination)
    subject = scope.about_peer(destination, route.peer, route.via)
    routes = facts[RoutesNeed(route.destination)]
    if not isinstance(routes, Routes):
        return scope.result(NAME, subject, "fail", str(routes), peer=route.peer)
    if not routes.routes:
        return scope.result(NAME, subject, "fail", f"no route to {destination}", peer=route.peer)
    if len(routes.routes) > 1:
        why = f"{len(routes.routes)} routes to {destination}, expected one multipath route"
        return scope.result(NAME, subject, "fail", why, peer=route.peer)
    planned = [(str(hop.address), hop.interface) for hop in route.next_hops]
    wanted = [(str(hop.address), hop.interface) for hop in route.active_next_hops]
    hops = routes.next_hops
    found = [(str(hop.gateway), str(hop.device)) for hop in hops]
    problems = []
    if missing := [hop for hop in wanted if hop not in found]:
        problems.append("missing " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in missing))
    if extra := [hop for hop in found if hop not in wanted]:
        # Planned paths first, in path order; anything else after them, in the order ip route listed
        # them (the sort is stable), so the detail reads like the router's own output.
        extra.sort(key=lambda hop: planned.index(hop) if hop in planned else len(planned))
        problems.append("unplanned " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in extra))
    for hop in hops:
        if hop.dead_flags:
            problems.append(f"{hop.gateway} dev {hop.device} is {', '.join(hop.dead_flags)}")
    for planned_hop in route.active_next_hops:
        in_route = (str(planned_hop.address), planned_hop.interface) in found
        if in_route and not answered(facts[PingNeed(planned_hop.address)]):
            problems.append(f"path {planned_hop.path_index}: {planned_hop.address} ({_owner(scope, planned_hop)}) does not answer")
    if unmatched := _unmatched_paths(scope, route, hops):
        problems.append(unmatched)
    if problems:
        return scope.result(
            NAME, subject, "fail", f"{len(hops)} next hops, K={len(wanted)} planned: " + "; ".join(problems), peer=route.peer
        )
    return scope.result(NAME, subject, "pass", f"{len(hops)} next hops: " + ", ".join(str(hop.gateway) for hop in hops), peer=route.peer)


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    return [_one_route(scope, route, facts) for route in scope.router.routes]


CHECK = Check(NAME, needs, evaluate)
