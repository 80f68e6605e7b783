"""FRR between a hub and three spokes: the spokes reach each other only through the hub, over every path.

The bridges isolate the spokes' ports from each other, as the path networks' flow rules do, so each
spoke has the hub as its only OSPF and BFD neighbour on every path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from components.netns.bfd_failover import await_converged, planned_next_hops
from components.netns.frr import FrrLab, all_route_next_hops, frr_lab
from components.netns.lab import netns_lab
from components.netns.lab_settings import netns_lab_plan
from tests.support.netns import FRR_LAB

pytestmark = FRR_LAB

HUB_AND_SPOKE = {"routing": {"linuxRoutes": "frr", "bfd": {"enabled": True}, "topology": "hub-and-spoke", "hub": "r1"}}


@pytest.fixture(scope="module")
def hub_and_spokes() -> Iterator[FrrLab]:
    plan = netns_lab_plan(3, stack="bfd", routers=4, stack_settings=HUB_AND_SPOKE)
    with netns_lab(plan, rate_mbit=100) as lab, frr_lab(lab) as running:
        running.apply()
        yield running


def test_every_route_converges_with_every_active_path(hub_and_spokes: FrrLab) -> None:
    await_converged(hub_and_spokes, poll_seconds=0.1)
    assert all_route_next_hops(hub_and_spokes.lab) == planned_next_hops(hub_and_spokes.lab)


def test_a_spoke_reaches_another_spoke_over_the_hubs_three_addresses(hub_and_spokes: FrrLab) -> None:
    await_converged(hub_and_spokes, poll_seconds=0.1)
    assert all_route_next_hops(hub_and_spokes.lab)[("r2", "r4")] == ("10.14.0.1", "10.14.0.9", "10.14.0.17")


def test_zebra_takes_no_ospf_route_to_a_path_address(hub_and_spokes: FrrLab) -> None:
    await_converged(hub_and_spokes, poll_seconds=0.1)
    installed = json.loads(hub_and_spokes.lab.exec("r3", ["ip", "-j", "route", "show", "proto", "ospf"]).stdout)
    assert sorted(route["dst"] for route in installed) == ["10.0.55.1", "10.0.55.2", "10.0.55.4"]
