"""What the routers get in a lab of more than two sites: per-peer BFD, the hub's forwarding, the
path networks' rules and each instance's local.conf."""

from __future__ import annotations

import json

from components.render.linux.frr import render_frr_block
from components.render.linux.underlay import render_underlay_sysctl_conf
from components.render.vyos.configuration import desired_set_lines
from components.render.zerotier import render_local_conf
from components.render.zerotier_network import render_flow_rules
from tests.support.stacks import lab_plan, stack_settings
from tests.support.variants import linux_plan

HUB = {"topology": "hub-and-spoke", "hub": "hq"}
NODE_IDS = {"hq": "a1a1a1a1a1", "br1": "b2b2b2b2b2", "br2": "c3c3c3c3c3"}


def _bfd_peers(lines: tuple[str, ...]) -> list[str]:
    return sorted({line.split()[4] for line in lines if line.startswith("set protocols bfd peer ")})


def test_a_full_mesh_site_has_a_bfd_peer_per_peer_address() -> None:
    peers = _bfd_peers(desired_set_lines(lab_plan("gk41-sites"), "br1"))
    assert peers == sorted(["10.14.0.1", "10.14.0.3", "10.14.0.9", "10.14.0.11", "10.14.0.17", "10.14.0.19", "10.14.0.25", "10.14.0.27"])


def test_a_spoke_has_bfd_peers_on_the_hub_only() -> None:
    assert _bfd_peers(desired_set_lines(lab_plan("gk41-sites", routing=HUB), "br1")) == [
        "10.14.0.1",
        "10.14.0.17",
        "10.14.0.25",
        "10.14.0.9",
    ]


def test_a_vyos_hub_sends_no_redirects() -> None:
    assert "set firewall global-options send-redirects 'disable'" in desired_set_lines(lab_plan("gk41-sites", routing=HUB), "hq")


def test_a_vyos_spoke_leaves_redirects_alone() -> None:
    assert not any("send-redirects" in line for line in desired_set_lines(lab_plan("gk41-sites", routing=HUB), "br1"))


def test_a_path_network_admits_its_three_members() -> None:
    assert "drop not ztsrc a1a1a1a1a1 and not ztsrc b2b2b2b2b2 and not ztsrc c3c3c3c3c3;" in render_flow_rules(NODE_IDS)


def test_a_hub_and_spoke_path_network_drops_spoke_to_spoke_frames_both_ways() -> None:
    rules = render_flow_rules(NODE_IDS, (("br1", "br2"), ("br2", "br1")))
    assert [line for line in rules.splitlines() if "ztdest" in line] == [
        "drop ztsrc b2b2b2b2b2 and ztdest c3c3c3c3c3;",
        "drop ztsrc c3c3c3c3c3 and ztdest b2b2b2b2b2;",
    ]


def test_a_later_site_is_told_where_the_earlier_ones_are() -> None:
    conf = json.loads(render_local_conf(lab_plan("gk41-sites"), "br2", 2, NODE_IDS))
    assert conf["virtual"] == {"a1a1a1a1a1": {"try": ["198.51.100.1/9995"]}, "b2b2b2b2b2": {"try": ["198.51.100.2/9995"]}}


def test_the_first_site_is_told_of_no_one_so_a_new_site_leaves_it_alone() -> None:
    assert json.loads(render_local_conf(lab_plan("gk41-sites"), "hq", 2, NODE_IDS))["virtual"] == {}


def test_a_site_blacklists_the_transit_supernet_and_the_floating_ips_of_itself_and_the_earlier_sites() -> None:
    conf = json.loads(render_local_conf(lab_plan("gk41-sites"), "br1", 1, NODE_IDS))
    assert conf["physical"] == {
        "10.14.0.0/24": {"blacklist": True},
        "10.0.55.1/32": {"blacklist": True},
        "10.0.55.2/32": {"blacklist": True},
    }


def test_a_floating_ip_outside_the_default_network_is_blacklisted_like_any_other() -> None:
    routers = stack_settings("gk41-sites")["routers"]
    routers[0]["floatingIp"] = "172.31.255.1/32"
    conf = json.loads(render_local_conf(lab_plan("gk41-sites", routers=routers), "br2", 1, NODE_IDS))
    assert list(conf["physical"]) == ["10.14.0.0/24", "172.31.255.1/32", "10.0.55.2/32", "10.0.55.3/32"]


def test_frr_sees_a_shared_path_as_point_to_multipoint() -> None:
    block = render_frr_block(linux_plan("gk41-sites", routing={"linuxRoutes": "frr"}), "br1")
    assert block.count(" ip ospf network point-to-multipoint") == 4


def test_frr_keeps_point_to_point_between_two_routers() -> None:
    block = render_frr_block(linux_plan("gk41", routing={"linuxRoutes": "frr"}), "r1")
    assert (block.count(" ip ospf network point-to-point"), "multipoint" in block) == (4, False)


def test_a_linux_hub_forwards_and_sends_no_redirects_across_reboots() -> None:
    conf = render_underlay_sysctl_conf(linux_plan("gk41-sites", routing=HUB), "hq")
    assert conf.splitlines()[-2:] == ["net.ipv4.ip_forward = 1", "net.ipv4.conf.all.send_redirects = 0"]


def test_a_linux_spoke_keeps_its_kernel_settings() -> None:
    assert "ip_forward" not in render_underlay_sysctl_conf(linux_plan("gk41-sites", routing=HUB), "br1")
