"""The rendered scripts, run by bash against a modelled VyOS: one transaction per update, exact undo.

Each test starts from a router's configuration (empty, or with the operator's own lines), runs the
apply/confirm/delete scripts as the Pulumi program would, and compares whole configuration trees.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from components.model.plan import LabPlan
from components.render.vyos.configuration import desired_set_lines
from components.render.vyos.scripts import render_apply_script, render_confirm_script, render_delete_script
from tests.support.stacks import lab_plan
from tests.support.variants import network_ids, vyos_runtime_plan
from tests.support.vyos_standin import ConfigTree, Router, ScriptRun, run_script

OPERATOR_CONFIG = (
    "set system ip multipath layer4-hashing",
    "set protocols static route 192.168.7.0/24 next-hop 192.0.2.254",
    "set interfaces dummy dum0 address '10.99.0.1/32'",
    "set system host-name 'edge1'",
)


class Lab:
    """One router driven through the lab's life cycle, as the Pulumi program drives it."""

    def __init__(self, tmp_path: Path, operator_lines: tuple[str, ...] = (), prune_empty: bool = False) -> None:
        self.router = Router.with_config(operator_lines, prune_empty)
        # r1's underlay address, on its underlay interface in both reference stacks (gk41: eth2, ms01: eth4).
        self.router.addresses = {"eth2": ["198.51.100.1/29"], "eth4": ["198.51.100.1/29"]}
        self.state_dir = tmp_path / "config" / "zt-ecmp"
        self.state_dir.parent.mkdir()
        self.operator_lines = operator_lines

    def run(self, script: str) -> ScriptRun:
        return run_script(script, self.router, self.state_dir)

    def run_remote(self, script: str, lock_wait_seconds: int | None = None) -> ScriptRun:
        """The script the way pulumi-command runs it: through the remote command."""
        return run_script(script, self.router, self.state_dir, remote=True, lock_wait_seconds=lock_wait_seconds)

    def run_lost(self, script: str) -> ScriptRun:
        """The script with its SSH channel gone."""
        return run_script(script, self.router, self.state_dir, channel_lost=True)

    def apply(self, plan: LabPlan, ids: Mapping[int, str] | None = None) -> ScriptRun:
        return self.run(render_apply_script(plan, "r1", ids))

    def update(self, plan: LabPlan, ids: Mapping[int, str] | None = None) -> None:
        """Apply then confirm, both succeeding."""
        applied = self.apply(plan, ids)
        assert applied.status == 0, applied.stderr + applied.stdout
        confirmed = self.run(render_confirm_script(plan, "r1", ids))
        assert confirmed.status == 0, confirmed.stderr + confirmed.stdout

    def destroy(self, plan: LabPlan) -> None:
        deleted = self.run(render_delete_script(plan, "r1"))
        assert deleted.status == 0, deleted.stderr + deleted.stdout

    def config(self) -> list[str]:
        return self.router.active.lines()

    def expected(self, plan: LabPlan, ids: Mapping[int, str] | None = None) -> list[str]:
        return ConfigTree.from_lines([*self.operator_lines, *desired_set_lines(plan, "r1", ids)]).lines()

    def operator_only(self) -> list[str]:
        return ConfigTree.from_lines(self.operator_lines).lines()

    def ledger(self) -> list[str]:
        path = self.state_dir / "gk41-r1.owned"
        return path.read_text().splitlines() if path.exists() else []


K1 = lab_plan("gk41", paths={"count": 4, "active": 1})
K4 = lab_plan("gk41", paths={"count": 4, "active": 4})


@pytest.mark.parametrize("prune_empty", [False, True], ids=["vyos-keeps-empty-parents", "vyos-prunes-empty-parents"])
def test_create_then_delete_on_an_empty_router_leaves_it_empty(tmp_path: Path, prune_empty: bool) -> None:
    lab = Lab(tmp_path, prune_empty=prune_empty)
    lab.update(K1)
    assert lab.config() == lab.expected(K1)
    lab.destroy(K1)
    assert lab.config() == []
    assert not (lab.state_dir / "gk41-r1.owned").exists()


@pytest.mark.parametrize("prune_empty", [False, True], ids=["vyos-keeps-empty-parents", "vyos-prunes-empty-parents"])
def test_delete_restores_exactly_the_operators_configuration(tmp_path: Path, prune_empty: bool) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG, prune_empty)
    lab.update(K4)
    assert lab.config() == lab.expected(K4)
    lab.destroy(K4)
    assert lab.config() == lab.operator_only()


def test_nodes_the_operator_had_are_used_but_never_owned(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    assert "leaf system ip multipath layer4-hashing" not in lab.ledger()
    assert "node interfaces dummy dum0" not in lab.ledger()
    assert "leaf interfaces dummy dum0 address 10.0.55.1/32" in lab.ledger()


def test_update_from_version_a_to_b_yields_exactly_b_plus_operator_config(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    lab.update(K1)
    assert lab.config() == lab.expected(K1)
    lab.update(K4)
    assert lab.config() == lab.expected(K4)
    lab.destroy(K4)
    assert lab.config() == lab.operator_only()


def test_an_update_is_one_commit(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    before = lab.router.active.lines()
    run = lab.apply(K1)
    assert run.status == 0
    assert lab.router.confirm_pending  # one commit-confirm carried the deletes and sets together
    assert before != lab.config() == lab.expected(K1)


def test_fewer_paths_remove_the_dropped_next_hops(tmp_path: Path) -> None:
    six = lab_plan("ms01", paths={"count": 6, "active": 6})
    four = lab_plan("ms01", paths={"count": 4, "active": 2})
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.run(render_apply_script(six, "r1"))
    lab.run(render_confirm_script(six, "r1"))
    lab.run(render_apply_script(four, "r1"))
    lab.run(render_confirm_script(four, "r1"))
    assert lab.config() == ConfigTree.from_lines([*OPERATOR_CONFIG, *desired_set_lines(four, "r1")]).lines()


def test_repeating_an_apply_changes_nothing_and_commits_nothing(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K1)
    ledger = lab.ledger()
    run = lab.apply(K1)
    assert run.status == 0
    assert not lab.router.confirm_pending
    assert lab.config() == lab.expected(K1)
    assert lab.run(render_confirm_script(K1, "r1")).status == 0
    assert lab.ledger() == ledger


def test_a_failed_commit_exits_non_zero_with_vyos_message_and_changes_nothing(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    config, ledger = lab.config(), lab.ledger()
    lab.router.fail_commit = True
    run = lab.apply(K1)
    assert run.status == 1
    assert "simulated failure" in run.stdout
    assert "commit failed" in run.stderr
    assert lab.config() == config
    assert lab.ledger() == ledger
    lab.router.fail_commit = False
    lab.update(K1)
    assert lab.config() == lab.expected(K1)
    lab.destroy(K1)
    assert lab.config() == lab.operator_only()


def test_a_commit_rolled_back_before_its_confirm_is_applied_again_by_the_confirm_step(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    assert lab.apply(K1).status == 0
    lab.router.revert()  # an interrupted `pulumi up`: the confirm step never reached the router in time
    assert lab.config() != lab.expected(K1)
    confirmed = lab.run(render_confirm_script(K1, "r1"))
    assert confirmed.status == 0, confirmed.stderr
    assert "applying it again" in confirmed.stderr
    assert lab.config() == lab.expected(K1)
    assert not lab.router.confirm_pending
    lab.destroy(K1)
    assert lab.config() == lab.operator_only()


def test_an_update_stopped_before_its_commit_is_completed_by_the_confirm_step(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    lab.router.fail_commit = True  # the apply step got as far as saving itself, then stopped
    assert lab.apply(K1).status == 1
    lab.router.fail_commit = False
    confirmed = lab.run(render_confirm_script(K1, "r1"))
    assert confirmed.status == 0, confirmed.stderr
    assert lab.config() == lab.expected(K1)


def test_the_confirm_step_never_runs_an_apply_script_of_another_version(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(K4)
    lab.router.revert()
    lab.router.active = ConfigTree.from_lines(OPERATOR_CONFIG)  # the lab's configuration is gone
    confirmed = lab.run(render_confirm_script(K1, "r1"))  # K1's confirm, but the saved script is K4's
    assert confirmed.status == 1
    assert "not the apply script of this version" in confirmed.stderr
    assert lab.config() == lab.operator_only()


def test_an_unconfirmed_first_commit_is_still_undone_by_destroy(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    assert lab.apply(K4).status == 0  # committed, confirm step never ran (no ledger yet)
    lab.destroy(K4)
    assert lab.config() == lab.operator_only()


def test_what_the_operator_adds_under_a_lab_node_survives_destroy(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(K4)
    lab.router.active.run("set interfaces dummy dum0 address '10.77.0.1/32'")
    lab.destroy(K4)
    assert lab.config() == ["set interfaces dummy dum0 address 10.77.0.1/32"]


RUNTIME_VYOS = vyos_runtime_plan("gk41", routing={"openFirewall": True})
IDS = network_ids(4)


def test_runtime_vyos_pulls_the_image_once_and_undoes_containers_and_rules(tmp_path: Path) -> None:
    lab = Lab(tmp_path, OPERATOR_CONFIG)
    lab.update(RUNTIME_VYOS, IDS)
    assert lab.config() == lab.expected(RUNTIME_VYOS, IDS)
    assert lab.router.images == ["zerotier/zerotier:1.14.2"]
    lab.update(RUNTIME_VYOS, IDS)
    assert lab.router.images == ["zerotier/zerotier:1.14.2"]
    lab.destroy(RUNTIME_VYOS)
    assert lab.config() == lab.operator_only()


def test_a_new_network_id_replaces_the_container_argument(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(RUNTIME_VYOS, IDS)
    renewed = {**IDS, 2: "8056c2e21cabcdef"}
    lab.update(RUNTIME_VYOS, renewed)
    assert lab.config() == lab.expected(RUNTIME_VYOS, renewed)
    lab.destroy(RUNTIME_VYOS)
    assert lab.config() == []


def test_a_container_of_the_same_name_that_is_not_ours_is_left_alone(tmp_path: Path) -> None:
    theirs = ("set container name zt-ecmp-gk41-path2 image 'nginx:1.27'",)
    lab = Lab(tmp_path, theirs)
    run = lab.apply(RUNTIME_VYOS, IDS)
    assert run.status == 1
    assert "container name zt-ecmp-gk41-path2" in run.stderr
    assert lab.config() == lab.operator_only()


def test_destroy_removes_the_image_the_lab_pulled(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(RUNTIME_VYOS, IDS)
    assert lab.router.images == ["zerotier/zerotier:1.14.2"]
    assert "image zerotier/zerotier:1.14.2" in lab.ledger()
    lab.destroy(RUNTIME_VYOS)
    assert lab.router.images == []


def test_an_image_that_was_on_the_router_before_the_lab_stays_after_destroy(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.router.images.append("zerotier/zerotier:1.14.2")
    lab.update(RUNTIME_VYOS, IDS)
    assert not any(line.startswith("image ") for line in lab.ledger())
    lab.destroy(RUNTIME_VYOS)
    assert lab.router.images == ["zerotier/zerotier:1.14.2"]


def test_a_new_image_tag_removes_the_old_image_once_confirmed(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(RUNTIME_VYOS, IDS)
    newer = vyos_runtime_plan("gk41", routing={"openFirewall": True}, zerotier={"image": "zerotier/zerotier:1.14.3"})
    lab.update(newer, IDS)
    assert lab.router.images == ["zerotier/zerotier:1.14.3"]
    assert [line for line in lab.ledger() if line.startswith("image ")] == ["image zerotier/zerotier:1.14.3"]
    lab.destroy(newer)
    assert lab.router.images == []


def test_an_image_the_router_still_uses_elsewhere_is_kept_with_a_warning(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(RUNTIME_VYOS, IDS)
    lab.router.images_in_use.append("zerotier/zerotier:1.14.2")
    deleted = lab.run(render_delete_script(RUNTIME_VYOS, "r1"))
    assert deleted.status == 0
    assert "could not remove image zerotier/zerotier:1.14.2" in deleted.stderr
    assert lab.config() == []


def test_an_operators_route_to_the_peers_floating_ip_is_refused_naming_its_next_hops(tmp_path: Path) -> None:
    # Merged into the ECMP route, its next hop would carry some flows unencrypted over the underlay.
    theirs = ("set protocols static route 10.0.55.2/32 next-hop 192.168.7.1",)
    lab = Lab(tmp_path, theirs)
    run = lab.apply(K4)
    assert run.status == 1
    assert "already configured and not created by zt-ecmp: protocols static route 10.0.55.2/32 (next hops: 192.168.7.1)" in run.stderr
    assert lab.config() == lab.operator_only()


def test_a_route_an_earlier_version_recorded_as_a_plain_node_is_still_the_labs(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(K4)
    ledger = lab.state_dir / "gk41-r1.owned"
    route = "protocols static route 10.0.55.2/32"
    ledger.write_text(ledger.read_text().replace(f"anchor {route}\n", f"node {route}\n"))
    lab.update(K1)
    assert f"anchor {route}" in lab.ledger()
    lab.destroy(K1)
    assert lab.config() == []


def test_apply_fails_when_an_instance_never_joins_and_leaves_the_commit_unconfirmed(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.router.unjoined = ["ztecmp3"]
    run = lab.apply(RUNTIME_VYOS, IDS)
    assert run.status == 1
    assert "have not joined their path network (no planned address on: ztecmp3)" in run.stderr
    # Not confirmed: VyOS rolls it back unless a later confirm step finds every instance joined.
    assert lab.router.confirm_pending


def test_apply_returns_once_every_instance_has_joined(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    assert lab.apply(RUNTIME_VYOS, IDS).status == 0
