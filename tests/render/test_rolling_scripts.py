"""What a Linux router runs around a restart of a path's instances, as text (components/render/linux/rolling.py).

What these scripts do to a router's routes is tested on real kernels in tests/netns/test_rolling_restart.py.
"""

from __future__ import annotations

from components.render.linux.rolling import render_drain, render_gate, render_instance_record
from components.render.restarts import instance_key, local_conf_digest
from tests.support.variants import linux_plan

KEYS = {"r1": "image=zerotier/zerotier:1.14.2 network=n1", "r2": "image=zerotier/zerotier:1.14.2 network=n1"}


def heredoc(script: str, marker: str) -> list[str]:
    lines = script.splitlines()
    start = next(index for index, line in enumerate(lines) if line.endswith(f"<<'{marker}'"))
    return lines[start + 1 : lines.index(marker, start)]


def test_an_instance_key_names_everything_that_replaces_its_container() -> None:
    key = instance_key(
        image="zerotier/zerotier:1.14.2",
        network_id="8056c2e21c000001",
        interface="ztecmp1",
        local_conf="{}\n",
        node_id="1a2b3c4d5e",
        host="ssh://root@192.0.2.41:22",
    )
    assert key == (
        f"image=zerotier/zerotier:1.14.2 network=8056c2e21c000001 interface=ztecmp1 local.conf={local_conf_digest('{}' + chr(10))} "
        "identity=1a2b3c4d5e host=ssh://root@192.0.2.41:22"
    )


def test_an_instance_making_its_own_identity_says_so_in_its_key() -> None:
    key = instance_key(image="i", network_id="n", interface="zt1", local_conf="", node_id=None, host="h")
    assert " identity=own " in key


def test_a_drain_compares_the_keys_of_its_paths_instances_in_router_order() -> None:
    assert heredoc(render_drain(linux_plan(), "r1", 2, {"r2": KEYS["r2"], "r1": KEYS["r1"]}), "ZT_ECMP_INSTANCES") == [
        f"r1 {KEYS['r1']}",
        f"r2 {KEYS['r2']}",
    ]


def test_with_iproute2_a_drain_has_the_routers_keeper_keep_the_routes_once() -> None:
    script = render_drain(linux_plan(), "r1", 2, KEYS)
    assert "  sh \"$state_dir/keeper.sh\" once 'drain of path 2 of zt-ecmp stack gk41 on r1'" in script.splitlines()


def test_a_drain_holds_no_route_so_a_k_change_leaves_its_text_alone() -> None:
    assert render_drain(linux_plan(), "r1", 2, KEYS) == render_drain(linux_plan(paths={"count": 4, "active": 1}), "r1", 2, KEYS)


def test_with_frr_a_drain_gives_the_paths_interface_the_most_an_ospf_interface_may_cost() -> None:
    script = render_drain(linux_plan(routing={"linuxRoutes": "frr"}), "r1", 3, KEYS)
    assert "  vtysh -c 'configure terminal' -c 'interface ztecmp3' -c 'ip ospf cost 65535'" in script.splitlines()


def test_with_frr_a_gate_takes_the_cost_off() -> None:
    script = render_gate(linux_plan(routing={"linuxRoutes": "frr"}), "r1", 3)
    assert "  vtysh -c 'configure terminal' -c 'interface ztecmp3' -c 'no ip ospf cost'" in script.splitlines()


def test_a_gate_checks_its_own_address_and_pings_its_neighbours_over_the_path() -> None:
    script = render_gate(linux_plan(), "r1", 2)
    assert "  ip -4 -o addr show dev ztecmp2 2>/dev/null | grep -qF ' inet 10.14.0.5/30 ' || missing=' r1'" in script.splitlines()
    assert heredoc(script, "ZT_ECMP_NEIGHBOURS") == ["r2 10.14.0.6"]


def test_a_spokes_gate_waits_for_the_hub_alone() -> None:
    plan = linux_plan("gk41-sites", routing={"topology": "hub-and-spoke", "hub": "hq"})
    assert heredoc(render_gate(plan, "br1", 2), "ZT_ECMP_NEIGHBOURS") == ["hq 10.14.0.9"]


def test_the_record_keeps_one_file_per_path_there_is() -> None:
    script = render_instance_record(linux_plan(), "r1", {1: KEYS, 2: KEYS})
    assert '  case "${record##*/}" in path1|path2) ;; *) rm -f "$record" ;; esac' in script.splitlines()
