"""validate on recorded routers, from what they printed to what it reports: each recorded failure case of
r1 of the gk41 lab (tests/ops/recordings/), laid over the healthy router, gives exactly its failures.

Like NAPALM's mocked_data cases with their expected results: the getters read the answers, the checks
judge the facts. A new check that fails on one of these routers adds its line here.
"""

from __future__ import annotations

import pytest

from components.ops.validate.registry import CHECKS
from tests.ops.recorded_router import recorded
from tests.ops.validate.gk41_r1 import (
    DOCKER,
    DOCKER_CONTAINERS,
    VYOS,
    check_named,
    failures,
    healthy_r1,
    judge,
    plan_with_runtime,
    results,
    route_back,
)
from tests.support.stacks import jumbo_routers, lab_plan

SILENT = "2 packets transmitted, 0 received, 100% packet loss, time 1023ms"

# Each case's failures on the healthy VyOS r1 (K = N = 4), as (check, subject, detail).
FAILURES: dict[str, list[tuple[str, str, str]]] = {
    "gk41-r1-reverted": [
        (
            "vyos commit",
            "commit-confirm",
            "the router runs its previous configuration: the update committed at 2026-12-08 12:00:00 UTC was never "
            "confirmed, so VyOS reverted it (VyOS 1.4: by rebooting into its saved configuration); run pulumi up",
        )
    ],
    "gk41-r1-awaiting-confirm": [
        (
            "vyos commit",
            "commit-confirm",
            "the update committed at 2026-12-08 12:00:00 UTC is not confirmed yet: VyOS reverts it when its window ends "
            "(VyOS 1.4: by rebooting the router) unless pulumi up confirms it",
        )
    ],
    # podman sizes each column to its widest value: the longer status widens the STATUS column.
    "gk41-r1-path3-container-exited": [("container running", "path 3", "zt-ecmp-gk41-path3 is 'Exited (1) 2 minutes ago'")],
    "gk41-r1-path4-container-missing": [("container running", "path 4", "no container named zt-ecmp-gk41-path4")],
    "gk41-r1-path2-requesting-configuration": [
        ("zerotier joined", "path 2", "network a09acf0233e6b1c4 status is REQUESTING_CONFIGURATION; addresses are [], planned 10.14.0.5/30")
    ],
    "gk41-r1-path2-interface-taken": [("zerotier joined", "path 2", "interface is zt5u3nqbwn, planned ztecmp2")],
    "gk41-r1-path1-second-network": [
        ("zerotier joined", "path 1", "joined to 2 networks, expected exactly one: a09acf0233c1d9e2, 8056c2e21c000001")
    ],
    "gk41-r1-path4-no-container": [
        (
            "zerotier joined",
            "path 4",
            'zerotier-cli info: Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container',
        )
    ],
    # Root contact is reported, never judged.
    "gk41-r1-path1-no-root-heard": [],
    "gk41-r1-path2-root-heard-long-ago": [],
    "gk41-r1-path3-on-all-cpus": [("cpu pin", "path 3", "may run on CPUs 0,1,2,3, planned 2")],
    "gk41-r1-path2-no-zerotier-process": [
        ("cpu pin", "path 2", "cannot read the CPUs zerotier-one may use: no zerotier-one process in the container")
    ],
    "gk41-r1-path3-process-exited-while-read": [],
    "gk41-r1-path3-interface-renamed": [("path link up", "path 3: ztecmp3", "no interface ztecmp3")],
    "gk41-r1-path2-no-carrier": [("path link up", "path 2: ztecmp2", "ztecmp2 has no carrier (state DOWN)")],
    "gk41-r1-route-two-next-hops": [
        ("ecmp route", "10.0.55.2/32 (r2)", "2 next hops, K=4 planned: missing 10.14.0.10 dev ztecmp3, 10.14.0.14 dev ztecmp4")
    ],
    "gk41-r1-route-none": [("ecmp route", "10.0.55.2/32 (r2)", "no route to 10.0.55.2/32")],
    "gk41-r1-route-three-paths": [("ecmp route", "10.0.55.2/32 (r2)", "3 next hops, K=4 planned: missing 10.14.0.14 dev ztecmp4")],
    "gk41-r1-path3-peer-silent": [
        # A next hop in the route whose far end is silent fails the route as well as its path.
        ("ecmp route", "10.0.55.2/32 (r2)", "4 next hops, K=4 planned: path 3: 10.14.0.10 (r2) does not answer"),
        ("path peer answers", "path 3: 10.14.0.10 (r2)", SILENT),
    ],
    "gk41-r1-layer3-hashing": [("layer-4 hashing", "net.ipv4.fib_multipath_hash_policy", "is 0, expected 1 (layer 4)")],
    "gk41-r1-bfd-path2-down": [
        ("bfd session", "path 2 10.14.0.6 (r2)", "session down, diagnostic control detection time expired: the next-hop is withdrawn")
    ],
    "gk41-r1-bfd-path4-missing": [("bfd session", "path 4 10.14.0.14 (r2)", "no BFD session with the path's peer")],
    "gk41-r1-bfd-user-not-in-frrvty": [
        (
            "bfd session",
            "all paths",
            "cannot read BFD peers: % Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'.",
        )
    ],
    "gk41-r1-bfd-no-vtysh": [("bfd session", "all paths", "cannot read BFD peers: bash: line 1: vtysh: command not found")],
    "gk41-r1-bfd-bfdd-not-running": [("bfd session", "all paths", "cannot read BFD peers: bfdd is not running")],
    "gk41-r1-underlay-at-1g": [("underlay link", "eth2 speed", "negotiated 1000Mb/s, planned 2500Mb/s (2.5G)")],
}


def test_the_healthy_router_passes_every_check() -> None:
    found = judge(VYOS, "r1", healthy_r1())
    assert {result.status for result in found} == {"pass"}
    assert [check.name for check in CHECKS] == list(dict.fromkeys(result.check for result in found))


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_recorded_failure_gives_exactly_its_failures(case: str) -> None:
    assert failures(healthy_r1(case)) == FAILURES[case]


def test_the_route_of_a_one_path_lab_passes_with_its_one_next_hop() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 1})
    assert [result.status for result in results("ecmp route", healthy_r1("gk41-r1-route-one-next-hop"), plan)] == ["pass"]


def test_a_route_whose_next_hops_are_all_link_down_fails_naming_each() -> None:
    [(_, _, detail)] = [found for found in failures(healthy_r1("gk41-r1-route-linkdown")) if found[0] == "ecmp route"]
    assert detail.startswith("4 next hops, K=4 planned: 10.14.0.2 dev ztecmp1 is linkdown; 10.14.0.6 dev ztecmp2 is linkdown; ")


def test_a_route_over_a_path_the_peers_route_back_lacks_fails_on_that_router() -> None:
    # r2's route back to r1 has lost path 4 (an apply that reached r1 and not r2).
    [verdict] = judge(VYOS, "r1", healthy_r1(), [check_named("ecmp route")], {"r2": route_back("r2", "gk41-r2-route-three-paths")})
    assert (verdict.status, verdict.detail) == ("fail", "4 next hops, K=4 planned: routes over path 4, which r2's route back does not use")


def test_the_router_with_fewer_paths_reports_only_what_it_lacks() -> None:
    # r1 routes over paths 1-3 only; r2 over all four.
    [verdict] = judge(
        VYOS,
        "r1",
        healthy_r1("gk41-r1-route-three-paths"),
        [check_named("ecmp route")],
        {"r2": route_back("r2", "gk41-r2-route-four-paths")},
    )
    assert verdict.detail == "3 next hops, K=4 planned: missing 10.14.0.14 dev ztecmp4"


def test_a_lab_with_one_path_fewer_active_than_the_router_routes_over_fails_its_route() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    assert [found for found in failures(healthy_r1(), plan) if found[0] == "ecmp route"] == [
        ("ecmp route", "10.0.55.2/32 (r2)", "4 next hops, K=3 planned: unplanned 10.14.0.14 dev ztecmp4")
    ]


def test_an_underlay_mtu_other_than_the_jumbo_frames_planned_fails() -> None:
    assert failures(healthy_r1("gk41-r1-underlay-mtu-1500"), lab_plan("gk41", routers=jumbo_routers("gk41"))) == [
        ("underlay link", "eth2 mtu", "1500, planned 9000")
    ]


# -- the same router with its instances on Docker ----------------------------------------------------


def docker_containers(*cases: str) -> list[tuple[str, str, str]]:
    return [
        (result.subject, result.status, result.detail)
        for result in results("container running", recorded(DOCKER_CONTAINERS, *cases), DOCKER)
    ]


def test_running_docker_containers_pass_saying_since_when() -> None:
    assert docker_containers()[0] == ("path 1", "pass", "zt-ecmp-gk41-path1: running since 2025-11-26T11:02:42.50914431Z")


def test_an_exited_docker_container_fails_with_status_and_exit_code() -> None:
    assert docker_containers("gk41-r1-docker-path2-exited")[1] == ("path 2", "fail", "zt-ecmp-gk41-path2 is exited, exit code 1")


def test_a_container_docker_does_not_know_is_missing_as_on_vyos() -> None:
    assert docker_containers("gk41-r1-docker-path3-missing")[2] == ("path 3", "fail", "no container named zt-ecmp-gk41-path3")


def test_every_update_confirmed_passes_on_either_runtime() -> None:
    for plan in (VYOS, DOCKER):
        assert [(result.status, result.detail) for result in results("vyos commit", healthy_r1(), plan)] == [
            ("pass", "every update of this stack was confirmed")
        ]
