"""The underlay interface and socket limits on VyOS: the lines each stack sets, and an undo that puts
back the operator's own values rather than VyOS's defaults."""

from __future__ import annotations

from pathlib import Path

from components.render.vyos.configuration import desired_config
from components.render.vyos.scripts import render_apply_script, render_confirm_script
from tests.render.test_vyos_transactions import Lab
from tests.support.stacks import jumbo_routers, lab_plan
from tests.support.variants import underlay_plan
from tests.support.vyos_standin import ConfigTree


def tuning_lines(stack: str) -> list[str]:
    return [
        line
        for line in desired_config(lab_plan(stack), "r1").set_lines
        if line.startswith(("set interfaces ethernet", "set system sysctl"))
    ]


def test_ms01_forces_25g_full_duplex_deep_rings_and_16_mib_socket_limits() -> None:
    assert tuning_lines("ms01") == [
        "set interfaces ethernet eth4 speed '25000'",
        "set interfaces ethernet eth4 duplex 'full'",
        "set interfaces ethernet eth4 ring-buffer rx '8192'",
        "set interfaces ethernet eth4 ring-buffer tx '8192'",
        "set system sysctl parameter net.core.rmem_max value '16777216'",
        "set system sysctl parameter net.core.wmem_max value '16777216'",
        "set system sysctl parameter net.core.rmem_default value '4194304'",
        "set system sysctl parameter net.core.wmem_default value '4194304'",
        "set interfaces ethernet eth4 offload gro",
        "set interfaces ethernet eth4 offload gso",
        "set interfaces ethernet eth4 offload sg",
        "set interfaces ethernet eth4 offload tso",
    ]


def test_ms01_turns_lro_and_rps_off_by_their_absence() -> None:
    assert desired_config(lab_plan("ms01"), "r1").absent_lines == (
        "interfaces ethernet eth4 offload lro",
        "interfaces ethernet eth4 offload rps",
    )


def test_gk41_negotiates_2_5g_with_rps_and_2_mib_socket_limits() -> None:
    assert tuning_lines("gk41") == [
        "set interfaces ethernet eth2 speed 'auto'",
        "set interfaces ethernet eth2 duplex 'auto'",
        "set system sysctl parameter net.core.rmem_max value '2097152'",
        "set system sysctl parameter net.core.wmem_max value '2097152'",
        "set system sysctl parameter net.core.rmem_default value '524288'",
        "set system sysctl parameter net.core.wmem_default value '524288'",
        "set interfaces ethernet eth2 offload gro",
        "set interfaces ethernet eth2 offload rps",
    ]


def test_jumbo_frames_set_the_interface_mtu() -> None:
    config = desired_config(lab_plan("gk41", routers=jumbo_routers("gk41")), "r1")
    assert "set interfaces ethernet eth2 mtu '9000'" in config.set_lines


def test_a_stack_without_underlay_settings_touches_neither_interface_nor_sysctls() -> None:
    config = desired_config(underlay_plan("gk41"), "r1")
    assert not [line for line in config.set_lines if "ethernet" in line or "sysctl" in line]
    assert config.absent == config.replaceable == ()


# The operator's router before the lab: explicit values on the very leaves the lab sets.
OPERATOR_UNDERLAY = (
    "set interfaces ethernet eth2 hw-id '00:e0:4c:68:00:01'",
    "set interfaces ethernet eth2 address '192.0.2.41/24'",
    "set interfaces ethernet eth2 speed '1000'",
    "set interfaces ethernet eth2 duplex 'full'",
    "set interfaces ethernet eth2 mtu '1500'",
    "set interfaces ethernet eth2 ring-buffer rx '512'",
    "set interfaces ethernet eth2 offload lro",
    "set interfaces ethernet eth2 offload gro",
    "set system sysctl parameter net.core.rmem_max value '212992'",
    "set system host-name 'edge1'",
)
TUNED = underlay_plan(
    "gk41",
    negotiation="auto",
    mtu=9000,
    ringBuffer={"rx": 4096, "tx": 4096},
    offload={"gro": True, "lro": False, "rps": True},
    socketBuffers={},
)


def test_apply_replaces_the_operators_values_and_removes_their_lro(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    config = lab.config()
    assert "set interfaces ethernet eth2 mtu 9000" in config
    assert "set interfaces ethernet eth2 speed auto" in config
    assert "set interfaces ethernet eth2 ring-buffer rx 4096" in config
    assert "set system sysctl parameter net.core.rmem_max value 2097152" in config
    assert "set interfaces ethernet eth2 offload lro" not in config
    assert "set interfaces ethernet eth2 offload gro" in config


def test_destroy_puts_back_every_value_the_operator_had(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    lab.destroy(TUNED)
    assert lab.config() == lab.operator_only()


def test_the_ledger_records_the_operators_values_not_defaults(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    ledger = lab.ledger()
    assert "replaced interfaces ethernet eth2 mtu 1500" in ledger
    assert "replaced interfaces ethernet eth2 speed 1000" in ledger
    assert "replaced system sysctl parameter net.core.rmem_max value 212992" in ledger
    assert "removed interfaces ethernet eth2 offload lro" in ledger
    # Leaves the operator never set are the lab's own: deleted on destroy, nothing to put back.
    assert "leaf interfaces ethernet eth2 ring-buffer tx 4096" in ledger
    assert not any(line.startswith("replaced interfaces ethernet eth2 ring-buffer tx") for line in ledger)
    # gro was already on: used, never owned.
    assert not any(line.endswith("offload gro") for line in ledger)


def test_a_changed_value_keeps_the_operators_original_for_undo(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    lab.update(underlay_plan("gk41", mtu=8000))
    assert "set interfaces ethernet eth2 mtu 8000" in lab.config()
    assert [line for line in lab.ledger() if line.startswith("replaced interfaces ethernet eth2 mtu")] == [
        "replaced interfaces ethernet eth2 mtu 1500"
    ]
    lab.destroy(TUNED)
    assert lab.config() == lab.operator_only()


def test_a_setting_dropped_from_the_stack_gets_the_operators_value_back_at_once(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    untuned = underlay_plan("gk41")
    lab.update(untuned)
    assert lab.config() == lab.expected(untuned)
    assert not [line for line in lab.ledger() if line.startswith(("replaced", "removed"))]


def test_a_value_the_operator_changed_after_apply_is_theirs_and_survives_destroy(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.update(TUNED)
    lab.router.active.run("set interfaces ethernet eth2 mtu '9216'")
    lab.destroy(TUNED)
    assert "set interfaces ethernet eth2 mtu 9216" in lab.config()
    assert "set interfaces ethernet eth2 speed 1000" in lab.config()


def test_a_rolled_back_tuning_commit_is_recorded_again_and_still_undone_exactly(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_UNDERLAY)
    lab.router.active.run("set interfaces dummy dum9 description 'saved before the lab'")
    lab.router.saved = ConfigTree.from_lines(lab.router.active.lines())
    assert lab.apply(TUNED).status == 0
    lab.router.revert()
    # The confirm step applies it again, recording the operator's values anew.
    assert lab.run(render_confirm_script(TUNED, "r1")).status == 0
    lab.update(TUNED)
    lab.destroy(TUNED)
    assert (
        lab.config() == ConfigTree.from_lines([*OPERATOR_UNDERLAY, "set interfaces dummy dum9 description 'saved before the lab'"]).lines()
    )


def test_an_operator_value_that_cannot_be_recorded_stops_apply_before_any_change(tmp_path: Path) -> None:
    lab = Lab(tmp_path, ("set system sysctl parameter net.core.rmem_max value '4096 8192'",))
    run = lab.run(render_apply_script(TUNED, "r1"))
    assert run.status == 1
    assert "cannot record the value of system sysctl parameter net.core.rmem_max" in run.stderr
    assert lab.config() == lab.operator_only()
