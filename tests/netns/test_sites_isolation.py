"""Which bridge ports of the M-router lab are isolated: the path networks' segmentation, and cuts."""

from __future__ import annotations

import pytest

from components.netns.lab_settings import netns_lab_plan
from components.netns.path_switch import isolated_routers


def test_the_lab_names_its_routers_r1_to_rm_and_gives_them_the_kth_host_of_each_path() -> None:
    plan = netns_lab_plan(2, routers=4)
    assert [router.name for router in plan.routers] == ["r1", "r2", "r3", "r4"]
    assert [str(end.address) for end in plan.path(2).ends.values()] == ["10.14.0.9/29", "10.14.0.10/29", "10.14.0.11/29", "10.14.0.12/29"]
    assert [str(router.floating_ip) for router in plan.routers] == ["10.0.55.1/32", "10.0.55.2/32", "10.0.55.3/32", "10.0.55.4/32"]


def test_a_full_mesh_isolates_no_port() -> None:
    assert isolated_routers(netns_lab_plan(2, routers=3), 1) == set()


def test_hub_and_spoke_isolates_the_spokes_so_they_only_reach_the_hub() -> None:
    plan = netns_lab_plan(2, routers=4, stack_settings={"routing": {"topology": "hub-and-spoke", "hub": "r1"}})
    assert isolated_routers(plan, 1) == {"r2", "r3", "r4"}
    assert isolated_routers(plan, 1, segmented=False) == set()


def test_a_cut_isolates_its_two_ends_on_its_path_alone() -> None:
    plan = netns_lab_plan(2, routers=3)
    assert isolated_routers(plan, 2, [(2, "r1", "r2")]) == {"r1", "r2"}
    assert isolated_routers(plan, 1, [(2, "r1", "r2")]) == set()


def test_a_cut_that_port_isolation_cannot_make_alone_is_refused() -> None:
    # Isolating the hub's port as well would part it from every spoke, not only from r2.
    plan = netns_lab_plan(2, routers=3, stack_settings={"routing": {"topology": "hub-and-spoke", "hub": "r1"}})
    with pytest.raises(ValueError, match="path 1: isolating the bridge ports of r1, r2, r3 would also part r1-r3"):
        isolated_routers(plan, 1, [(1, "r1", "r2")])


def test_two_cuts_sharing_a_router_would_part_the_third_pair_too() -> None:
    plan = netns_lab_plan(2, routers=3)
    with pytest.raises(ValueError, match="would also part r2-r3"):
        isolated_routers(plan, 1, [(1, "r1", "r2"), (1, "r1", "r3")])
