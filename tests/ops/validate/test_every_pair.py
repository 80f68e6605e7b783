"""Validate covers every ordered pair of routers: each router asks about, and reports, each of its peers.

These tests need no recording: a router that answers every command with an empty JSON list still
gets one verdict per thing a check looks at (no route, no BFD session, a ping with no answer, ...),
which is what is counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from components.model.plan import LabPlan
from components.ops.facts.needs import PingNeed, RoutesNeed
from components.ops.shell import CommandOutput
from components.ops.validate.framework import RouterScope
from components.ops.validate.runner import needs_for
from tests.ops.validate.gk41_r1 import judge
from tests.ops.validate.gk41_sites import FULL_MESH, HUB_AND_SPOKE, four_sites

PER_PAIR_CHECKS = ("ecmp route", "floating peer answers", "path peer answers", "bfd session")


class EmptyRouter(Mapping[str, CommandOutput]):
    """A router whose every command succeeds and prints ``[]``."""

    def __getitem__(self, command: str) -> CommandOutput:
        return CommandOutput(0, "[]\n")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def counts(plan: LabPlan) -> dict[str, tuple[int, ...]]:
    """Per router, how many results each per-pair check gives, in PER_PAIR_CHECKS order."""
    found = {}
    for router in plan.routers:
        results = judge(plan, router.name, EmptyRouter())
        found[router.name] = tuple(sum(result.check == check for result in results) for check in PER_PAIR_CHECKS)
    return found


# K = N = 4. Per router: one route and one floating ping per peer; a path ping per active path and
# neighbour; a BFD verdict per path and neighbour. A spoke's only neighbour is the hub.
@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (FULL_MESH, {"hq": (2, 2, 8, 8), "br1": (2, 2, 8, 8), "br2": (2, 2, 8, 8)}),
        (HUB_AND_SPOKE, {"hq": (2, 2, 8, 8), "br1": (2, 2, 4, 4), "br2": (2, 2, 4, 4)}),
        (four_sites(), {"hq": (3, 3, 12, 12), "br1": (3, 3, 12, 12), "br2": (3, 3, 12, 12), "br3": (3, 3, 12, 12)}),
        (
            four_sites(routing={"topology": "hub-and-spoke", "hub": "hq"}),
            {"hq": (3, 3, 12, 12), "br1": (3, 3, 4, 4), "br2": (3, 3, 4, 4), "br3": (3, 3, 4, 4)},
        ),
    ],
    ids=["3 sites, full mesh", "3 sites, hub and spoke", "4 sites, full mesh", "4 sites, hub and spoke"],
)
def test_each_router_gets_a_verdict_per_peer_path_and_neighbour(plan: LabPlan, expected: dict[str, tuple[int, ...]]) -> None:
    assert counts(plan) == expected


def test_the_routes_checked_on_the_three_routers_are_the_six_ordered_pairs() -> None:
    routes = [
        (router.name, result.subject)
        for router in FULL_MESH.routers
        for result in judge(FULL_MESH, router.name, EmptyRouter())
        if result.check == "ecmp route"
    ]
    assert routes == [
        ("hq", "10.0.55.2/32 (br1)"),
        ("hq", "10.0.55.3/32 (br2)"),
        ("br1", "10.0.55.1/32 (hq)"),
        ("br1", "10.0.55.3/32 (br2)"),
        ("br2", "10.0.55.1/32 (hq)"),
        ("br2", "10.0.55.2/32 (br1)"),
    ]


def test_every_router_needs_one_route_and_one_floating_ping_per_peer() -> None:
    for sender, receiver in FULL_MESH.pairs():
        needs = needs_for(RouterScope(FULL_MESH, sender))
        assert RoutesNeed(receiver.floating_ip.network) in needs
        assert PingNeed(receiver.floating_ip.ip, sender.floating_ip.ip) in needs


def test_a_spoke_asks_nothing_of_the_other_spokes_path_addresses() -> None:
    other_spoke = {str(path.end("br2").address.ip) for path in HUB_AND_SPOKE.paths}
    needs = needs_for(RouterScope(HUB_AND_SPOKE, HUB_AND_SPOKE.router("br1")))
    assert other_spoke.isdisjoint(str(need.target) for need in needs if isinstance(need, PingNeed))
