"""local.conf and devicemap, as each instance finds them in its home directory."""

from __future__ import annotations

import json
from typing import Any

from components.render.zerotier import render_devicemap, render_local_conf
from components.render.zerotier_network import render_flow_rules
from tests.support.stacks import lab_plan, stack_settings


def _settings(stack: str = "gk41", router: str = "r1", path: int = 2, **changes: object) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(render_local_conf(lab_plan(stack, **changes), router, path))["settings"]
    return settings


def test_primary_port_is_the_paths_port() -> None:
    assert _settings(path=2)["primaryPort"] == 9995


def test_each_instance_owns_exactly_one_known_port() -> None:
    settings = _settings()
    assert (settings["allowSecondaryPort"], settings["portMappingEnabled"], settings["allowTcpFallbackRelay"]) == (False, False, False)


def test_the_secondary_port_is_pinned_to_the_primary_so_it_never_wanders() -> None:
    # service/OneService.cpp picks a random secondary port after a while without roots whatever
    # allowSecondaryPort says, unless secondaryPort is set; equal to the primary, they are one binding.
    settings = _settings(path=2)
    assert settings["secondaryPort"] == settings["primaryPort"] == 9995


def test_every_instance_on_a_router_has_its_own_port_for_udp_and_for_its_tcp_api() -> None:
    # The local API listens over TCP on primaryPort itself, so distinct primary ports keep TCP apart too.
    plan = lab_plan("ms01")
    for router in ("r1", "r2"):
        ports = [json.loads(render_local_conf(plan, router, path.index))["settings"]["primaryPort"] for path in plan.paths]
        assert ports == list(range(9994, 10002))


def test_an_instance_binds_the_routers_underlay_address_and_nothing_else() -> None:
    assert _settings("ms01", router="r1", path=3)["bind"] == ["198.51.100.1"]
    assert _settings("ms01", router="r2", path=3)["bind"] == ["198.51.100.2"]


def test_an_instance_is_told_where_its_earlier_peer_listens_on_the_underlay() -> None:
    # Path 2 of r2 meets r1's instance at r1's underlay address and path 2's port, roots or not.
    virtual = json.loads(render_local_conf(lab_plan(), "r2", 2, peer_node_ids={"r1": "0f9e8d7c6b"}))["virtual"]
    assert virtual == {"0f9e8d7c6b": {"try": ["198.51.100.1/9995"]}}


def test_the_first_of_two_routers_is_told_of_no_peer_so_a_third_leaves_it_alone() -> None:
    # r1 learns r2's address from r2's HELLO; what r1 is told cannot depend on the routers after it.
    assert json.loads(render_local_conf(lab_plan(), "r1", 2, peer_node_ids={"r2": "0f9e8d7c6b"}))["virtual"] == {}


def test_without_the_peers_node_id_no_peer_is_named() -> None:
    assert json.loads(render_local_conf(lab_plan(), "r1", 2))["virtual"] == {}


def test_no_instance_falls_back_to_relaying_over_tcp() -> None:
    assert _settings("ms01", router="r2", path=8)["allowTcpFallbackRelay"] is False


def test_management_api_authorizes_localhost_only() -> None:
    # It still listens on every address (OneService.cpp, startHTTPControlPlane): the firewall closes it.
    assert _settings()["allowManagementFrom"] == ["127.0.0.1/32", "::1/128"]


def test_blacklist_covers_every_path_interface_by_prefix_then_tunnels_and_container_bridges() -> None:
    assert _settings()["interfacePrefixBlacklist"] == [
        "ztecmp",
        *("dum", "wg", "vti", "vtun", "br", "veth"),
        *("docker", "podman", "cni", "pod-", "virbr"),
    ]


def test_explicit_interface_names_are_blacklisted_by_their_common_prefix() -> None:
    blacklist = _settings(zerotier={"interfaces": ["zt-a1", "zt-a2", "zt-b3", "zt-b4"]})["interfacePrefixBlacklist"]
    assert blacklist[0] == "zt-"


def test_overlay_and_floating_ips_are_never_an_underlay() -> None:
    physical = json.loads(render_local_conf(lab_plan(), "r2", 1))["physical"]
    blacklisted = {network for network, settings in physical.items() if settings.get("blacklist")}
    assert blacklisted == {"10.14.0.0/24", "10.0.55.1/32", "10.0.55.2/32"}


def test_the_first_router_blacklists_the_overlay_and_its_own_floating_ip() -> None:
    # Every pair has one end that blacklists both floating IPs: the later router's (r2, above).
    physical = json.loads(render_local_conf(lab_plan(), "r1", 1))["physical"]
    assert physical == {"10.14.0.0/24": {"blacklist": True}, "10.0.55.1/32": {"blacklist": True}}


def test_a_jumbo_underlay_never_raises_zerotiers_datagram_size() -> None:
    # zerotier-one receives at most 1500 bytes per UDP datagram on Linux (osdep/Phy.hpp,
    # RECVMMSG_BUF_SIZE): a physical MTU entry above that makes the receiver drop every large packet.
    settings = stack_settings("ms01")
    for router in settings["routers"]:
        router["underlay"]["mtu"] = 9000
    plan = lab_plan("ms01", routers=settings["routers"])
    for router in plan.routers:
        for path in plan.paths:
            physical = json.loads(render_local_conf(plan, router.name, path.index))["physical"]
            assert all("mtu" not in entry for entry in physical.values()), physical


def test_multi_instance_mode_leaves_multithreading_off() -> None:
    assert "multicoreEnabled" not in _settings()


def test_hybrid_mode_sets_concurrency_and_leaves_pinning_to_the_cpuset() -> None:
    settings = _settings("ms01", path=1, zerotier={"mode": "hybrid", "concurrency": 2, "cpusPerInstance": 3}, paths={"count": 2})
    assert (settings["multicoreEnabled"], settings["concurrency"], settings["cpuPinningEnabled"]) == (True, 2, False)


def test_unpinned_hybrid_instances_never_pin_their_threads_onto_the_same_cores() -> None:
    # cpuPinningEnabled pins thread i of every instance to core i: N instances would share cores 0..c-1.
    routers = stack_settings("ms01")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("ms01", routers=routers, zerotier={"mode": "hybrid", "concurrency": 2}, paths={"count": 4})
    assert {json.loads(render_local_conf(plan, "r1", path.index))["settings"]["cpuPinningEnabled"] for path in plan.paths} == {False}


def test_one_unpinned_multicore_instance_lets_zerotier_pin_its_own_threads() -> None:
    routers = stack_settings("ms01")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("ms01", routers=routers, zerotier={"mode": "multicore", "concurrency": 6}, paths={"count": 1})
    assert json.loads(render_local_conf(plan, "r1", 1))["settings"]["cpuPinningEnabled"] is True


def test_multicore_mode_runs_one_instance_on_every_listed_cpu() -> None:
    plan = lab_plan("ms01", zerotier={"mode": "multicore", "concurrency": 6}, paths={"count": 1})
    assert plan.path(1).end("r1").cpus == (0, 2, 4, 6, 8, 10, 12, 13)
    settings = json.loads(render_local_conf(plan, "r1", 1))["settings"]
    assert (settings["multicoreEnabled"], settings["concurrency"]) == (True, 6)


def test_local_conf_is_deterministic() -> None:
    assert render_local_conf(lab_plan(), "r1", 3) == render_local_conf(lab_plan(), "r1", 3)


def test_devicemap_names_the_networks_interface() -> None:
    assert render_devicemap("8056c2e21c000001", "ztecmp2") == "8056c2e21c000001=ztecmp2\n"


def test_flow_rules_pass_only_ipv4_and_arp() -> None:
    rules = render_flow_rules()
    assert "drop not ethertype ipv4 and not ethertype arp;" in rules
    assert rules.rstrip().endswith("accept;")


def test_flow_rules_admit_only_the_paths_two_members() -> None:
    assert "drop not ztsrc 1a2b3c4d5e and not ztsrc 0f9e8d7c6b;" in render_flow_rules({"r1": "1a2b3c4d5e", "r2": "0f9e8d7c6b"})
