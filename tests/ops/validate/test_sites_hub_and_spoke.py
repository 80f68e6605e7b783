"""Validate on the three sites as hub and spoke (hub hq): a spoke's route to the other spoke goes through
the hub's addresses, and on the paths a spoke pings and peers BFD with the hub alone (the path
networks' flow rules drop frames between spokes by design).
"""

from __future__ import annotations

from components.ops.facts.needs import PingNeed
from components.ops.validate.framework import RouterScope
from components.ops.validate.runner import needs_for, validate_lab
from tests.ops.recorded_router import RecordedShell
from tests.ops.validate.gk41_sites import FULL_MESH, HUB_AND_SPOKE, ROUTERS, healthy, hub_and_spoke, verdicts

PINGED = "2 packets transmitted, 2 received, 0% packet loss, time 201ms"


def test_every_site_passes_every_check() -> None:
    shells = {router: RecordedShell(router, hub_and_spoke(router)) for router in ROUTERS}
    results = validate_lab(HUB_AND_SPOKE, shells).results
    assert {result.status for result in results} == {"pass"}
    # The hub as in the full mesh; a spoke pings and peers with the hub on 4 paths instead of 8 ends.
    per_router = {router: sum(result.router == router for result in results) for router in ROUTERS}
    assert (per_router["hq"] - per_router["br1"], per_router["hq"] - per_router["br2"]) == (4 + 4, 4 + 4)


def test_a_spokes_route_to_the_other_spoke_goes_through_the_hubs_addresses() -> None:
    assert verdicts("ecmp route", "br1", hub_and_spoke("br1"), HUB_AND_SPOKE) == [
        ("10.0.55.1/32 (hq)", "pass", "4 next hops: 10.14.0.1, 10.14.0.9, 10.14.0.17, 10.14.0.25"),
        ("10.0.55.3/32 (br2 via hq)", "pass", "4 next hops: 10.14.0.1, 10.14.0.9, 10.14.0.17, 10.14.0.25"),
    ]


def test_a_spoke_still_routing_straight_to_the_other_spoke_fails_naming_both_the_missing_and_the_unplanned_hops() -> None:
    # br1 as the full mesh left it: its route to br2 over br2's own addresses.
    assert verdicts("ecmp route", "br1", healthy("br1"), HUB_AND_SPOKE)[1] == (
        "10.0.55.3/32 (br2 via hq)",
        "fail",
        "4 next hops, K=4 planned: missing 10.14.0.1 dev ztecmp1, 10.14.0.9 dev ztecmp2, 10.14.0.17 dev ztecmp3, 10.14.0.25 dev ztecmp4; "
        "unplanned 10.14.0.3 dev ztecmp1, 10.14.0.11 dev ztecmp2, 10.14.0.19 dev ztecmp3, 10.14.0.27 dev ztecmp4",
    )


def test_a_spoke_pings_only_the_hub_on_the_paths_and_both_peers_floating_ips() -> None:
    needs = needs_for(RouterScope(HUB_AND_SPOKE, HUB_AND_SPOKE.router("br1")))
    assert [(str(need.target), need.source and str(need.source)) for need in needs if isinstance(need, PingNeed)] == [
        ("10.14.0.1", None),
        ("10.14.0.9", None),
        ("10.14.0.17", None),
        ("10.14.0.25", None),
        ("10.0.55.1", "10.0.55.2"),
        ("10.0.55.3", "10.0.55.2"),
    ]


def test_the_floating_ping_to_the_other_spoke_goes_through_the_hub_and_passes() -> None:
    assert verdicts("floating peer answers", "br1", hub_and_spoke("br1"), HUB_AND_SPOKE) == [
        ("10.0.55.2 -> 10.0.55.1 (hq)", "pass", PINGED),
        ("10.0.55.2 -> 10.0.55.3 (br2 via hq)", "pass", PINGED),
    ]


def test_a_spoke_expects_bfd_sessions_with_the_hub_alone() -> None:
    assert verdicts("bfd session", "br1", hub_and_spoke("br1"), HUB_AND_SPOKE) == [
        ("path 1 10.14.0.1 (hq)", "pass", "up on ztecmp1"),
        ("path 2 10.14.0.9 (hq)", "pass", "up on ztecmp2"),
        ("path 3 10.14.0.17 (hq)", "pass", "up on ztecmp3"),
        ("path 4 10.14.0.25 (hq)", "pass", "up on ztecmp4"),
    ]


def test_a_spokes_session_with_the_other_spoke_fails_as_unplanned() -> None:
    # A BFD peer left over from the full mesh: configured, never up.
    answers = hub_and_spoke("br1", "gk41-sites-br1-hub-and-spoke-bfd-to-br2")
    assert verdicts("bfd session", "br1", answers, HUB_AND_SPOKE)[:2] == [
        ("path 1 10.14.0.1 (hq)", "pass", "up on ztecmp1"),
        ("path 1 10.14.0.3 (br2)", "fail", "unplanned session (down): spokes reach each other only through hq"),
    ]


def test_the_hub_checks_both_spokes_as_in_a_full_mesh() -> None:
    for check in ("ecmp route", "path peer answers", "floating peer answers", "bfd session"):
        assert verdicts(check, "hq", healthy("hq"), HUB_AND_SPOKE) == verdicts(check, "hq", healthy("hq"), FULL_MESH)
