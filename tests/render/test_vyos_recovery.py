"""What real VyOS 1.4 does to an update, and how the scripts come through it.

Each fact is taught to the stand-in (tests/support/vyos_standin.py) with its upstream source: a
commit is partial per subtree, commit-confirm's notifier holds the caller's output, a second
commit-confirm inside the window commits nothing, op-mode commands exit 0, an unconfirmed commit
reverts by rebooting into the saved configuration, refused sysctls do not fail the commit.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from components.preview.report import unconfirmed_update_line
from components.render.vyos.scripts import (
    apply_digest,
    render_apply_script,
    render_confirm_script,
    render_delete_script,
    unconfirmed_marker,
)
from tests.render.test_vyos_transactions import IDS, K1, K4, OPERATOR_CONFIG, RUNTIME_VYOS, Lab
from tests.support.variants import linux_plan, underlay_plan
from tests.support.vyos_standin import ConfigTree

GK41 = underlay_plan("gk41", negotiation="auto", socketBuffers={})


# --- 1. commit-confirm's notifier -------------------------------------------------------------------


def test_a_script_that_gives_commit_confirm_its_own_output_returns_only_when_the_notifier_exits(tmp_path: Path) -> None:
    # vyos-1x python/vyos/config_mgmt.py commit_confirm(): `sudo -b commit-confirm-notify.py N`
    # keeps the caller's output and sleeps until a minute before the revert: the stand-in knows it.
    lab = Lab(tmp_path)
    naive = "#!/bin/vbash\nsource /opt/vyatta/etc/functions/script-template\nconfigure\nset system ip multipath layer4-hashing\n"
    run = lab.run(naive + "commit-confirm 5 < <(echo y)\n")
    assert run.held_by_notifier
    assert lab.router.confirm_pending


def test_apply_returns_while_the_commit_confirm_notifier_still_runs(tmp_path: Path) -> None:
    # Observed through pulumi-command on the real backend: an apply holding the notifier took 243 s.
    lab = Lab(tmp_path)
    run = lab.apply(K4)
    assert run.status == 0, run.stderr
    assert lab.router.confirm_pending
    assert not run.held_by_notifier


# --- 2. a failed commit is partial ------------------------------------------------------------------


def test_a_partly_failed_commit_is_reported_and_the_configuration_before_it_put_back_and_confirmed(tmp_path: Path) -> None:
    # Observed on the real 1.4 backend: `protocols static` failed, dum0, BFD and `system ip` were active.
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.failing = [("protocols", "static")]
    run = lab.apply(K4)
    assert run.status == 1
    assert "[[protocols static]] failed" in run.stdout
    assert "active now: set interfaces dummy dum0 address '10.0.55.1/32'" in run.stderr
    assert "not active: set protocols static route 10.0.55.2/32 next-hop 10.14.0.2" in run.stderr
    assert "the configuration from before this run is active again and confirmed" in run.stderr
    assert lab.config() == lab.operator_only()
    assert not lab.router.confirm_pending
    lab.router.failing = []
    lab.update(K4)
    assert lab.config() == lab.expected(K4)
    lab.destroy(K4)
    assert lab.config() == lab.operator_only()


def test_when_putting_back_fails_too_apply_says_vyos_will_revert_by_rebooting(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.failing = [("protocols", "static")]
    lab.router.failing_later = [("interfaces",)]  # dum0's new address cannot be taken away again
    run = lab.apply(K4)
    assert run.status == 1
    assert (
        "putting back the configuration from before this run failed too (see above): VyOS reverts to its saved "
        "configuration when the 5-minute window ends (VyOS 1.4: by rebooting the router)"
    ) in run.stderr
    assert lab.router.confirm_pending
    assert (lab.state_dir / "gk41-r1.owned.unconfirmed").exists()


def test_a_kernel_parameter_that_did_not_take_is_named_and_the_commit_undone(tmp_path: Path) -> None:
    # vyos-1x src/conf_mode/system_sysctl.py runs `sysctl -f`, which exits 0 when the kernel refuses a key.
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.kernel = {"net.core.rmem_max": "212992"}
    lab.router.refused_sysctls = ["net.core.rmem_max"]
    run = lab.apply(GK41)
    assert run.status == 1
    assert "net.core.rmem_max: set to 2097152, the kernel has 212992" in run.stderr
    assert lab.config() == lab.operator_only()
    assert not lab.router.confirm_pending


# --- 3. a pending confirm ---------------------------------------------------------------------------


def test_a_second_commit_confirm_inside_the_window_commits_nothing_and_exits_0(tmp_path: Path) -> None:
    # vyos-1x config_mgmt.py commit_confirm(): "Another confirm is pending"; vyatta-cfg-run
    # vyatta_config_commit-confirm commits only when that exits 0, and returns 0 either way.
    lab = Lab(tmp_path)
    lab.router.confirm_pending = True
    session = "source /opt/vyatta/etc/functions/script-template\nconfigure\nset system ip multipath layer4-hashing\n"
    run = lab.run(session + "commit-confirm 5 < <(echo y) > /dev/null\necho $?\n")
    assert run.stdout == "0\n"
    assert lab.config() == []


def test_a_retry_of_another_version_inside_the_window_puts_back_the_saved_configuration_and_converges(tmp_path: Path) -> None:
    # vyos-1x config_mgmt.py: the retry's commit-confirm would print "Another confirm is pending" and
    # commit nothing; the revert would reboot into config.boot. The retry puts that back itself.
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    assert lab.apply(K1).status == 0  # interrupted before its confirm step: K1 is pending
    retry = lab.apply(K4)  # the stack is changed back and `pulumi up` runs again, minutes before the revert
    assert retry.status == 0, retry.stderr
    assert "putting back the saved configuration" in retry.stderr
    assert lab.run(render_confirm_script(K4, "r1")).status == 0
    assert lab.config() == lab.expected(K4)
    assert not lab.router.confirm_pending
    assert lab.router.reboots == 0


def test_a_retry_of_the_same_version_keeps_its_pending_commit_for_the_confirm_step(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    assert lab.apply(K4).status == 0
    retry = lab.apply(K4)
    assert retry.status == 0, retry.stderr
    assert "left unconfirmed is active in full; the confirm step confirms it" in retry.stderr
    assert lab.run(render_confirm_script(K4, "r1")).status == 0
    assert not lab.router.confirm_pending
    assert lab.config() == lab.expected(K4)


def test_a_pending_confirm_the_stack_did_not_start_is_neither_used_nor_confirmed(tmp_path: Path) -> None:
    # config_mgmt.py confirm() stops whatever commit-confirm.timer is armed: the lab must not.
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.confirm_pending = True  # the operator's own commit-confirm, by hand
    applied = lab.apply(K4)
    assert applied.status == 1
    assert "a commit-confirm is pending on this router that stack gk41 did not start" in applied.stderr
    confirmed = lab.run(render_confirm_script(K4, "r1"))
    assert confirmed.status == 1
    assert lab.router.confirm_pending
    assert lab.config() == lab.operator_only()


# --- 4. op-mode commands always exit 0 --------------------------------------------------------------


def test_a_failed_pull_stops_apply_naming_the_image_and_the_error(tmp_path: Path) -> None:
    # vyatta-op functions/interpreter/vyatta-op-run: the op-mode wrapper exits 0 after a failed pull.
    lab = Lab(tmp_path)
    lab.router.pull_errors = {"zerotier/zerotier:1.14.2": "2 errors occurred while pulling: network is unreachable"}
    run = lab.apply(RUNTIME_VYOS, IDS)
    assert run.status == 1
    assert "could not pull zerotier/zerotier:1.14.2 onto the router" in run.stderr
    assert "network is unreachable" in run.stderr
    assert lab.config() == []
    assert not (lab.state_dir / "gk41-r1.owned.pending").exists()


# --- 5. reverts ----------------------------------------------------------------------------------------


def test_an_unconfirmed_commit_reverts_by_rebooting_into_the_saved_configuration(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.saved = ConfigTree.from_lines(OPERATOR_CONFIG)
    assert lab.apply(K4).status == 0
    lab.router.revert()
    assert lab.router.reboots == 1
    assert lab.config() == lab.operator_only()


def test_on_vyos_1_5_the_lab_reverts_by_reload_and_destroy_puts_the_operators_action_back(tmp_path: Path) -> None:
    # vyos-1x interface-definitions: system config-management commit-confirm action reload|reboot (1.5).
    action = "set system config-management commit-confirm action 'reboot'"
    lab = Lab(tmp_path, (*OPERATOR_CONFIG, action))
    lab.router.version = "1.5"
    lab.update(K4)
    assert "set system config-management commit-confirm action reload" in lab.config()
    assert "replaced system config-management commit-confirm action reboot" in lab.ledger()
    assert lab.apply(K1).status == 0
    lab.router.revert()
    assert lab.router.reboots == 0
    # Reloaded: K4 as confirmed, with the lab's action.
    assert lab.config() == ConfigTree.from_lines([*lab.expected(K4), "set system config-management commit-confirm action reload"]).lines()
    lab.destroy(K4)
    assert lab.config() == lab.operator_only()


def test_on_vyos_1_4_the_reload_action_is_never_set(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(K1)
    assert not [line for line in lab.config() if "config-management" in line]


# --- 6. defaults ------------------------------------------------------------------------------------


def test_a_leaf_at_its_default_is_claimed_as_the_labs_and_deleted_on_destroy(tmp_path: Path) -> None:
    # `cli-shell-api existsActive interfaces ethernet eth2 speed` is false while speed is at its
    # default (observed on 1.4): the lab records its own leaf, and deleting it brings the default back.
    untouched = ("set interfaces ethernet eth2 address '198.51.100.1/29'",)
    fixed = underlay_plan("gk41", speed="1G", negotiation="fixed")
    lab = Lab(tmp_path, untouched)
    lab.update(fixed)
    assert "leaf interfaces ethernet eth2 speed 1000" in lab.ledger()
    assert not [line for line in lab.ledger() if line.startswith("replaced interfaces ethernet eth2 speed")]
    lab.destroy(fixed)
    assert lab.config() == lab.operator_only()


# --- 7. what apply assumes, what destroy leaves -----------------------------------------------------


def test_apply_refuses_when_the_underlay_address_is_not_on_the_underlay_interface(tmp_path: Path) -> None:
    # Observed on the real backend: without it the commit went through and the join wait failed 120 s later.
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.router.addresses = {"eth2": ["192.168.7.1/24"]}
    run = lab.apply(K4)
    assert run.status == 1
    assert "underlay.address 198.51.100.1 is not on underlay.interface eth2" in run.stderr
    assert lab.config() == lab.operator_only()


def test_destroy_leaves_no_state_folder_behind(tmp_path: Path) -> None:
    # Observed on the real backend: an empty /config/zt-ecmp (vyos:vyattacfg, 2755) was left.
    lab = Lab(tmp_path)
    lab.update(K4)
    lab.destroy(K4)
    assert not lab.state_dir.exists()


# --- runs on one router, and their scratch files ----------------------------------------------------


def test_a_run_waits_a_bounded_time_for_the_run_holding_the_routers_lock_and_names_it(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lock = lab.state_dir.parent
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"])
    try:
        subprocess.run(["sh", "-c", f"until ! flock -n {lock} true; do :; done"], check=True, timeout=10)
        run = lab.run_remote(render_apply_script(K4, "r1"), lock_wait_seconds=1)
    finally:
        holder.kill()
        holder.wait()
    assert run.status == 75
    assert "waiting up to 1 s for the zt-ecmp run on this router to finish" in run.stderr
    assert f"gave up after 1 s: another zt-ecmp run still holds {lock}" in run.stderr
    assert f"flock {lock} sleep 30" in run.stderr
    assert lab.config() == []


def test_a_run_through_the_remote_command_takes_the_lock_and_leaves_no_scratch_file(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    assert lab.run_remote(render_apply_script(K4, "r1")).status == 0
    assert lab.config() == lab.expected(K4)
    assert list((tmp_path / "config" / "tmp").iterdir()) == []


def test_the_scratch_directory_goes_when_the_ssh_channel_is_lost(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.router.addresses = {}  # apply stops at once, writing why to the lost channel
    run = lab.run_lost(render_apply_script(K4, "r1"))
    assert run.status != 0
    assert list((tmp_path / "config" / "tmp").iterdir()) == []


def test_delete_of_an_unconfirmed_update_confirms_what_it_leaves_so_no_revert_brings_the_lab_back(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    assert lab.apply(K1).status == 0
    assert lab.run(render_delete_script(K4, "r1")).status == 0
    assert not lab.router.confirm_pending
    lab.router.revert()
    assert lab.config() == lab.operator_only()


def test_the_plan_says_an_unconfirmed_update_reboots_a_vyos_1_4_router() -> None:
    assert unconfirmed_update_line(linux_plan("gk41")) is None
    assert unconfirmed_update_line(K4) == (
        "an update of r1, r2 not confirmed within 5 minutes REBOOTS the router on VyOS 1.4 (into its saved configuration); "
        "VyOS 1.5 reloads the previous configuration instead"
    )


def test_an_update_leaves_the_marker_validate_reads_until_its_confirm_step_removes_it(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    marker = lab.state_dir / Path(unconfirmed_marker("gk41", "r1")).name
    assert lab.apply(K4).status == 0
    assert marker.read_text().split()[1:] == ["#", "apply", "digest", apply_digest(K4, "r1")]
    assert lab.run(render_confirm_script(K4, "r1")).status == 0
    assert not marker.exists()
