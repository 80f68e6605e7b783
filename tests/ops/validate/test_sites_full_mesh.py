"""Validate on the three-site full mesh (gk41-sites): every router checks its route, pings and BFD sessions to each peer.

Subjects name the peer a line is about, since a router has two of them here.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from components.ops.facts.needs import PingNeed, RoutesNeed
from components.ops.validate.framework import RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import needs_for, validate_lab
from tests.ops.recorded_router import RecordedShell
from tests.ops.validate.gk41_sites import FULL_MESH, ROUTERS, failures, healthy, verdicts


def scope(router: str) -> RouterScope:
    return RouterScope(FULL_MESH, FULL_MESH.router(router))


PINGED = "2 packets transmitted, 2 received, 0% packet loss, time 201ms"


def test_hq_needs_its_route_to_each_branch_and_a_ping_of_each_over_every_path_then_floating_ip_to_floating_ip() -> None:
    needs = needs_for(scope("hq"))
    assert [need for need in needs if isinstance(need, RoutesNeed)] == [
        RoutesNeed(IPv4Network("10.0.55.2/32")),
        RoutesNeed(IPv4Network("10.0.55.3/32")),
    ]
    # Each route's next hops, in route order (the pings the path peer check reads too), then the floating IPs.
    assert [(str(need.target), need.source and str(need.source)) for need in needs if isinstance(need, PingNeed)] == [
        *((f"10.14.0.{address}", None) for address in (2, 10, 18, 26, 3, 11, 19, 27)),
        ("10.0.55.2", "10.0.55.1"),
        ("10.0.55.3", "10.0.55.1"),
    ]


def test_every_site_passes_every_check_and_reports_each_of_its_two_peers() -> None:
    shells = {router: RecordedShell(router, healthy(router)) for router in ROUTERS}
    results = validate_lab(FULL_MESH, shells).results
    assert {result.status for result in results} == {"pass"}
    assert [(result.router, result.subject) for result in results if result.check == "ecmp route"] == [
        ("hq", "10.0.55.2/32 (br1)"),
        ("hq", "10.0.55.3/32 (br2)"),
        ("br1", "10.0.55.1/32 (hq)"),
        ("br1", "10.0.55.3/32 (br2)"),
        ("br2", "10.0.55.1/32 (hq)"),
        ("br2", "10.0.55.2/32 (br1)"),
    ]
    # Every router runs every check.
    for router in ROUTERS:
        assert {result.check for result in results if result.router == router} == {check.name for check in CHECKS}


def test_hq_validates_its_routes_to_both_branches_each_over_that_branchs_four_addresses() -> None:
    assert verdicts("ecmp route", "hq", healthy("hq")) == [
        ("10.0.55.2/32 (br1)", "pass", "4 next hops: 10.14.0.2, 10.14.0.10, 10.14.0.18, 10.14.0.26"),
        ("10.0.55.3/32 (br2)", "pass", "4 next hops: 10.14.0.3, 10.14.0.11, 10.14.0.19, 10.14.0.27"),
    ]


def test_a_route_to_one_peer_missing_a_next_hop_fails_naming_that_peer_alone() -> None:
    assert failures("br1", healthy("br1", "gk41-sites-br1-route-br2-path3-missing")) == [
        ("ecmp route", "10.0.55.3/32 (br2)", "3 next hops, K=4 planned: missing 10.14.0.19 dev ztecmp3"),
    ]


def test_a_missing_bfd_session_with_one_neighbour_fails_naming_it() -> None:
    assert failures("hq", healthy("hq", "gk41-sites-hq-bfd-br2-path2-missing")) == [
        ("bfd session", "path 2 10.14.0.11 (br2)", "no BFD session with the path's peer"),
    ]


def test_path_pings_name_the_peer_whose_address_answered() -> None:
    assert verdicts("path peer answers", "br2", healthy("br2"))[:2] == [
        ("path 1: 10.14.0.1 (hq)", "pass", PINGED),
        ("path 1: 10.14.0.2 (br1)", "pass", PINGED),
    ]


def test_each_floating_ping_names_its_peer() -> None:
    assert [subject for subject, _, _ in verdicts("floating peer answers", "br1", healthy("br1"))] == [
        "10.0.55.2 -> 10.0.55.1 (hq)",
        "10.0.55.2 -> 10.0.55.3 (br2)",
    ]
