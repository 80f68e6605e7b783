"""Self-healing paths on two real routers: network namespaces running FRR's zebra, ospfd and bfdd.

Each path is capped at 100 Mbit/s in each direction, so the route's capacity is the number of paths
in it times 100 Mbit/s. The default BFD profile (300 ms x 3) declares a silent path dead after 900 ms.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from components.netns.bfd_failover import (
    CONVERGE_TIMEOUT_SECONDS,
    await_converged,
    converged,
    converged_frr_lab,
    fail_and_heal,
    failover_plan,
    measure_instance_restart,
    measure_remote_death,
    wait_until,
)
from components.netns.frr import FrrLab, frr_lab, route_next_hops
from components.netns.lab import netns_lab
from tests.support.netns import FRR_LAB

pytestmark = FRR_LAB

RATE_MBIT = 100
# Proves BFD withdrew the next-hop: without it OSPF would wait for its 4 s dead interval. The
# failover time itself (0.66-0.91 s with the default 300 ms x 3) is a measurement, printed by
# `python -m components bfd-failover`, not asserted tightly on a shared two-core machine.
FAILOVER_LIMIT_SECONDS = 2.5
# While the path is dead a flow's retransmission timer keeps doubling, so its first retry after
# failover comes up to about one failover time later, plus a report interval to see it.
STALL_LIMIT_SECONDS = 2 * FAILOVER_LIMIT_SECONDS + 1.0
# Once failover is done no flow may hang: a congested rate cap alone costs a flow a retransmission
# timeout or two now and then (half a second is common before any failure), while a flow stuck on
# the dead path would receive nothing for the whole rest of the failure (3 s here).
STALL_AFTER_FAILOVER_LIMIT_SECONDS = 2.0
# Capacity during the failure against (K-1)/K of before, within measurement noise.
CAPACITY_TOLERANCE = 0.85


@pytest.fixture(scope="module")
def frr() -> Iterator[FrrLab]:
    with converged_frr_lab(failover_plan(paths=4), RATE_MBIT) as running:
        yield running


# How long the lab must stay converged to count as settled: a path healed a moment ago may still
# flap once while BFD moves its session from the slow down-state rate back to the profile's timers.
SETTLED_SECONDS = 3.0


def settled(frr: FrrLab) -> bool:
    """Converged now and for ``SETTLED_SECONDS`` on end."""
    until = time.monotonic() + SETTLED_SECONDS
    while time.monotonic() < until:
        if not converged(frr):
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def healthy(frr: FrrLab) -> FrrLab:
    """The shared lab with every path in both routes and every BFD session up, and staying so."""
    wait_until(lambda: converged(frr) and settled(frr), CONVERGE_TIMEOUT_SECONDS + 2 * SETTLED_SECONDS, poll_seconds=0.05)
    return frr


def test_frr_routes_r2_floating_ip_over_all_four_paths_with_a_bfd_session_each(healthy: FrrLab) -> None:
    assert route_next_hops(healthy.lab, "r1") == ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")
    assert {peer["peer"] for peer in healthy.bfd_peers("r1")} == {"10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14"}
    assert healthy.lab.ping("r1")


def test_an_instance_restart_costs_one_path_and_the_path_comes_back_by_itself(healthy: FrrLab) -> None:
    result = measure_instance_restart(healthy, path_index=1)
    print(f"\ninstance restart: {result}")
    assert result.hops_while_down == ("10.14.0.6", "10.14.0.10", "10.14.0.14")
    assert route_next_hops(healthy.lab, "r1") == ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")


def test_a_dead_remote_instance_is_withdrawn_by_bfd_and_costs_a_quarter_of_the_capacity(healthy: FrrLab) -> None:
    result = measure_remote_death(healthy, path_index=2)
    print("\n" + result.summary())
    withdrawal = result.withdrawal
    assert withdrawal.hops_during == {"r1": ("10.14.0.2", "10.14.0.10", "10.14.0.14"), "r2": ("10.14.0.1", "10.14.0.9", "10.14.0.13")}
    assert withdrawal.failover_seconds < FAILOVER_LIMIT_SECONDS
    assert result.capacity_kept >= CAPACITY_TOLERANCE * 3 / 4
    assert result.longest_stall_seconds <= STALL_LIMIT_SECONDS
    assert result.longest_stall_after_failover_seconds <= STALL_AFTER_FAILOVER_LIMIT_SECONDS
    assert result.after_mbit >= CAPACITY_TOLERANCE * result.before_mbit


def test_a_path_that_fails_one_way_leaves_both_routes_and_returns_when_it_heals(healthy: FrrLab) -> None:
    # r2's packets on path 3 are lost: r1 stops hearing r2 and gives up after the detection time;
    # r2 still hears r1 and learns from r1's BFD packets, which a down session sends once a second.
    withdrawal = fail_and_heal(healthy, path_index=3, silent=("r2",))
    print(f"\none-way failure: {withdrawal}")
    assert withdrawal.withdrawn_seconds["r1"] < FAILOVER_LIMIT_SECONDS
    # The side that still receives learns from BFD's slowed (1 packet/s) down-state packets.
    assert withdrawal.withdrawn_seconds["r2"] < FAILOVER_LIMIT_SECONDS + 1.0
    assert withdrawal.hops_during["r2"] == ("10.14.0.1", "10.14.0.5", "10.14.0.13")
    assert route_next_hops(healthy.lab, "r2") == ("10.14.0.1", "10.14.0.5", "10.14.0.9", "10.14.0.13")


def test_applying_again_changes_neither_the_route_nor_frr(healthy: FrrLab) -> None:
    before = {router: (healthy.running_config(router), route_next_hops(healthy.lab, router)) for router in ("r1", "r2")}
    healthy.apply()
    assert {router: (healthy.running_config(router), route_next_hops(healthy.lab, router)) for router in ("r1", "r2")} == before


def test_undo_removes_the_route_and_the_frr_block_and_keeps_the_rest_of_frr_conf() -> None:
    plan = failover_plan(paths=2)
    # Its own namespace names: the shared lab of the tests above may still exist.
    with netns_lab(plan, prefix=f"ztu-{os.getpid()}") as lab, frr_lab(lab) as frr:
        conf = frr.router_dir("r1") / "etc" / "frr.conf"
        original = conf.read_text()
        frr.apply()
        await_converged(frr)
        assert "! zt-ecmp bfd begin" in conf.read_text()
        frr.undo()
        assert conf.read_text() == original
        assert route_next_hops(lab, "r1") == ()
        assert "router ospf" not in frr.running_config("r1")
        assert frr.bfd_peers("r1") == []
