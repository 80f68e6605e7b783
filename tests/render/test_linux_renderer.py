"""The Linux router scripts, as text: what they run, what they persist, what they never contain."""

from __future__ import annotations

import pytest

from components.model.plan import LabPlan
from components.render.linux.routing import (
    LinuxHostPaths,
    NexthopIds,
    render_boot_unit,
    render_keeper,
    render_linux_apply,
    render_linux_undo,
    render_sysctl_conf,
    wanted_nexthop_ids,
)
from tests.support.stacks import lab_plan, stack_settings
from tests.support.variants import linux_plan


def keep_routes_lines(plan: LabPlan, router: str = "r1") -> list[str]:
    script = render_keeper(plan, router)
    body = script[script.index("keep_routes() {") :]
    return [line.strip() for line in body[: body.index("\n}\n")].splitlines()]


def test_the_lab_keeps_its_nexthop_ids_in_a_block_of_its_own_between_frrs_and_its_layer2_ids() -> None:
    ids = NexthopIds.of("gk41")
    assert (ids.first, ids.last) == (259510912, 259512959)
    assert ids.first >= 250_000_000
    assert ids.last < 2**28
    # Site 2's group and its member on path 4.
    assert ids.group(2) == 259511040
    assert ids.member(2, 4) == 259511044


def test_r1_keeps_its_route_to_r2_as_a_group_of_one_member_per_active_path() -> None:
    lines = keep_routes_lines(linux_plan())
    assert (
        'has_nexthop 259511042 10.14.0.6 ztecmp2 || fix "next hop 10.14.0.6 on path 2 (ztecmp2) ready for r2\'s 10.0.55.2/32" '
        "ip nexthop replace id 259511042 via 10.14.0.6 dev ztecmp2"
    ) in lines
    assert lines[-1] == 'keep_group 259511040 "${members#/}" 10.0.55.2/32 "r2\'s 10.0.55.2/32" "$over" "$down"'


def test_a_path_joins_the_group_only_while_its_interface_holds_its_address() -> None:
    assert "elif usable ztecmp2 10.14.0.5; then" in keep_routes_lines(linux_plan())


def test_a_drained_path_stays_out_of_the_group_whatever_its_interface() -> None:
    lines = keep_routes_lines(linux_plan())
    assert lines[lines.index("if drained 2; then") + 1 : lines.index("if drained 2; then") + 3] == [
        'down="$down 2(drained)"',
        "elif usable ztecmp2 10.14.0.5; then",
    ]


def test_inactive_paths_get_no_member() -> None:
    lines = keep_routes_lines(linux_plan(paths={"count": 4, "active": 2}))
    assert [line for line in lines if line.startswith("elif usable")] == [
        "elif usable ztecmp1 10.14.0.1; then",
        "elif usable ztecmp2 10.14.0.5; then",
    ]
    assert wanted_nexthop_ids(linux_plan(paths={"count": 4, "active": 2}), "r1") == (259511040, 259511041, 259511042)


def test_apply_keeps_the_routes_then_deletes_the_nexthop_objects_it_no_longer_needs() -> None:
    lines = render_linux_apply(linux_plan(paths={"count": 4, "active": 1}), "r1").splitlines()
    assert lines.index("  keep_routes") + 1 == lines.index("  prune_nexthops '259511040 259511041'")


def test_the_first_apply_refuses_a_router_holding_an_id_of_the_labs_block() -> None:
    script = render_linux_apply(linux_plan(), "r1")
    assert "stack gk41 keeps the ids 259510912 to 259512959 for its routes" in script


def test_with_iproute2_the_unit_runs_the_boot_script_then_keeps_the_keeper_running() -> None:
    unit = render_boot_unit(linux_plan(), "r1").splitlines()
    assert unit[unit.index("[Service]") + 1 : unit.index("[Service]") + 6] == [
        "Type=simple",
        "ExecStartPre=/bin/sh /var/lib/zt-ecmp/gk41/boot.sh",
        "ExecStart=/bin/sh /var/lib/zt-ecmp/gk41/keeper.sh",
        "Restart=always",
        "RestartSec=2",
    ]


def test_apply_starts_the_keeper_through_systemd_only_where_systemd_runs() -> None:
    lines = render_linux_apply(linux_plan(), "r1").splitlines()
    assert "if [ -d /run/systemd/system ]; then systemctl daemon-reload && systemctl --no-block start zt-ecmp-gk41.service; fi" in lines
    without = render_linux_apply(linux_plan(), "r1", LinuxHostPaths(systemd=False))
    assert "systemctl" not in without


def test_undo_stops_the_keeper_before_it_restores_anything() -> None:
    lines = render_linux_undo(linux_plan(), "r1").splitlines()
    assert lines.index("if [ -d /run/systemd/system ]; then systemctl stop zt-ecmp-gk41.service 2>/dev/null || true; fi") < lines.index(
        '  restore "$state_dir/previous"'
    )


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
    unit = render_boot_unit(linux_plan(routing={"linuxRoutes": "frr"}), "r1")
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
    # Past this point the run has changed all it meant to: its report line lost to a closed SSH channel undoes nothing.
    assert lines[-2:] == ["committed=yes", 'echo "zt-ecmp: r1 routes 10.0.55.2/32 over 4 of 4 paths"']


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


def test_a_peer_keeping_its_site_number_keeps_its_nexthop_ids_when_a_router_before_it_leaves() -> None:
    hq, _, br2 = stack_settings("gk41-sites")["routers"]
    three = linux_plan("gk41-sites")
    two = linux_plan("gk41-sites", routers=[hq, {**br2, "siteNumber": 3}])
    kept = [line for line in keep_routes_lines(three, "hq") if "br2's" in line]
    assert kept and kept == [line for line in keep_routes_lines(two, "hq") if "br2's" in line]
