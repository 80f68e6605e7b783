"""Ecmp route: one route to the peer's floating IP with exactly the K active next hops, none dead, each
answering, and no path the peer's route back does not use."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from components.ops.facts.model import Ping, Route, RouteNextHop, Routes, Unread
from components.ops.facts.needs import PingNeed, RoutesNeed
from components.ops.validate.checks.ecmp_route import CHECK
from components.ops.validate.framework import RouterScope
from tests.ops.validate.gk41_r1 import VYOS, plan_with_runtime
from tests.ops.validate.judged import ping, verdicts

TO_R2 = RoutesNeed(IPv4Network("10.0.55.2/32"))
TO_R1 = RoutesNeed(IPv4Network("10.0.55.1/32"))
R2_ADDRESSES = {1: "10.14.0.2", 2: "10.14.0.6", 3: "10.14.0.10", 4: "10.14.0.14"}
R1_ADDRESSES = {1: "10.14.0.1", 2: "10.14.0.5", 3: "10.14.0.9", 4: "10.14.0.13"}


def hop(path: int, *flags: str, addresses: dict[int, str] = R2_ADDRESSES) -> RouteNextHop:
    return RouteNextHop(addresses[path], f"ztecmp{path}", flags)


def route(*hops: RouteNextHop, destination: str = "10.0.55.2/32") -> Routes:
    return Routes(destination, (Route(hops),) if hops else ())


def r1_facts(routes: Routes | Unread, silent: tuple[int, ...] = ()) -> dict[Any, object]:
    """r1's route to r2, and every next hop of r2 answering its ping but the ``silent`` paths'."""
    pings: dict[PingNeed, Ping] = dict(ping(address, received=0 if path in silent else 2) for path, address in R2_ADDRESSES.items())
    return {TO_R2: routes, **pings}


FOUR_PATHS = route(hop(1), hop(2), hop(3), hop(4))


def test_a_route_over_the_k_planned_next_hops_passes_listing_them() -> None:
    assert verdicts(CHECK, r1_facts(FOUR_PATHS)) == [
        ("10.0.55.2/32 (r2)", "pass", "4 next hops: 10.14.0.2, 10.14.0.6, 10.14.0.10, 10.14.0.14")
    ]


def test_the_route_and_each_next_hops_ping_are_needed() -> None:
    assert CHECK.needs(RouterScope(VYOS, VYOS.router("r1"))) == [TO_R2, *(ping(address)[0] for address in R2_ADDRESSES.values())]


def test_a_route_with_fewer_next_hops_than_k_fails_naming_the_missing_ones() -> None:
    assert verdicts(CHECK, r1_facts(route(hop(1), hop(2)))) == [
        ("10.0.55.2/32 (r2)", "fail", "2 next hops, K=4 planned: missing 10.14.0.10 dev ztecmp3, 10.14.0.14 dev ztecmp4")
    ]


def test_a_route_with_a_next_hop_beyond_k_fails_naming_it() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    assert verdicts(CHECK, r1_facts(FOUR_PATHS), plan) == [
        ("10.0.55.2/32 (r2)", "fail", "4 next hops, K=3 planned: unplanned 10.14.0.14 dev ztecmp4")
    ]


def test_an_unplanned_next_hop_is_listed_after_the_planned_ones_in_the_routers_order() -> None:
    stray = RouteNextHop("10.14.0.99", "eth2", ())
    [(_, _, detail)] = verdicts(CHECK, r1_facts(route(stray, hop(1), hop(2), hop(3), hop(4))))
    assert detail == "5 next hops, K=4 planned: unplanned 10.14.0.99 dev eth2"


def test_a_dead_next_hop_fails() -> None:
    [(_, status, detail)] = verdicts(CHECK, r1_facts(route(hop(1, "linkdown"), hop(2), hop(3), hop(4))))
    assert (status, detail) == ("fail", "4 next hops, K=4 planned: 10.14.0.2 dev ztecmp1 is linkdown")


def test_no_route_at_all_fails() -> None:
    assert verdicts(CHECK, r1_facts(route())) == [("10.0.55.2/32 (r2)", "fail", "no route to 10.0.55.2/32")]


def test_two_routes_to_the_peer_fail() -> None:
    two = Routes("10.0.55.2/32", (Route((hop(1), hop(2))), Route((hop(3), hop(4)))))
    assert verdicts(CHECK, r1_facts(two)) == [("10.0.55.2/32 (r2)", "fail", "2 routes to 10.0.55.2/32, expected one multipath route")]


def test_a_route_that_could_not_be_read_fails_saying_why() -> None:
    assert verdicts(CHECK, r1_facts(Unread("ip route", "timeout", "timed out after 60 s"))) == [
        ("10.0.55.2/32 (r2)", "fail", "ip route: timed out after 60 s")
    ]


def test_a_single_path_route_counts_its_one_next_hop() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 1})
    assert verdicts(CHECK, r1_facts(route(hop(1))), plan) == [("10.0.55.2/32 (r2)", "pass", "1 next hops: 10.14.0.2")]


def test_a_next_hop_whose_far_end_does_not_answer_fails_the_route_naming_its_path_and_peer() -> None:
    # Its interface is up, so the kernel keeps it, and every flow hashed onto it is lost.
    assert verdicts(CHECK, r1_facts(FOUR_PATHS, silent=(3,))) == [
        ("10.0.55.2/32 (r2)", "fail", "4 next hops, K=4 planned: path 3: 10.14.0.10 (r2) does not answer")
    ]


def test_a_router_routing_over_a_path_its_peer_does_not_route_back_over_fails_that_pair() -> None:
    # r2's route back to r1 has lost path 4 (an apply that reached r1 and not r2): r1's flows over
    # path 4 get their replies over other paths, which strict reverse-path filtering drops.
    back = route(*(hop(path, addresses=R1_ADDRESSES) for path in (1, 2, 3)), destination="10.0.55.1/32")
    assert verdicts(CHECK, r1_facts(FOUR_PATHS), elsewhere={"r2": {TO_R1: back}}) == [
        ("10.0.55.2/32 (r2)", "fail", "4 next hops, K=4 planned: routes over path 4, which r2's route back does not use")
    ]


def test_a_dead_next_hop_back_counts_as_a_path_the_peer_does_not_use() -> None:
    back = route(
        *(hop(path, *(("dead",) if path == 2 else ()), addresses=R1_ADDRESSES) for path in (1, 2, 3, 4)), destination="10.0.55.1/32"
    )
    [(_, _, detail)] = verdicts(CHECK, r1_facts(FOUR_PATHS), elsewhere={"r2": {TO_R1: back}})
    assert detail == "4 next hops, K=4 planned: routes over path 2, which r2's route back does not use"


def test_the_router_with_fewer_paths_reports_only_what_it_lacks() -> None:
    # r1 routes over paths 1-3 only; r2 over all four: r1 fails for its missing next hop, and its
    # paths are all in r2's route back.
    back = route(*(hop(path, addresses=R1_ADDRESSES) for path in (1, 2, 3, 4)), destination="10.0.55.1/32")
    assert verdicts(CHECK, r1_facts(route(hop(1), hop(2), hop(3))), elsewhere={"r2": {TO_R1: back}}) == [
        ("10.0.55.2/32 (r2)", "fail", "3 next hops, K=4 planned: missing 10.14.0.14 dev ztecmp4")
    ]


def test_a_peer_whose_route_back_could_not_be_read_is_not_compared() -> None:
    unread = Unread("ip route", "timeout", "timed out after 60 s")
    assert verdicts(CHECK, r1_facts(FOUR_PATHS), elsewhere={"r2": {TO_R1: unread}})[0][1] == "pass"
