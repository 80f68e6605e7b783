"""The underlay on a Linux router: the commands rendered for each stack, and the apply/undo scripts
run for real on veth links in network namespaces (MTU) and, restored in a finally, on this host
(socket limits, which this kernel only lets the initial namespace change)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from components.model.plan import LabPlan, build_plan
from components.model.settings import parse_lab_config
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_config
from components.render.linux.routing import LinuxHostPaths, render_boot_script, render_linux_apply, render_linux_undo
from components.render.linux.underlay import render_underlay_sysctl_conf, underlay_keys, underlay_shell_functions
from tests.support.netns import NETNS_LAB
from tests.support.stacks import jumbo_routers
from tests.support.variants import linux_plan


def underlay_linux_plan(stack: str, mtu: int | None = None) -> LabPlan:
    """The stack on flavor linux with its floating IPs on the dummy interface, and jumbo frames at ``mtu``."""
    return linux_plan(stack, "dummy", routers=jumbo_routers(stack, mtu) if mtu is not None else None)


def test_ms01_forces_25g_and_deep_rings_with_ethtool() -> None:
    script = render_linux_apply(underlay_linux_plan("ms01"), "r1")
    for command in (
        "ethtool -s eth4 speed 25000 duplex full autoneg off",
        "ethtool -G eth4 rx 8192",
        "ethtool -G eth4 tx 8192",
        "ethtool -K eth4 gro on",
        "ethtool -K eth4 lro off",
        "ethtool -K eth4 tso on",
    ):
        assert command in script


def test_jumbo_frames_set_the_interface_mtu_with_ip() -> None:
    assert "ip link set dev eth4 mtu 9000" in render_linux_apply(underlay_linux_plan("ms01", mtu=9000), "r1")


def test_gk41_negotiates_and_spreads_receive_over_its_four_cores() -> None:
    script = render_linux_apply(underlay_linux_plan("gk41"), "r2")
    assert "ethtool -s eth2 autoneg on" in script
    assert 'echo f > "$queue"' in script
    assert "ethtool -G eth2" not in script


def test_socket_limits_persist_in_their_own_sysctl_drop_in() -> None:
    assert render_underlay_sysctl_conf(underlay_linux_plan("ms01"), "r1").splitlines()[1:] == [
        "net.core.rmem_max = 16777216",
        "net.core.wmem_max = 16777216",
        "net.core.rmem_default = 4194304",
        "net.core.wmem_default = 4194304",
    ]


def test_a_stack_without_socket_buffers_writes_no_underlay_drop_in() -> None:
    plan = netns_plan()
    assert render_underlay_sysctl_conf(plan, "r1") == ""
    assert "rm -f /etc/sysctl.d/91-zt-ecmp-netns-underlay.conf" in render_linux_apply(plan, "r1")


def test_the_boot_script_tunes_the_underlay_before_it_converges() -> None:
    boot = render_boot_script(underlay_linux_plan("ms01"), "r1")
    assert boot.index("\ntune_underlay\n") < boot.index("\nconverge\n")


def test_undo_restores_from_state_files_alone() -> None:
    undo = render_linux_undo(underlay_linux_plan("ms01"), "r1")
    assert 'underlay_restore "$1"' in undo
    assert "ethtool -s eth4" not in undo  # nothing of the current plan's values: only what was recorded


def test_every_setting_the_plan_touches_has_a_state_key() -> None:
    assert underlay_keys(underlay_linux_plan("gk41", mtu=9000).routers[0]) == (
        "mtu",
        "link",
        "offload-gro",
        "rps",
        "sysctl-net.core.rmem_max",
        "sysctl-net.core.wmem_max",
        "sysctl-net.core.rmem_default",
        "sysctl-net.core.wmem_default",
    )


# --- for real ------------------------------------------------------------------------------------


def needs_lab(test: Callable[..., None]) -> Callable[..., None]:
    """A test of the netns tier: it builds the namespace lab (the last one changes this host's socket limits)."""
    for mark in NETNS_LAB:
        test = mark(test)
    return test


UNDERLAY = "ulnk0"


def netns_plan(**underlay: Any) -> LabPlan:
    """The two-namespace lab with a veth underlay carrying ``underlay`` settings."""
    raw = netns_lab_config(2).model_dump(by_alias=True, exclude_none=True, mode="json")
    for router in raw["routers"]:
        router["underlay"] = {**router["underlay"], "interface": UNDERLAY, "speed": "10G", **underlay}
    return build_plan(parse_lab_config(raw), "zt-ecmp", "netns")


@pytest.fixture
def veth_lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_plan(mtu=9000)) as lab:
        first, second = lab.namespace("r1"), lab.namespace("r2")
        subprocess.run(["ip", "-n", first, "link", "add", UNDERLAY, "type", "veth", "peer", "name", UNDERLAY, "netns", second], check=True)
        yield lab


def mtu(lab: NetnsLab, router: str) -> int:
    return int(lab.exec(router, ["cat", f"/sys/class/net/{UNDERLAY}/mtu"]).stdout)


def apply(lab: NetnsLab, plan: LabPlan, router: str = "r1") -> subprocess.CompletedProcess[str]:
    lab.plan = plan
    return lab.run_script(router, render_linux_apply(plan, router, lab.host_paths(router)))


@needs_lab
def test_apply_sets_the_mtu_and_undo_puts_the_previous_one_back(veth_lab: NetnsLab) -> None:
    veth_lab.exec("r1", ["ip", "link", "set", "dev", UNDERLAY, "mtu", "1400"])
    before = veth_lab.state("r1")
    apply(veth_lab, netns_plan(mtu=9000))
    assert mtu(veth_lab, "r1") == 9000
    veth_lab.run_script("r1", render_linux_undo(veth_lab.plan, "r1", veth_lab.host_paths("r1")))
    assert mtu(veth_lab, "r1") == 1400
    assert veth_lab.state("r1") == before


@needs_lab
def test_a_changed_mtu_is_still_undone_to_the_operators(veth_lab: NetnsLab) -> None:
    apply(veth_lab, netns_plan(mtu=9000))
    apply(veth_lab, netns_plan(mtu=4000))
    assert mtu(veth_lab, "r1") == 4000
    veth_lab.run_script("r1", render_linux_undo(veth_lab.plan, "r1", veth_lab.host_paths("r1")))
    assert mtu(veth_lab, "r1") == 1500


@needs_lab
def test_dropping_the_mtu_from_the_stack_puts_the_operators_back_at_once(veth_lab: NetnsLab) -> None:
    apply(veth_lab, netns_plan(mtu=9000))
    apply(veth_lab, netns_plan())
    assert mtu(veth_lab, "r1") == 1500
    assert not list((veth_lab.work_dir / "r1").rglob("underlay-mtu"))


@needs_lab
def test_settings_a_veth_cannot_take_are_skipped_with_warnings(veth_lab: NetnsLab) -> None:
    done = apply(
        veth_lab,
        netns_plan(mtu=9000, speed="1G", negotiation="fixed", ringBuffer={"rx": 4096}, offload={"gro": True, "lro": False, "rps": True}),
    )
    # A veth reports 10000 Mb/s full duplex and refuses any change of it or of its rings.
    assert "warning: ulnk0: cannot force 1000 Mb/s full duplex; left as it is" in done.stderr
    assert "warning: ulnk0: rx ring not resizable to 4096; left as it is" in done.stderr
    assert mtu(veth_lab, "r1") == 9000
    assert veth_lab.exec("r1", ["ethtool", "-k", UNDERLAY]).stdout.count("generic-receive-offload: on") == 1


@needs_lab
def test_offloads_and_rps_are_put_back_by_undo(veth_lab: NetnsLab) -> None:
    before = veth_lab.exec("r1", ["ethtool", "-k", UNDERLAY]).stdout
    rps = veth_lab.exec("r1", ["cat", f"/sys/class/net/{UNDERLAY}/queues/rx-0/rps_cpus"]).stdout
    apply(veth_lab, netns_plan(offload={"gro": True, "tso": False, "rps": True}))
    assert veth_lab.exec("r1", ["ethtool", "-k", UNDERLAY]).stdout != before
    veth_lab.run_script("r1", render_linux_undo(veth_lab.plan, "r1", veth_lab.host_paths("r1")))
    assert veth_lab.exec("r1", ["ethtool", "-k", UNDERLAY]).stdout == before
    assert veth_lab.exec("r1", ["cat", f"/sys/class/net/{UNDERLAY}/queues/rx-0/rps_cpus"]).stdout == rps


@needs_lab
def test_socket_limits_that_a_namespace_cannot_change_fail_the_apply_and_roll_it_back(veth_lab: NetnsLab) -> None:
    current = int(Path("/proc/sys/net/core/rmem_max").read_text())
    before = veth_lab.state("r1")
    with pytest.raises(RuntimeError, match=r"cannot set net\.core\.rmem_max"):
        apply(veth_lab, netns_plan(mtu=9000, socketBuffers={"maxBytes": current + 4096}))
    assert veth_lab.state("r1") == before


SOCKET_SYSCTLS = ("rmem_max", "wmem_max", "rmem_default", "wmem_default")


@needs_lab
def test_socket_limits_are_set_and_restored_on_this_host() -> None:
    """On this kernel the limits are global: only the initial namespace may change them. Raised, never
    lowered, so that anything else running here keeps at least what it had; put back in a finally."""
    proc = {name: Path(f"/proc/sys/net/core/{name}") for name in SOCKET_SYSCTLS}
    original = {name: path.read_text() for name, path in proc.items()}
    biggest = max(int(original["rmem_max"]), int(original["wmem_max"])) + 4096
    default = max(int(original["rmem_default"]), int(original["wmem_default"])) + 4096
    plan = netns_plan(socketBuffers={"maxBytes": biggest, "defaultBytes": default})
    router = plan.routers[0]
    try:
        with tempfile.TemporaryDirectory() as state:
            script = "\n".join(["set -eu", underlay_shell_functions(router), f"underlay_snapshot {state}", "tune_underlay"]).replace(
                f"/sys/class/net/{UNDERLAY}", "/sys/class/net/lo"
            )
            subprocess.run(["sh", "-c", script], check=True)
            assert [int(proc[name].read_text()) for name in SOCKET_SYSCTLS] == [biggest, biggest, default, default]
            subprocess.run(["sh", "-c", "\n".join(["set -eu", underlay_shell_functions(router), f"underlay_restore {state}"])], check=True)
            assert {name: path.read_text() for name, path in proc.items()} == original
    finally:
        for name, path in proc.items():
            path.write_text(original[name])


def test_linux_host_paths_name_the_underlay_drop_in_after_the_stack() -> None:
    assert LinuxHostPaths().underlay_sysctl_file(netns_plan()) == "/etc/sysctl.d/91-zt-ecmp-netns-underlay.conf"
