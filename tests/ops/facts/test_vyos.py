"""The VyOS getters: the lab's commit-confirm state, and VyOS's table of its containers."""

from __future__ import annotations

from datetime import UTC, datetime

from components.ops.facts.model import ByPath, CommitState, Instance, Unread
from components.ops.facts.needs import COMMIT_STATE, INSTANCES
from components.ops.shell import CommandOutput
from tests.ops.facts.read import asked, fact, r1_fact
from tests.ops.validate.gk41_r1 import healthy_r1
from tests.support.variants import linux_plan

COMMITTED = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
SHOW_CONTAINER = "/opt/vyatta/bin/vyatta-op-cmd-wrapper show container"


def test_the_commit_state_reads_the_lab_marker_and_the_commit_confirm_timer() -> None:
    assert asked(COMMIT_STATE) == [
        "cat /config/zt-ecmp/gk41-r1.owned.unconfirmed 2>/dev/null; /bin/systemctl is-active commit-confirm.timer || true"
    ]


def test_no_marker_means_every_update_was_confirmed() -> None:
    assert r1_fact(COMMIT_STATE) == CommitState("confirmed")


def test_a_marker_with_the_timer_armed_awaits_its_confirm_since_the_time_it_holds() -> None:
    assert r1_fact(COMMIT_STATE, "gk41-r1-awaiting-confirm") == CommitState("awaiting confirm", COMMITTED)


def test_a_marker_without_the_timer_was_reverted() -> None:
    assert r1_fact(COMMIT_STATE, "gk41-r1-reverted") == CommitState("reverted", COMMITTED)


def test_a_marker_without_a_time_leaves_the_time_unknown() -> None:
    answers = healthy_r1().answering(asked(COMMIT_STATE)[0], CommandOutput(0, "# apply digest 40ed08a7\ninactive\n"))
    assert fact(COMMIT_STATE, answers) == CommitState("reverted", None)


def test_a_linux_router_has_no_commit_confirm_and_is_asked_nothing_about_it() -> None:
    plan = linux_plan("gk41")
    assert asked(COMMIT_STATE, plan) == []


def test_one_table_lists_every_container() -> None:
    assert asked(INSTANCES) == [SHOW_CONTAINER]
    instances = r1_fact(INSTANCES)
    assert isinstance(instances, ByPath)
    assert instances.at(3) == Instance("zt-ecmp-gk41-path3", exists=True, running=True, state="Up 26 hours")


def test_an_exited_container_keeps_podmans_words_for_its_state() -> None:
    instances = r1_fact(INSTANCES, "gk41-r1-path3-container-exited")
    assert isinstance(instances, ByPath)
    assert instances.at(3) == Instance("zt-ecmp-gk41-path3", exists=True, running=False, state="Exited (1) 2 minutes ago")


def test_a_container_missing_from_the_table_does_not_exist() -> None:
    instances = r1_fact(INSTANCES, "gk41-r1-path4-container-missing")
    assert isinstance(instances, ByPath)
    assert instances.at(4) == Instance("zt-ecmp-gk41-path4", exists=False, running=False, state="missing")


def test_an_answer_without_the_table_leaves_every_container_unread_though_it_exits_0() -> None:
    # The op-mode wrapper exits 0 whatever its command did (vyatta-op functions/interpreter/vyatta-op-run):
    # an empty answer is not "no containers".
    instances = fact(INSTANCES, healthy_r1().answering(SHOW_CONTAINER, CommandOutput(0, "")))
    assert isinstance(instances, ByPath)
    assert {instances.at(index) for index in range(1, 5)} == {Unread("show container", "unparsed", "no container table: no output")}


def test_an_op_mode_command_the_router_lacks_leaves_the_containers_unread() -> None:
    # What _vyatta_op_run prints (and returns 1 for) when a word is not in the op-mode tree.
    answer = CommandOutput(1, "\n  Invalid command: show [container]\n\n")
    instances = fact(INSTANCES, healthy_r1().answering(SHOW_CONTAINER, answer))
    assert isinstance(instances, ByPath)
    assert instances.at(1) == Unread("show container", "missing", "Invalid command: show [container]")
