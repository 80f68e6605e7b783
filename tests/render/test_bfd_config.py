"""Self-healing paths as configured: the BFD settings, the VyOS lines they become, and the FRR flavor."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.model.settings import ConfigError
from components.preview.offline import run_stack_offline
from components.preview.report import render_plan_text
from components.render.linux.commands import routing_scripts
from components.render.linux.frr import render_frr_apply, render_frr_block, render_frr_undo
from components.render.linux.routing import render_boot_script, render_linux_apply, render_linux_undo
from components.render.plan_document import plan_document
from components.render.tree.config import undo_lines
from components.render.vyos.configuration import desired_config, desired_set_lines
from components.render.vyos.scripts import render_apply_script
from tests.support.stacks import lab_config, lab_plan
from tests.support.variants import linux_plan

FRR = {"linuxRoutes": "frr"}


def tracking_lines(lines: tuple[str, ...]) -> list[str]:
    return [line for line in lines if line.startswith("set protocols static") and " bfd " in line]


def test_bfd_is_on_by_default_and_detects_a_dead_path_in_900_ms() -> None:
    bfd = lab_plan("gk41").routing.bfd
    assert (bfd.enabled, bfd.interval_ms, bfd.multiplier, bfd.detection_ms, bfd.profile) == (True, 300, 3, 900, "zt-ecmp-gk41")


@pytest.mark.parametrize(
    ("bfd", "setting", "message"),
    [
        ({"intervalMs": 5}, "routing.bfd.intervalMs", "5 ms is outside the BFD interval range VyOS and FRR accept: 10..60000 ms"),
        ({"intervalMs": 60001}, "routing.bfd.intervalMs", "10..60000 ms"),
        ({"multiplier": 1}, "routing.bfd.multiplier", "1 is outside the BFD detection multiplier range VyOS and FRR accept: 2..255"),
        ({"multiplier": 256}, "routing.bfd.multiplier", "2..255"),
    ],
)
def test_bfd_timers_outside_what_vyos_accepts_are_rejected_naming_the_setting(bfd: dict[str, Any], setting: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        lab_config("gk41", routing={"bfd": bfd})
    assert any(problem.startswith(f"{setting}: ") and message in problem for problem in raised.value.problems), raised.value.problems


def test_frr_routes_need_both_routers_on_linux_because_they_speak_ospf() -> None:
    with pytest.raises(ConfigError) as raised:
        lab_config("gk41", routing=FRR)
    assert raised.value.problems[0] == (
        "routing.linuxRoutes: frr runs OSPF between the routers, but routers[0] (r1) has flavor vyos; "
        "give every router flavor linux, or use iproute2"
    )


def test_a_stack_name_vyos_refuses_in_a_profile_name_is_made_safe() -> None:
    from components.model.naming import bfd_profile_name

    assert bfd_profile_name("zt-ecmp", "team.lab/one") == "zt-ecmp-team-lab-one"
    assert len(bfd_profile_name("zt-ecmp", "x" * 40)) == 32


# -- VyOS ------------------------------------------------------------------------------------------


def test_vyos_r1_tracks_every_next_hop_with_bfd_and_keeps_inactive_ones_disabled() -> None:
    lines = desired_set_lines(lab_plan("gk41", paths={"count": 4, "active": 1}), "r1")
    assert tracking_lines(lines) == [
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.2 bfd profile 'zt-ecmp-gk41'",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6 bfd profile 'zt-ecmp-gk41'",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.10 bfd profile 'zt-ecmp-gk41'",
        "set protocols static route 10.0.55.2/32 next-hop 10.14.0.14 bfd profile 'zt-ecmp-gk41'",
    ]
    assert "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6 disable" in lines


def test_vyos_r1_has_one_bfd_peer_per_built_path_sourced_from_its_own_end() -> None:
    lines = desired_set_lines(lab_plan("gk41", paths={"count": 4, "active": 1}), "r1")
    assert [line for line in lines if line.startswith("set protocols bfd peer")] == [
        "set protocols bfd peer 10.14.0.2 profile 'zt-ecmp-gk41'",
        "set protocols bfd peer 10.14.0.2 source address '10.14.0.1'",
        "set protocols bfd peer 10.14.0.6 profile 'zt-ecmp-gk41'",
        "set protocols bfd peer 10.14.0.6 source address '10.14.0.5'",
        "set protocols bfd peer 10.14.0.10 profile 'zt-ecmp-gk41'",
        "set protocols bfd peer 10.14.0.10 source address '10.14.0.9'",
        "set protocols bfd peer 10.14.0.14 profile 'zt-ecmp-gk41'",
        "set protocols bfd peer 10.14.0.14 source address '10.14.0.13'",
    ]


def test_vyos_bfd_profile_carries_the_configured_timers() -> None:
    lines = desired_set_lines(lab_plan("gk41", routing={"bfd": {"intervalMs": 200, "multiplier": 4}}), "r2")
    assert [line for line in lines if line.startswith("set protocols bfd profile")] == [
        "set protocols bfd profile zt-ecmp-gk41 interval receive '200'",
        "set protocols bfd profile zt-ecmp-gk41 interval transmit '200'",
        "set protocols bfd profile zt-ecmp-gk41 interval multiplier '4'",
    ]


def test_vyos_without_bfd_sets_no_bfd_line() -> None:
    assert not any("bfd" in line for line in desired_set_lines(lab_plan("gk41", routing={"bfd": {"enabled": False}}), "r1"))


def test_vyos_undo_removes_the_whole_bfd_tree_after_its_peers_and_the_tracking() -> None:
    undo = undo_lines(desired_config(lab_plan("gk41"), "r1"))
    assert undo.index("delete protocols static route 10.0.55.2/32 next-hop 10.14.0.2 bfd profile zt-ecmp-gk41") < undo.index(
        "delete protocols static route 10.0.55.2/32 next-hop 10.14.0.2"
    )
    assert undo.index("delete protocols bfd peer 10.14.0.2") < undo.index("delete protocols bfd")
    assert undo.index("delete protocols bfd profile zt-ecmp-gk41") < undo.index("delete protocols bfd")


# -- Linux with FRR --------------------------------------------------------------------------------


def test_frr_block_for_r1_with_k_3_of_4() -> None:
    plan = linux_plan(paths={"count": 4, "active": 3}, routing=FRR)
    block = render_frr_block(plan, "r1").splitlines()
    assert block[0] == "! zt-ecmp gk41 begin: r1's route to 10.0.55.2/32 over 3 of 4 paths (rewritten by every apply)"
    assert block[-1] == "! zt-ecmp gk41 end"
    assert block[1:8] == [
        "bfd",
        " profile zt-ecmp-gk41",
        "  detect-multiplier 3",
        "  receive-interval 300",
        "  transmit-interval 300",
        " exit",
        " !",
    ]
    # Peers for every built path, so the health of path 4 shows before it is enabled.
    assert [line for line in block if line.startswith(" peer ")] == [
        " peer 10.14.0.2 local-address 10.14.0.1 interface ztecmp1",
        " peer 10.14.0.6 local-address 10.14.0.5 interface ztecmp2",
        " peer 10.14.0.10 local-address 10.14.0.9 interface ztecmp3",
        " peer 10.14.0.14 local-address 10.14.0.13 interface ztecmp4",
    ]
    # Only active paths join OSPF, and so the route.
    assert [line for line in block if line.startswith("interface ")] == [
        "interface lo",
        "interface ztecmp1",
        "interface ztecmp2",
        "interface ztecmp3",
    ]
    assert " ip ospf area 0 10.0.55.1" in block
    assert block.count(" ip ospf bfd profile zt-ecmp-gk41") == 3


def test_frr_block_announces_the_floating_ip_from_the_dummy_when_it_lives_there() -> None:
    block = render_frr_block(linux_plan(floating_on="dummy", routing=FRR), "r2")
    assert "interface dum0\n ip ospf area 0 10.0.55.2\n ip ospf passive 10.0.55.2\nexit" in block


def test_frr_block_without_bfd_has_no_bfd_section_or_tracking() -> None:
    block = render_frr_block(linux_plan(routing={**FRR, "bfd": {"enabled": False}}), "r1")
    assert "bfd" not in block
    assert " ip ospf dead-interval 4" in block


def test_frr_block_is_only_for_linux_routers_whose_routes_frr_owns() -> None:
    with pytest.raises(ValueError, match=r"routing\.linuxRoutes frr"):
        render_frr_block(linux_plan(), "r1")


def test_with_frr_the_linux_scripts_leave_the_route_to_frr() -> None:
    plan = linux_plan(routing=FRR)
    for text in (render_linux_apply(plan, "r1"), render_boot_script(plan, "r1")):
        assert "  keep_routes" not in text.splitlines()
        assert "ip -4 route del 10.0.55.2/32 proto boot table main" in text


def test_with_iproute2_the_linux_scripts_install_the_route() -> None:
    assert "  keep_routes" in render_linux_apply(linux_plan(), "r1").splitlines()


def test_frr_block_is_applied_after_the_floating_address_and_removed_before_it() -> None:
    plan = linux_plan(routing=FRR)
    apply, undo = routing_scripts(plan, "r1")
    assert apply == (render_linux_apply(plan, "r1"), render_frr_apply(plan, "r1"))
    assert undo == (render_frr_undo(plan, "r1"), render_linux_undo(plan, "r1"))


def test_iproute2_routers_run_one_script_each_way() -> None:
    apply, undo = routing_scripts(linux_plan(), "r1")
    assert (len(apply), len(undo)) == (1, 1)


def test_frr_apply_enables_only_the_daemons_it_needs_and_undo_switches_back_what_it_enabled() -> None:
    apply = render_frr_apply(linux_plan(routing=FRR), "r1")
    assert 'sed -i "s/^ospfd=.*/ospfd=yes/" "$daemons"' in apply
    assert 'sed -i "s/^bfdd=.*/bfdd=yes/" "$daemons"' in apply
    assert "systemctl reload-or-restart frr" in apply
    assert "bfdd" not in render_frr_apply(linux_plan(routing={**FRR, "bfd": {"enabled": False}}), "r1")
    assert 'sed -i "s/^$daemon=yes/$daemon=no/" "$daemons"' in render_frr_undo(linux_plan(routing=FRR), "r1")


# -- plan command ----------------------------------------------------------------------------------


def test_plan_command_shows_bfd_timers_and_detection() -> None:
    run = run_stack_offline("gk41")
    assert "  path health: BFD profile zt-ecmp-gk41: 300 ms x 3, a path silent for 900 ms leaves the route" in render_plan_text(run)
    routing = json.loads(json.dumps(plan_document(run.plan)))["routing"]
    assert routing == {
        "bfd": {"enabled": True, "intervalMs": 300, "multiplier": 3, "detectionMs": 900, "profile": "zt-ecmp-gk41"},
        "linuxRoutes": "iproute2",
        "topology": "full-mesh",
    }


def test_the_grammar_check_sees_and_accepts_the_bfd_lines_at_the_range_limits() -> None:
    from tests.render.test_vyos_grammar import load_checker, vyos_lines
    from tests.support.variants import plan_variants

    lines = [line for line in vyos_lines(render_apply_script(plan_variants()["gk41-bfd-tuned"], "r1")) if "bfd" in line]
    assert "set protocols bfd profile zt-ecmp-gk41 interval receive '10'" in lines
    assert "set protocols bfd profile zt-ecmp-gk41 interval multiplier '255'" in lines
    assert "delete protocols bfd peer 10.14.0.14 source address 10.14.0.13" in lines
    checker = load_checker()
    assert [problem for line in lines for problem in checker.check_line(line)] == []
