"""How the capacity estimate divides among peers: a router's instance i carries the flows to all of them.

Figures from the three-GK41 stack: 0.393 Gbit/s per instance (the published one-instance GK41
figure), 4 active paths, 2.5G links with about 2.35 Gbit/s of goodput.
"""

from __future__ import annotations

from tests.support.stacks import lab_plan

HUB = {"topology": "hub-and-spoke", "hub": "hq"}


def test_one_router_sending_alone_gets_every_instance() -> None:
    assert lab_plan("gk41-sites").capacity.estimated_gbps == 1.572


def test_with_all_pairs_busy_each_instance_has_half_its_rate_to_send() -> None:
    assert lab_plan("gk41-sites").capacity.all_busy_router_gbps == 0.786


def test_with_all_pairs_busy_a_routers_sending_divides_among_its_two_peers() -> None:
    assert lab_plan("gk41-sites").capacity.pair_gbps(all_busy=True) == 0.393


def test_through_a_hub_all_busy_pairs_share_the_hubs_instances_four_ways() -> None:
    # The hub handles (M - 1)^2 = 4 pairs' worth of crypto per direction: its own two, and two relayed twice.
    assert lab_plan("gk41-sites", routing=HUB).capacity.pair_gbps(all_busy=True) == 0.197


def test_spoke_to_spoke_alone_is_halved_by_the_hub_decrypting_and_encrypting_again() -> None:
    assert lab_plan("gk41-sites", routing=HUB).capacity.pair_gbps(all_busy=False, spokes=True) == 0.786


def test_in_a_full_mesh_no_pair_goes_through_a_hub() -> None:
    assert lab_plan("gk41-sites").capacity.pair_gbps(all_busy=False, spokes=True) == 1.572


def test_a_link_limited_lab_stays_capped_by_the_link() -> None:
    # ms01: 8 x 4.49 Gbit/s is more than a 25G link's 23.5 of goodput, even at half rate (17.96).
    capacity = lab_plan("ms01").capacity
    assert (capacity.estimated_gbps, capacity.pair_gbps(all_busy=True)) == (23.5, 17.96)
