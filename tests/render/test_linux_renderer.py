"""The Linux router scripts, as text: what they run, what they persist, what they never contain."""

from __future__ import annotations

from typing import Any

import pytest

from components.model.plan import LabPlan
from components.render.linux.routing import (
    LinuxHostPaths,
    render_boot_unit,
    render_linux_apply,
    render_linux_undo,
    render_sysctl_conf,
    route_command,
)
from tests.support.stacks import lab_plan, stack_settings


def linux_plan(stack: str = "gk41", floating_on: str = "loopback", **changes: Any) -> LabPlan:
    """A committed stack with both routers switched to flavor linux."""
    routers = [{**router, "flavor": "linux"} for router in stack_settings(stack)["routers"]]
    return lab_plan(stack, routers=routers, addressing={"floatingOn": floating_on}, **changes)


def test_r1_routes_r2_floating_ip_over_all_four_paths_of_the_reference_lab() -> None:
    assert route_command(linux_plan().router("r1").routes[0]) == (
        "ip route replace 10.0.55.2/32 nexthop via 10.14.0.2 dev ztecmp1 nexthop via 10.14.0.6 dev ztecmp2 "
        "nexthop via 10.14.0.10 dev ztecmp3 nexthop via 10.14.0.14 dev ztecmp4"
    )


def test_r2_routes_r1_floating_ip_over_all_four_paths_of_the_reference_lab() -> None:
    assert route_command(linux_plan().router("r2").routes[0]) == (
        "ip route replace 10.0.55.1/32 nexthop via 10.14.0.1 dev ztecmp1 nexthop via 10.14.0.5 dev ztecmp2 "
        "nexthop via 10.14.0.9 dev ztecmp3 nexthop via 10.14.0.13 dev ztecmp4"
    )


def test_one_active_path_is_a_single_next_hop_route() -> None:
    plan = linux_plan(paths={"count": 4, "active": 1})
    assert route_command(plan.router("r1").routes[0]) == "ip route replace 10.0.55.2/32 via 10.14.0.2 dev ztecmp1"


def test_inactive_paths_get_no_next_hop() -> None:
    route = route_command(linux_plan(paths={"count": 4, "active": 2}).router("r1").routes[0])
    assert route.endswith("nexthop via 10.14.0.2 dev ztecmp1 nexthop via 10.14.0.6 dev ztecmp2")


def test_apply_runs_the_route_command() -> None:
    plan = linux_plan()
    assert f"  {route_command(plan.router('r1').routes[0])}" in render_linux_apply(plan, "r1").splitlines()


def test_apply_turns_on_layer4_hashing_and_persists_it_as_a_sysctl_drop_in() -> None:
    plan = linux_plan()
    script = render_linux_apply(plan, "r1")
    assert "  echo 1 > /proc/sys/net/ipv4/fib_multipath_hash_policy" in script.splitlines()
    assert "cat > /etc/sysctl.d/90-zt-ecmp-gk41.conf.new <<'ZT_ECMP_SYSCTL'" in script
    assert render_sysctl_conf(plan).splitlines()[-1] == "net.ipv4.fib_multipath_hash_policy = 1"


def test_floating_ip_goes_on_loopback_when_the_plan_says_so() -> None:
    script = render_linux_apply(linux_plan(floating_on="loopback"), "r1")
    assert "  ip addr replace 10.0.55.1/32 dev lo" in script.splitlines()
    assert "type dummy" not in script


def test_floating_ip_goes_on_a_dummy_created_only_when_absent() -> None:
    lines = render_linux_apply(linux_plan(floating_on="dummy"), "r1").splitlines()
    assert "  ip link show dev dum0 >/dev/null 2>&1 || ip link add dum0 type dummy" in lines
    assert "  ip addr replace 10.0.55.1/32 dev dum0" in lines


def test_undo_deletes_the_dummy_only_when_the_recorded_state_had_none() -> None:
    script = render_linux_undo(linux_plan(floating_on="dummy"), "r1")
    assert '  if [ "$(cat "$1/dummy")" = no ]; then' in script
    assert "    if ip link show dev dum0 >/dev/null 2>&1; then ip link del dum0; fi" in script


def test_boot_unit_runs_the_boot_script_from_the_state_directory() -> None:
    unit = render_boot_unit(linux_plan(), "r1")
    assert "ExecStart=/bin/sh /var/lib/zt-ecmp/gk41/boot.sh" in unit.splitlines()
    assert "WantedBy=multi-user.target" in unit.splitlines()


def test_persistence_and_state_paths_follow_the_host_paths_given() -> None:
    paths = LinuxHostPaths(sysctl_dir="/tmp/x/sysctl.d", unit_dir="/tmp/x/units", state_root="/tmp/x/state")
    script = render_linux_apply(linux_plan(), "r1", paths)
    assert "state_dir=/tmp/x/state/gk41" in script.splitlines()
    assert "cat > /tmp/x/sysctl.d/90-zt-ecmp-gk41.conf.new <<'ZT_ECMP_SYSCTL'" in script
    assert "ln -sfn /tmp/x/units/zt-ecmp-gk41.service /tmp/x/units/multi-user.target.wants/zt-ecmp-gk41.service" in script
    assert "/etc/" not in script and "/var/lib" not in script


def test_host_paths_must_be_plain_absolute_paths() -> None:
    with pytest.raises(ValueError, match=r"sysctl_dir: 'etc; rm -rf /' is not an absolute path"):
        LinuxHostPaths(sysctl_dir="etc; rm -rf /")


def test_apply_is_one_transaction_that_restores_the_snapshot_on_failure() -> None:
    lines = render_linux_apply(linux_plan(), "r1").splitlines()
    assert "set -eu" in lines
    assert '    restore "$run_dir/before"' in lines
    assert lines.index('snapshot "$run_dir/before"') < lines.index("trap finish EXIT") < lines.index("converge")


def test_scripts_refuse_a_router_whose_flavor_is_vyos() -> None:
    with pytest.raises(ValueError, match="router 'r1' has flavor 'vyos'"):
        render_linux_apply(lab_plan("gk41"), "r1")


def test_scripts_hold_no_key_material() -> None:
    plan = linux_plan()
    texts = [render_linux_apply(plan, name) + render_linux_undo(plan, name) for name in ("r1", "r2")]
    for text in texts:
        assert "PRIVATE KEY" not in text
        assert "sshPrivateKey" not in text
        assert "identity.secret" not in text
