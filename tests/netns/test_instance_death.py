"""One instance's death costs only its own path, and its path comes back by itself: iproute2 routes
as nexthop groups, with the route keeper running in each router's namespace.

Between the two routers a path is one veth pair: deleting r1's end takes r2's with it, so both routes
lose the path while it is gone (see components/netns/instance_death.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from components.netns.flow_coverage import USED_LINK_BYTES
from components.netns.frr import route_next_hops
from components.netns.instance_death import await_path_in_routes, measure_instance_death
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 4
RATE_MBIT = 100
# The keeper looks once a second: a path is back within two looks, or something is wrong.
REJOIN_LIMIT_SECONDS = 3.0
# Capacity during and after the death against (K-1)/K and K/K of before, within measurement noise.
CAPACITY_TOLERANCE = 0.85


@pytest.fixture
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_lab_plan(PATHS), rate_mbit=RATE_MBIT) as built:
        built.apply()
        yield built


def test_an_instance_that_dies_takes_only_its_own_path_out_of_the_route(lab: NetnsLab) -> None:
    lab.remove_path_link("r1", 2)
    assert route_next_hops(lab, "r1") == ("10.14.0.2", "10.14.0.10", "10.14.0.14")
    assert route_next_hops(lab, "r2") == ("10.14.0.1", "10.14.0.9", "10.14.0.13")
    assert lab.ping("r1", count=3) and lab.ping("r2", count=3)


def test_a_returning_instance_rejoins_the_route_by_itself_within_a_few_seconds(lab: NetnsLab) -> None:
    lab.start_keepers()
    lab.remove_path_link("r1", 2)
    lab.restore_path_link("r1", 2)
    assert await_path_in_routes(lab, 2) < REJOIN_LIMIT_SECONDS
    assert route_next_hops(lab, "r1") == ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")


def test_without_the_keeper_a_returning_path_stays_out_of_the_route(lab: NetnsLab) -> None:
    # The kernel drops a member whose device goes and never adds it back: the keeper is what does.
    lab.remove_path_link("r1", 2)
    lab.restore_path_link("r1", 2)
    time.sleep(REJOIN_LIMIT_SECONDS)
    assert route_next_hops(lab, "r1") == ("10.14.0.2", "10.14.0.10", "10.14.0.14")


def test_the_only_path_dying_and_returning_brings_the_whole_route_back() -> None:
    with netns_lab(netns_lab_plan(2, active=1)) as lab:
        lab.apply()
        lab.start_keepers()
        lab.remove_path_link("r1", 1)
        assert route_next_hops(lab, "r1") == ()
        lab.restore_path_link("r1", 1)
        assert await_path_in_routes(lab, 1) < REJOIN_LIMIT_SECONDS
        assert lab.ping("r1") and lab.ping("r2")


def test_a_path_whose_interface_lost_its_address_leaves_the_route_until_it_has_it_again(lab: NetnsLab) -> None:
    lab.start_keepers()
    lab.exec("r1", ["ip", "addr", "del", "10.14.0.5/30", "dev", "ztecmp2"])
    deadline = time.monotonic() + REJOIN_LIMIT_SECONDS
    while "10.14.0.6" in route_next_hops(lab, "r1"):
        assert time.monotonic() < deadline, "the keeper kept a path without its address in the route"
        time.sleep(0.05)
    lab.exec("r1", ["ip", "addr", "add", "10.14.0.5/30", "dev", "ztecmp2"])
    assert await_path_in_routes(lab, 2) < REJOIN_LIMIT_SECONDS


def test_undo_stops_the_keeper_and_leaves_the_routers_as_they_were() -> None:
    with netns_lab(netns_lab_plan(PATHS)) as lab:
        before = {router: lab.state(router) for router in ("r1", "r2")}
        lab.apply()
        lab.start_keepers()
        lab.undo()
        assert not lab.keeper_running("r1") and not lab.keeper_running("r2")
        time.sleep(1.5)
        assert {router: lab.state(router) for router in ("r1", "r2")} == before


def test_a_k_change_restarts_the_keeper_with_the_new_paths(lab: NetnsLab) -> None:
    lab.start_keepers()
    lab.apply(netns_lab_plan(PATHS, active=3))
    assert lab.keeper_running("r1")
    time.sleep(1.5)
    assert route_next_hops(lab, "r1") == ("10.14.0.2", "10.14.0.6", "10.14.0.10")


def test_under_load_only_the_dead_paths_share_is_lost_and_the_path_rejoins_by_itself(lab: NetnsLab) -> None:
    lab.start_keepers()
    death = measure_instance_death(lab)
    print(death.summary())
    assert death.hops_during == {"r1": ("10.14.0.2", "10.14.0.10", "10.14.0.14"), "r2": ("10.14.0.1", "10.14.0.9", "10.14.0.13")}
    assert all(sent >= USED_LINK_BYTES for sent in death.sent_during.values()), death.sent_during
    assert sorted(death.sent_during) == ["ztecmp1", "ztecmp3", "ztecmp4"]
    assert death.during_mbit >= CAPACITY_TOLERANCE * (PATHS - 1) / PATHS * death.before_mbit
    assert death.rejoin_seconds < REJOIN_LIMIT_SECONDS
    assert death.after_mbit >= CAPACITY_TOLERANCE * death.before_mbit


def test_a_path_whose_subnet_grows_around_its_address_stays_in_the_route(lab: NetnsLab) -> None:
    # Two sites to three: path 1's /30 becomes a /29 that starts where it did, and its addresses stay.
    lab.start_keepers()
    for router, address in (("r1", "10.14.0.1"), ("r2", "10.14.0.2")):
        lab.readdress(router, 1, f"{address}/30", f"{address}/29")
    time.sleep(REJOIN_LIMIT_SECONDS)
    assert route_next_hops(lab, "r1") == ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")
