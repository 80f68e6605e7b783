"""The VyOS configuration each router should hold, and how it changes with K and N."""

from __future__ import annotations

import difflib

import pytest

from components.render.tree.config import undo_lines
from components.render.vyos.configuration import desired_config, desired_set_lines, render_pinned_start
from components.render.vyos.scripts import (
    remote_command,
    render_apply_script,
    render_confirm_script,
    render_delete_script,
    render_transaction,
)
from tests.support.stacks import docker_plan, lab_plan, stack_settings
from tests.support.variants import network_ids, plan_variants, vyos_runtime_plan

UNDERLAY_PREFIXES = ("set interfaces ethernet", "set system sysctl")


def route_lines(lines: tuple[str, ...], prefix: str) -> list[str]:
    """The route's next-hops; their BFD tracking is specified in test_bfd_config.py."""
    return [line for line in lines if line.startswith(f"set protocols static route {prefix}") and " bfd " not in line]


def test_r1_routes_to_r2_over_four_paths_with_three_disabled_when_k_is_1() -> None:
    lines = desired_set_lines(lab_plan("gk41", paths={"count": 4, "active": 1}), "r1")
    assert route_lines(lines, "10.0.55.2/32") == [
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.2",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6 disable",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.10",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.10 disable",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.14",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.14 disable",
    ]


def test_r2_routes_to_r1_symmetrically_when_k_is_1() -> None:
    lines = desired_set_lines(lab_plan("gk41", paths={"count": 4, "active": 1}), "r2")
    assert route_lines(lines, "10.0.55.1/32") == [
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.1",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.5",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.5 disable",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.9",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.9 disable",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.13",
        "set protocols static route 10.0.55.1/32 next-hop 10.14.0.13 disable",
    ]


@pytest.mark.parametrize(("router", "peer", "hops"), [("r1", "10.0.55.2/32", (2, 6, 10, 14)), ("r2", "10.0.55.1/32", (1, 5, 9, 13))])
def test_no_next_hop_is_disabled_when_all_four_paths_are_active(router: str, peer: str, hops: tuple[int, ...]) -> None:
    lines = desired_set_lines(lab_plan("gk41", paths={"count": 4, "active": 4}), router)
    assert route_lines(lines, peer) == [f"set protocols static route {peer} next-hop 10.14.0.{hop}" for hop in hops]


def test_without_bfd_gk41_r1_holds_the_floating_address_the_route_and_layer4_hashing_only() -> None:
    # The underlay tuning the stack also sets has its own tests (test_underlay_vyos.py).
    plan = docker_plan("gk41", routing={"bfd": {"enabled": False}})
    lines = [line for line in desired_set_lines(plan, "r1") if not line.startswith(UNDERLAY_PREFIXES)]
    assert lines[0] == "set interfaces dummy dum0 address '10.0.55.1/32'"
    assert lines[-1] == "set system ip multipath layer4-hashing"
    assert len(lines) == 1 + 4 + 1


def test_floating_address_moves_to_lo_for_hosts_without_a_dummy_driver() -> None:
    lines = desired_set_lines(lab_plan("gk41", addressing={"floatingOn": "loopback"}), "r2")
    assert "set interfaces loopback lo address '10.0.55.2/32'" in lines
    assert not any("dummy" in line for line in lines)


def test_open_firewall_admits_each_instance_port_on_the_underlay_only() -> None:
    lines = desired_set_lines(lab_plan("gk41", routing={"openFirewall": True}), "r1")
    rule = "set firewall ipv4 input filter rule 9995"
    assert [line for line in lines if line.startswith(rule + " ")] == [
        f"{rule} action 'accept'",
        f"{rule} description 'zt-ecmp-gk41-path2'",
        f"{rule} destination port '9995'",
        f"{rule} inbound-interface name 'eth2'",
        f"{rule} protocol 'udp'",
    ]
    udp = {line.split()[6] for line in lines if line.startswith("set firewall ipv4") and line.endswith("protocol 'udp'")}
    assert sorted(udp) == ["9994", "9995", "9996", "9997"]


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_open_firewall_closes_each_instances_local_api_to_all_but_loopback(family: str) -> None:
    # zerotier-one's local API listens on every address on its port (TCP); allowManagementFrom only
    # answers 401, so the firewall is what keeps it on the router.
    lines = desired_set_lines(lab_plan("gk41", routing={"openFirewall": True}), "r1")
    rule = f"set firewall {family} input filter rule 109995"
    assert [line for line in lines if line.startswith(rule + " ")] == [
        f"{rule} action 'drop'",
        f"{rule} description 'zt-ecmp-gk41-path2-local-api'",
        f"{rule} destination port '9995'",
        f"{rule} inbound-interface name '!lo'",
        f"{rule} protocol 'tcp'",
    ]


def test_firewall_is_left_alone_unless_asked() -> None:
    assert not any("firewall" in line for line in desired_set_lines(lab_plan("gk41"), "r1"))


def test_runtime_vyos_runs_one_container_per_path_joined_by_network_id() -> None:
    lines = desired_set_lines(vyos_runtime_plan("gk41"), "r1", network_ids(4))
    container = "set container name zt-ecmp-gk41-path3"
    assert [line for line in lines if line.startswith(container + " ")] == [
        f"{container} image 'localhost/zt-ecmp-gk41-path3:current'",
        f"{container} allow-host-networks",
        f"{container} capability 'net-admin'",
        f"{container} device tun source '/dev/net/tun'",
        f"{container} device tun destination '/dev/net/tun'",
        f"{container} volume home source '/config/zt-ecmp/gk41/path3'",
        f"{container} volume home destination '/var/lib/zerotier-one'",
        f"{container} arguments '8056c2e21c000003'",
        f"{container} restart 'always'",
        # gk41 pins path 3 to CPU 2, which VyOS containers cannot do themselves.
        f"{container} entrypoint '/var/lib/zerotier-one/zt-ecmp-start'",
    ]
    assert not any(" environment " in line for line in lines)


def test_a_vyos_container_gets_net_admin_and_no_other_capability() -> None:
    lines = desired_set_lines(vyos_runtime_plan("ms01"), "r2", network_ids(8))
    assert {line.split()[-1] for line in lines if " capability " in line} == {"'net-admin'"}


def test_a_pinned_vyos_instance_starts_under_taskset_on_its_planned_cpus() -> None:
    script = render_pinned_start(lab_plan("ms01"), "r1", 6)
    assert script is not None
    assert script.splitlines()[-1] == 'exec taskset -c 10 /entrypoint.sh "$@"'


def test_an_unpinned_vyos_instance_keeps_the_images_own_entrypoint() -> None:
    routers = stack_settings("gk41")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("gk41", routers=routers)
    assert render_pinned_start(plan, "r1", 1) is None
    assert not any(" entrypoint " in line for line in desired_set_lines(plan, "r1", network_ids(4)))


def test_runtime_vyos_needs_every_network_id() -> None:
    with pytest.raises(KeyError, match="path4"):
        desired_set_lines(vyos_runtime_plan("gk41"), "r1", {1: "8056c2e21c000001", 2: "8056c2e21c000002", 3: "8056c2e21c000003"})


def test_runtime_docker_configures_no_container() -> None:
    assert not any("container" in line for line in desired_set_lines(docker_plan("gk41"), "r1", network_ids(4)))


def test_the_route_to_the_peers_floating_ip_is_the_labs_alone() -> None:
    # An operator's route to the same /32 would be merged into the ECMP route: it is refused, not shared.
    config = desired_config(lab_plan("gk41"), "r1")
    assert ("protocols", "static", "route", "10.0.55.2/32") in config.anchors


def test_every_set_line_has_its_delete_among_the_undo_lines() -> None:
    config = desired_config(vyos_runtime_plan("gk41", routing={"openFirewall": True}), "r1", network_ids(4))
    undo = set(undo_lines(config))
    for leaf in config.leaves:
        assert f"delete {' '.join(leaf.words)}" in undo


def test_undo_deletes_children_before_their_parents() -> None:
    undo = undo_lines(desired_config(lab_plan("gk41"), "r1"))
    assert undo.index("delete protocols static route 10.0.55.2/32 next-hop 10.14.0.2") < undo.index(
        "delete protocols static route 10.0.55.2/32"
    )
    assert undo[-1].count(" ") == 1  # a top-level node comes last


def changed_lines(before: str, after: str) -> list[str]:
    """Lines that differ, leaving out the digest that names each version of the apply script."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and "apply digest" not in line
    ]


@pytest.mark.parametrize("render", [render_apply_script, render_confirm_script])
def test_changing_k_changes_only_disable_lines(render: object) -> None:
    assert callable(render)
    before = render(lab_plan("gk41", paths={"count": 4, "active": 4}), "r1")
    after = render(lab_plan("gk41", paths={"count": 4, "active": 2}), "r1")
    changes = changed_lines(before, after)
    assert changes
    assert all(line.endswith(" disable") for line in changes), changes


def test_changing_n_from_4_to_6_only_adds_the_new_next_hops() -> None:
    before = render_apply_script(docker_plan("ms01", paths={"count": 4}), "r1")
    after = render_apply_script(docker_plan("ms01", paths={"count": 6}), "r1")
    changes = changed_lines(before, after)
    assert all(line.startswith("+") for line in changes), changes
    # The new paths' instances are waited for, like the others.
    assert [line for line in changes if line.startswith("+ztecmp")] == ["+ztecmp5 10.14.0.17", "+ztecmp6 10.14.0.21"]
    added = [line for line in changes if line.startswith("+set")]
    assert {line.split()[-1] for line in added if line.startswith("+set protocols static") and " bfd " not in line} == {
        "10.14.0.18",
        "10.14.0.22",
    }
    assert all("10.14.0.18" in line or "10.14.0.22" in line for line in added), added


def test_changing_n_on_runtime_vyos_adds_next_hops_and_containers_only() -> None:
    before = render_apply_script(vyos_runtime_plan("ms01", paths={"count": 4}), "r1", network_ids(4))
    after = render_apply_script(vyos_runtime_plan("ms01", paths={"count": 6}), "r1", network_ids(6))
    changes = changed_lines(before, after)
    assert all(line.startswith("+") for line in changes), changes
    added = [line for line in changes if line.startswith("+set")]
    assert {line.split()[3] for line in added if line.startswith("+set container")} == {"zt-ecmp-ms01-path5", "zt-ecmp-ms01-path6"}
    # Per new path: its next-hop, ten container lines (the entrypoint of its pin included), a BFD peer
    # (profile, source) and its next-hop's tracking.
    assert len(added) == 2 * (1 + 10 + 2 + 1)


def test_destroy_script_does_not_depend_on_k_or_n() -> None:
    assert render_delete_script(lab_plan("ms01", paths={"count": 4, "active": 1}), "r1") == render_delete_script(
        lab_plan("ms01", paths={"count": 6}), "r1"
    )


def test_scripts_are_deterministic() -> None:
    plan = vyos_runtime_plan("ms01")
    assert render_apply_script(plan, "r2", network_ids(8)) == render_apply_script(vyos_runtime_plan("ms01"), "r2", network_ids(8))


def test_apply_commits_once_with_commit_confirm_and_leaves_saving_to_confirm() -> None:
    plan = lab_plan("gk41", routing={"commitConfirmMinutes": 7})
    lines = [line.strip() for line in render_apply_script(plan, "r1").splitlines()]
    assert lines.count("configure") == 1
    # Its output goes to a file: the notifier it starts must not hold the SSH channel.
    assert len([line for line in lines if line.startswith("commit-confirm 7 ")]) == 1
    assert "commit" not in lines
    # Saved only to a scratch file, to be put back if the commit fails: never as config.boot.
    assert [line for line in lines if line.startswith("save ")] == ['save "$work/before.config" >/dev/null']
    confirm = [line.strip() for line in render_confirm_script(plan, "r1").splitlines()]
    assert confirm.index("confirm > /dev/null") < confirm.index("save")


def test_remote_command_runs_the_script_under_the_config_group() -> None:
    command = remote_command("echo hello\n")
    assert "echo hello\n" in command
    assert 'sg vyattacfg -c "/bin/vbash $script"' in command


def test_scripts_carry_no_key_material_and_never_touch_identity_files() -> None:
    # The renderers never receive a secret; what reaches the router's config is plan data only.
    for plan in plan_variants().values():
        for router in plan.routers:
            ids = network_ids(plan.path_count)
            for text in (
                render_apply_script(plan, router.name, ids),
                render_confirm_script(plan, router.name, ids),
                render_delete_script(plan, router.name),
            ):
                assert "PRIVATE KEY" not in text
                assert "identity.secret" not in text
                assert " environment " not in text


@pytest.mark.parametrize("runtime_ids", [None, network_ids(8)])
def test_a_transaction_rendered_together_is_the_apply_confirm_and_set_lines_rendered_apart(runtime_ids: dict[int, str] | None) -> None:
    plan = vyos_runtime_plan("ms01")
    transaction = render_transaction(plan, "r2", runtime_ids)
    assert (transaction.apply, transaction.confirm, transaction.set_lines) == (
        render_apply_script(plan, "r2", runtime_ids),
        render_confirm_script(plan, "r2", runtime_ids),
        desired_set_lines(plan, "r2", runtime_ids),
    )
