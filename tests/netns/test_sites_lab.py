"""The rendered Linux scripts on three and four real routers: one bridge per path joins their namespaces.

Each path is a Linux bridge, the same L2 a ZeroTier network is; every router's path interfaces are
capped at 100 Mbit/s each way. Three paths are built and two are active, so every test also shows
that the inactive path carries nothing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from components.model.plan import LabPlan
from components.netns.flow_coverage import USED_LINK_BYTES
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.netns.link_counters import RunOverPaths
from components.ops.validate.runner import validate_lab
from components.render.linux.routing import NexthopIds
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 3
ACTIVE = 2
RATE_MBIT = 100
SECONDS = 1
ACTIVE_INTERFACES = ("ztecmp1", "ztecmp2")
INACTIVE_INTERFACE = "ztecmp3"
# Layer-4 hashing puts each flow on one of the K active paths, which we take as uniform and
# independent. With F flows the chance that a given path gets none is (1 - 1/K)^F, so the chance that
# any does is at most K (1 - 1/K)^F: 2 x 2^-32 = 4.7e-10 for F = 32 over K = 2, and at most
# 12 x 4.7e-10 = 5.6e-9 for the twelve ordered pairs of four routers together.
FLOWS = 32
# What an interface may carry besides the test's flows: ARP frames (42 bytes each; requests are
# broadcast to every router on the path), fewer than one full-size TCP segment (1,514 bytes) holds.
NOISE_BYTES = 1_500
# Through the hub, the share of what the sender sent that must show on the hub's and the receiver's
# counters. Not all of it: the hub hashes the flows onto the paths afresh, so one of its capped paths
# may get more than the sender put there and drop some (up to 13% of a run was seen), and what the
# bridge delivers to the hub holds the receiver's ACKs too. Direct traffic would show next to nothing.
HUB_SHARE = 0.5


def miss_bound(paths: int, flows: int) -> float:
    """Union bound on the chance that some of ``paths`` paths gets none of ``flows`` hashed flows."""
    return paths * (1 - 1 / paths) ** flows


def test_the_flow_count_leaves_an_active_path_idle_with_negligible_probability() -> None:
    assert miss_bound(ACTIVE, FLOWS) == pytest.approx(4.66e-10, rel=1e-2)
    assert 12 * miss_bound(ACTIVE, FLOWS) < 1e-8


def sites_plan(routers: int, active: int = ACTIVE, topology: str = "full-mesh") -> LabPlan:
    settings = {"routing": {"topology": topology, "hub": "r1"}} if topology == "hub-and-spoke" else None
    return netns_lab_plan(PATHS, active, routers=routers, stack_settings=settings)


@pytest.fixture(params=[3, 4], ids=["3-routers", "4-routers"])
def routers(request: pytest.FixtureRequest) -> int:
    count: int = request.param
    return count


@pytest.fixture
def full_mesh(routers: int) -> Iterator[NetnsLab]:
    with netns_lab(sites_plan(routers), rate_mbit=RATE_MBIT) as built:
        built.apply()
        yield built


def used(counts: dict[str, int]) -> set[str]:
    return {name for name, count in counts.items() if count >= USED_LINK_BYTES}


def test_each_router_routes_to_each_peer_over_its_addresses_on_the_active_paths() -> None:
    with netns_lab(sites_plan(3)) as lab:
        lab.apply()
        routes = lab.exec("r2", ["ip", "-4", "route", "show", "proto", "boot"]).stdout
    # Router k holds the k-th host of every path subnet (/29s for three routers).
    # Each route points at the nexthop group the lab keeps for that peer's site number (r1: 1, r3: 3).
    group = NexthopIds.of("netns").group
    assert routes.splitlines() == [
        f"10.0.55.1 nhid {group(1)} ",
        "\tnexthop via 10.14.0.1 dev ztecmp1 weight 1 ",
        "\tnexthop via 10.14.0.9 dev ztecmp2 weight 1 ",
        f"10.0.55.3 nhid {group(3)} ",
        "\tnexthop via 10.14.0.3 dev ztecmp1 weight 1 ",
        "\tnexthop via 10.14.0.11 dev ztecmp2 weight 1 ",
    ]


def test_every_floating_ip_answers_every_other(full_mesh: NetnsLab) -> None:
    unanswered = [(a.name, b.name) for a, b in full_mesh.plan.pairs() if not full_mesh.ping(a.name, receiver=b.name)]
    assert unanswered == []


def test_every_pair_sends_over_exactly_the_active_paths(full_mesh: NetnsLab) -> None:
    runs = {(a.name, b.name): full_mesh.iperf(a.name, FLOWS, SECONDS, receiver=b.name) for a, b in full_mesh.plan.pairs()}
    assert {pair: used(run.link_tx_bytes) for pair, run in runs.items()} == {pair: set(ACTIVE_INTERFACES) for pair in runs}
    inactive = {pair: run.link_tx_bytes[INACTIVE_INTERFACE] for pair, run in runs.items()}
    assert all(count <= NOISE_BYTES for count in inactive.values()), inactive
    # Both capped paths were needed: more than one could carry.
    assert min(run.received_mbit for run in runs.values()) > RATE_MBIT


def total(counts: dict[str, int]) -> int:
    return sum(counts[name] for name in ACTIVE_INTERFACES)


def spoke_runs(lab: NetnsLab) -> dict[tuple[str, str], RunOverPaths]:
    spokes = [router.name for router in lab.plan.routers if router.name != "r1"]
    return {(a, b): lab.iperf(a, FLOWS, SECONDS, receiver=b) for a in spokes for b in spokes if a != b}


def test_spoke_to_spoke_traffic_goes_through_the_hub_and_nowhere_else(routers: int) -> None:
    # The bridges here carry frames from spoke to spoke, so only the rendered routes (and the hub's
    # redirects switched off) keep the spokes from talking directly: going direct would leave the
    # hub's counters still.
    with netns_lab(sites_plan(routers, topology="hub-and-spoke"), rate_mbit=RATE_MBIT, segmented=False) as lab:
        lab.apply()
        runs = spoke_runs(lab)
    for (sender, receiver), run in runs.items():
        sent = total(run.tx_bytes(sender))
        assert used(run.tx_bytes(sender)) == set(ACTIVE_INTERFACES), (sender, receiver)
        # What the sender sent reached the hub, the hub passed it on, and the receiver got it from the
        # hub; the hub sent nothing beyond the pair's two directions. Traffic going direct would leave
        # the hub's counters near zero.
        assert total(run.rx_bytes("r1")) >= HUB_SHARE * sent, (sender, receiver)
        assert total(run.tx_bytes("r1")) >= HUB_SHARE * sent, (sender, receiver)
        assert total(run.rx_bytes(receiver)) >= HUB_SHARE * sent, (sender, receiver)
        assert total(run.tx_bytes("r1")) <= sent + total(run.tx_bytes(receiver)) + NOISE_BYTES, (sender, receiver)
        bystanders = [router.name for router in lab.plan.routers if router.name not in ("r1", sender, receiver)]
        heard = {name: total(run.rx_bytes(name)) + total(run.tx_bytes(name)) for name in bystanders}
        assert all(count <= NOISE_BYTES for count in heard.values()), (sender, receiver, heard)
        assert {name: run.tx_bytes(name)[INACTIVE_INTERFACE] for name in run.counters} == dict.fromkeys(run.counters, 0)


def test_in_hub_and_spoke_the_bridges_carry_no_frame_between_spokes() -> None:
    # As the path networks' flow rules: r2 reaches the hub's address on path 1, not r3's.
    with netns_lab(sites_plan(3, topology="hub-and-spoke")) as lab:
        ping = ["ping", "-n", "-q", "-c", "1", "-W", "1", "-I", "10.14.0.2"]
        assert lab.exec("r2", [*ping, "10.14.0.1"], check=False).returncode == 0
        assert lab.exec("r2", [*ping, "10.14.0.3"], check=False).returncode == 1


def forwarding(lab: NetnsLab) -> str:
    return lab.exec("r1", ["sysctl", "-n", "net.ipv4.ip_forward", "net.ipv4.conf.all.send_redirects"]).stdout


def test_the_hub_forwards_after_apply_and_undo_puts_every_router_back() -> None:
    with netns_lab(sites_plan(4, topology="hub-and-spoke")) as lab:
        before = {router.name: lab.state(router.name) for router in lab.plan.routers}
        assert forwarding(lab) == "0\n1\n"
        lab.apply()
        assert forwarding(lab) == "1\n0\n"
        lab.undo()
        assert forwarding(lab) == "0\n1\n"
        assert {router.name: lab.state(router.name) for router in lab.plan.routers} == before


def test_the_bridges_namespace_is_gone_with_the_lab() -> None:
    prefix = "zte-test-sites-cleanup"
    with pytest.raises(KeyboardInterrupt), netns_lab(sites_plan(3), prefix=prefix):
        raise KeyboardInterrupt
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert prefix not in listed


def test_validate_passes_every_pair_of_a_full_mesh(full_mesh: NetnsLab) -> None:
    results = validate_lab(full_mesh.plan, full_mesh.shells()).results
    routes = [(result.router, result.subject) for result in results if result.check == "ecmp route"]
    assert ([result for result in results if result.status == "fail"], len(routes)) == ([], len(full_mesh.plan.pairs()))


def test_validate_passes_a_hub_and_spoke_lab_whose_spokes_cannot_see_each_other() -> None:
    with netns_lab(sites_plan(3, topology="hub-and-spoke"), rate_mbit=RATE_MBIT) as lab:
        lab.apply()
        results = validate_lab(lab.plan, lab.shells()).results
    assert [(result.router, result.check, result.subject, result.detail) for result in results if result.status == "fail"] == []
    assert [result.subject for result in results if result.router == "r2" and result.check == "ecmp route"] == [
        "10.0.55.1/32 (r1)",
        "10.0.55.3/32 (r3 via r1)",
    ]
