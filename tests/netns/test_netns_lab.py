"""The rendered Linux scripts on two real routers: network namespaces joined by one veth pair per path.

Layer-4 hashing puts each flow on a path at random. With P flows over K paths, the chance that some
path gets none is 1 - coverage_probability(K, P) (inclusion-exclusion); the flow counts below are
chosen so that chance is under one in a million per run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.netns.flow_coverage import USED_LINK_BYTES, coverage_probability, recommended_flows
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.render.linux.routing import LinuxHostPaths, render_linux_apply
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 4
RATE_MBIT = 100
SECONDS = 2
MISS_CHANCE = 1e-6


def flows_for(active: int) -> int:
    """Fewest flows that leave no active path idle except with probability below MISS_CHANCE."""
    return recommended_flows(active, 1 - MISS_CHANCE)


@pytest.fixture
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_lab_plan(PATHS), rate_mbit=RATE_MBIT) as built:
        yield built


def test_flow_counts_make_an_idle_path_a_one_in_a_million_event() -> None:
    assert flows_for(4) == 53
    assert 1 - coverage_probability(4, 53) == pytest.approx(9.56e-7, rel=1e-2)


def test_applying_twice_leaves_the_same_state_as_applying_once(lab: NetnsLab) -> None:
    lab.apply()
    once = {router: lab.state(router) for router in ("r1", "r2")}
    lab.apply()
    assert {router: lab.state(router) for router in ("r1", "r2")} == once


def test_applied_route_has_one_next_hop_per_active_path(lab: NetnsLab) -> None:
    lab.apply()
    route = lab.exec("r1", ["ip", "route", "show", "10.0.55.2/32"]).stdout.split()
    assert [route[index + 2] for index, word in enumerate(route) if word == "nexthop"] == [
        "10.14.0.2",
        "10.14.0.6",
        "10.14.0.10",
        "10.14.0.14",
    ]


def test_layer4_hashing_is_on_after_apply(lab: NetnsLab) -> None:
    lab.apply()
    assert lab.exec("r2", ["cat", "/proc/sys/net/ipv4/fib_multipath_hash_policy"]).stdout.strip() == "1"


def test_floating_ips_reach_each_other_in_both_directions(lab: NetnsLab) -> None:
    lab.apply()
    assert lab.ping("r1"), "10.0.55.1 -> 10.0.55.2"
    assert lab.ping("r2"), "10.0.55.2 -> 10.0.55.1"


def test_parallel_flows_use_every_active_path(lab: NetnsLab) -> None:
    lab.apply()
    result = lab.iperf("r1", flows_for(PATHS), SECONDS)
    assert all(count >= USED_LINK_BYTES for count in result.link_tx_bytes.values()), result.link_tx_bytes
    # More than any PATHS - 1 capped links could carry between them.
    assert result.received_mbit > (PATHS - 1) * RATE_MBIT


def test_inactive_paths_carry_nothing(lab: NetnsLab) -> None:
    lab.apply(netns_lab_plan(PATHS, active=2))
    result = lab.iperf("r1", flows_for(2), SECONDS)
    used = {name for name, count in result.link_tx_bytes.items() if count >= USED_LINK_BYTES}
    assert used == {"ztecmp1", "ztecmp2"}
    assert result.link_tx_bytes["ztecmp3"] == result.link_tx_bytes["ztecmp4"] == 0


def test_disabling_a_path_keeps_reachability_and_re_enabling_puts_it_back_in_use(lab: NetnsLab) -> None:
    lab.apply()
    lab.apply(netns_lab_plan(PATHS, active=3))
    assert lab.ping("r1") and lab.ping("r2")
    assert lab.iperf("r1", flows_for(3), SECONDS).link_tx_bytes["ztecmp4"] == 0
    lab.apply(netns_lab_plan(PATHS, active=4))
    assert lab.ping("r1") and lab.ping("r2")
    assert lab.iperf("r1", flows_for(4), SECONDS).link_tx_bytes["ztecmp4"] >= USED_LINK_BYTES


def test_undo_restores_the_namespaces_exactly(lab: NetnsLab) -> None:
    before = {router: lab.state(router) for router in ("r1", "r2")}
    lab.apply()
    lab.apply(netns_lab_plan(PATHS, active=2))
    lab.undo()
    assert {router: lab.state(router) for router in ("r1", "r2")} == before


def test_undo_restores_the_hash_policy_that_was_there_before(lab: NetnsLab) -> None:
    lab.exec("r1", ["sh", "-c", "echo 2 > /proc/sys/net/ipv4/fib_multipath_hash_policy"])
    before = lab.state("r1")
    lab.apply()
    assert lab.state("r1") != before
    lab.undo()
    assert lab.state("r1") == before


def test_an_operators_route_to_the_peers_floating_ip_is_refused_before_anything_changes(lab: NetnsLab) -> None:
    # Merged into the ECMP route, its next hop would carry some flows unencrypted.
    lab.exec("r1", ["ip", "route", "add", "10.0.55.2/32", "via", "10.14.0.2", "dev", "ztecmp1", "metric", "0"])
    before = lab.state("r1")
    refused = lab.exec("r1", ["sh", "-s"], input_text=render_linux_apply(lab.plan, "r1", lab.host_paths("r1")), check=False)
    assert refused.returncode == 1
    assert "r1 already has a route to 10.0.55.2/32 that zt-ecmp did not install (10.0.55.2 via 10.14.0.2 dev ztecmp1" in refused.stderr
    assert lab.state("r1") == before
    assert not list((lab.work_dir / "r1").rglob("*.conf"))


def test_undo_removes_every_persisted_file_and_the_state_folder(lab: NetnsLab) -> None:
    lab.apply()
    lab.undo()
    assert sorted(path.name for path in lab.work_dir.rglob("*") if path.is_file() or path.is_symlink()) == []
    assert not (lab.work_dir / "r1" / "var/lib/zt-ecmp").exists()


def test_apply_persists_sysctl_unit_and_boot_script(lab: NetnsLab) -> None:
    lab.apply()
    root = lab.work_dir / "r1"
    assert (root / "etc/sysctl.d/90-zt-ecmp-netns.conf").read_text().splitlines()[-1] == "net.ipv4.fib_multipath_hash_policy = 1"
    assert (root / "etc/systemd/system/multi-user.target.wants/zt-ecmp-netns.service").resolve() == (
        root / "etc/systemd/system/zt-ecmp-netns.service"
    )
    assert (root / "var/lib/zt-ecmp/netns/boot.sh").read_text().startswith("#!/bin/sh\n# zt-ecmp netns: r1's floating address")
    assert (root / "var/lib/zt-ecmp/netns/keeper.sh").read_text().startswith("#!/bin/sh\n# zt-ecmp netns: keeps r1's routes")


def test_the_boot_script_puts_back_the_address_the_route_and_the_hashing_and_says_so(lab: NetnsLab) -> None:
    lab.apply()
    applied = lab.state("r1")
    # What a reboot leaves: no floating address, no route, no nexthop objects, the kernel's hashing.
    lab.exec("r1", ["sh", "-c", "ip nexthop flush; ip addr del 10.0.55.1/32 dev lo; echo 0 > /proc/sys/net/ipv4/fib_multipath_hash_policy"])
    booted = lab.exec("r1", ["sh", str(lab.work_dir / "r1/var/lib/zt-ecmp/netns/boot.sh")])
    assert lab.state("r1") == applied
    assert booted.stdout.splitlines()[-2:] == [
        "zt-ecmp: r1: route to r2's 10.0.55.2/32 over path(s) 1 2 3 4",
        "zt-ecmp: r1 restored at boot: floating 10.0.55.1/32 on lo, layer-4 hashing; the route keeper keeps the routes from now on",
    ]


def test_a_failing_apply_rolls_back_to_the_state_before_it(lab: NetnsLab, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    # The live changes succeed, then persisting fails: the transaction must undo the live changes.
    paths = LinuxHostPaths(sysctl_dir=str(blocker / "sysctl.d"), unit_dir=str(tmp_path / "units"), state_root=str(tmp_path / "state"))
    before = lab.state("r1")
    with pytest.raises(RuntimeError, match="restoring the state from before this run"):
        lab.run_script("r1", render_linux_apply(lab.plan, "r1", paths))
    assert lab.state("r1") == before
    assert not (tmp_path / "state" / "netns").exists()


def test_every_router_starts_forwarding_nothing_as_a_router_ships_whatever_the_host_does() -> None:
    # New namespaces copy the host's IPv4 `all` and `default` switches, and a host running dockerd
    # forwards: there, a lab that left them alone would start with routers that forward.
    with netns_lab(netns_lab_plan(PATHS)) as built:
        for router in built.plan.routers:
            shown = built.exec(
                router.name, ["sh", "-c", "grep -H . /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv6/conf/*/forwarding"]
            )
            switches = dict(line.rsplit(":", 1) for line in shown.stdout.splitlines())
            assert {
                f"/proc/sys/net/{family}/conf/{which}/forwarding" for family in ("ipv4", "ipv6") for which in ("all", "default")
            } <= set(switches)
            assert set(switches.values()) == {"0"}, (router.name, switches)


def test_lab_namespaces_are_gone_after_an_exception() -> None:
    prefix = "zte-test-cleanup"
    with pytest.raises(KeyboardInterrupt), netns_lab(netns_lab_plan(2), prefix=prefix):
        raise KeyboardInterrupt
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert prefix not in listed


HELD_PORT = 5299
HOLD_SECONDS = 2


def _until_listed(lab: NetnsLab, state: str, port: int) -> str:
    for _ in range(100):
        if listed := lab.tcp_sockets(port, state):
            return listed
        subprocess.run(["sleep", "0.1"], check=True)
    return ""


def test_a_run_starts_only_once_an_earlier_runs_connections_have_closed(lab: NetnsLab) -> None:
    # A connection held for a while, as a client resending to a server that has gone holds one.
    near, far = (str(lab.plan.path(1).end(name).address.ip) for name in ("r1", "r2"))
    server = lab.shell("r1").start(
        f"python3 -c \"import socket; s = socket.create_server(('{near}', {HELD_PORT})); c, _ = s.accept(); c.recv(1); c.close()\""
    )
    processes = [server]
    try:
        assert _until_listed(lab, "listening", HELD_PORT)
        processes.append(
            lab.shell("r2").start(
                f"python3 -c \"import socket, time; c = socket.create_connection(('{near}', {HELD_PORT}), source_address=('{far}', 0));"
                f' time.sleep({HOLD_SECONDS}); c.close()"'
            )
        )
        held = _until_listed(lab, "connected", HELD_PORT)
        lab.await_closed_connections(HELD_PORT)
        assert (bool(held), lab.tcp_sockets(HELD_PORT, "connected")) == (True, "")
    finally:
        for process in processes:
            process.kill()
            process.wait()
