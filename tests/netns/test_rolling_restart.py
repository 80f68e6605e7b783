"""A path leaves every router's routes before its instances restart and comes back once they have
rejoined it: the rendered drain and gate (components/render/linux/rolling.py) on real kernels.

Between the two routers a path is one veth pair, so an instance's restart takes both ends
(components/netns/instance_death.py says why).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from components.netns.frr import frr_lab, missing_frr_requirements, route_next_hops
from components.netns.instance_death import await_path_in_routes
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 4
OLD = {"r1": "image=zerotier/zerotier:1.14.2", "r2": "image=zerotier/zerotier:1.14.2"}
NEW = {"r1": "image=zerotier/zerotier:1.14.3", "r2": "image=zerotier/zerotier:1.14.3"}
ALL_PATHS = ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")
WITHOUT_PATH_2 = ("10.14.0.2", "10.14.0.10", "10.14.0.14")


@pytest.fixture
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_lab_plan(PATHS)) as built:
        built.apply()
        built.record_instances({index: OLD for index in range(1, PATHS + 1)})
        yield built


def test_a_path_whose_instances_are_about_to_restart_leaves_every_routers_routes(lab: NetnsLab) -> None:
    lab.drain(2, NEW)
    assert (route_next_hops(lab, "r1"), route_next_hops(lab, "r2")) == (WITHOUT_PATH_2, ("10.14.0.1", "10.14.0.9", "10.14.0.13"))
    assert lab.ping("r1", count=3) and lab.ping("r2", count=3)


def test_one_routers_instance_restarting_drains_the_path_on_the_other_router_too(lab: NetnsLab) -> None:
    lab.drain(2, {**OLD, "r2": NEW["r2"]})
    assert route_next_hops(lab, "r1") == WITHOUT_PATH_2


def test_an_instance_that_did_not_run_before_drains_nothing(lab: NetnsLab) -> None:
    lab.record_instances({2: {"r1": OLD["r1"]}})
    drained = lab.drain(2, {"r1": OLD["r1"], "r2": NEW["r2"]})
    assert route_next_hops(lab, "r1") == ALL_PATHS
    assert "no running instance of path 2 restarts; the path stays in the routes" in drained["r1"].stdout


def test_unchanged_instances_drain_nothing(lab: NetnsLab) -> None:
    lab.drain(2, OLD)
    assert route_next_hops(lab, "r1") == ALL_PATHS


def test_the_keeper_keeps_a_drained_path_out_of_the_routes(lab: NetnsLab) -> None:
    lab.start_keepers()
    lab.drain(2, NEW)
    time.sleep(1.5)
    assert route_next_hops(lab, "r1") == WITHOUT_PATH_2


def test_an_apply_keeps_a_drained_path_out_of_the_routes(lab: NetnsLab) -> None:
    lab.drain(2, NEW)
    lab.apply()
    assert route_next_hops(lab, "r1") == WITHOUT_PATH_2


def test_the_gate_puts_the_path_back_once_its_restarted_instances_answer_on_it(lab: NetnsLab) -> None:
    lab.drain(2, NEW)
    lab.remove_path_link("r1", 2)
    lab.restore_path_link("r1", 2)
    gates = lab.gate(2)
    assert {name: gate.returncode for name, gate in gates.items()} == {"r1": 0, "r2": 0}
    assert (route_next_hops(lab, "r1"), route_next_hops(lab, "r2")) == (ALL_PATHS, ("10.14.0.1", "10.14.0.5", "10.14.0.9", "10.14.0.13"))
    assert "r1 routes over path 2 again: the instances of r1 r2 have rejoined it" in gates["r1"].stdout


def test_the_gate_waits_for_a_path_whose_instance_is_still_starting(lab: NetnsLab) -> None:
    lab.drain(2, NEW)
    lab.remove_path_link("r1", 2)
    started = time.monotonic()
    with _restored_after(lab, seconds=2.0):
        gates = lab.gate(2)
    assert time.monotonic() - started >= 2.0
    assert {name: gate.returncode for name, gate in gates.items()} == {"r1": 0, "r2": 0}
    assert route_next_hops(lab, "r1") == ALL_PATHS


def test_a_gate_whose_instances_do_not_rejoin_puts_the_path_back_and_fails_naming_them(lab: NetnsLab) -> None:
    lab.drain(2, {**OLD, "r2": NEW["r2"]})
    lab.silence("r2", 2)
    gates = lab.gate(2, wait_seconds=2)
    assert gates["r1"].returncode != 0
    assert "r1 put path 2 back into its routes, but after 2 s these have not rejoined it: r2" in gates["r1"].stderr
    assert route_next_hops(lab, "r1") == ALL_PATHS


def test_a_path_that_was_not_drained_passes_its_gate_at_once(lab: NetnsLab) -> None:
    gates = lab.gate(2)
    assert "path 2 is not out of its routes; nothing to put back" in gates["r1"].stdout


def test_a_drain_ends_with_its_lease_if_no_gate_comes(lab: NetnsLab) -> None:
    lab.start_keepers()
    # Each router's drain returns a second after the path is out: r2's lease runs out 5 s after its drain.
    lab.drain(2, NEW, lease_seconds=5)
    assert route_next_hops(lab, "r1") == WITHOUT_PATH_2
    assert await_path_in_routes(lab, 2, timeout_seconds=8.0) > 0


def test_a_router_the_lab_is_not_on_yet_drains_nothing() -> None:
    with netns_lab(netns_lab_plan(PATHS)) as lab:
        drained = lab.drain(2, NEW)
    assert "the lab is not on r1 yet: path 2 is in none of its routes" in drained["r1"].stdout


@pytest.mark.skipif(bool(missing_frr_requirements()), reason="; ".join(missing_frr_requirements()) or "FRR is installed")
def test_with_frr_a_drained_path_leaves_the_routes_by_its_cost_and_its_gate_takes_the_cost_off() -> None:
    plan = netns_lab_plan(PATHS, stack="frrdrain", stack_settings={"routing": {"linuxRoutes": "frr"}})
    with netns_lab(plan) as lab, frr_lab(lab) as frr:
        frr.apply()
        lab.record_instances({index: OLD for index in range(1, PATHS + 1)})
        await_path_in_routes(lab, 2, timeout_seconds=30.0)
        lab.drain(2, NEW)
        _await(lambda: route_next_hops(lab, "r1") == WITHOUT_PATH_2, 10.0)
        assert "ip ospf cost 65535" in frr.running_config("r1")
        gates = lab.gate(2)
        assert {name: gate.returncode for name, gate in gates.items()} == {"r1": 0, "r2": 0}
        _await(lambda: route_next_hops(lab, "r1") == ALL_PATHS, 10.0)
        assert "ip ospf cost" not in frr.running_config("r1")


def _await(condition: Callable[[], bool], timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout_seconds} s"
        time.sleep(0.1)


@contextlib.contextmanager
def _restored_after(lab: NetnsLab, seconds: float) -> Iterator[None]:
    """r1's path 2 interface comes back after ``seconds``, in the background: an instance still starting."""
    timer = threading.Timer(seconds, lab.restore_path_link, args=("r1", 2))
    timer.start()
    try:
        yield
    finally:
        timer.join()
