"""VyOS commit: an update that was never confirmed is reported, and a reverted one as the router
running its previous configuration, not only as the failures that follow from it."""

from __future__ import annotations

from datetime import UTC, datetime

from components.ops.facts.model import Absent, CommitState, Unread
from components.ops.facts.needs import COMMIT_STATE
from components.ops.validate.checks.vyos_commit import CHECK
from tests.ops.validate.judged import verdicts

COMMITTED = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


def test_a_router_whose_update_was_reverted_is_said_to_run_its_previous_configuration() -> None:
    assert verdicts(CHECK, {COMMIT_STATE: CommitState("reverted", COMMITTED)}) == [
        (
            "commit-confirm",
            "fail",
            "the router runs its previous configuration: the update committed at 2026-12-08 12:00:00 UTC was never "
            "confirmed, so VyOS reverted it (VyOS 1.4: by rebooting into its saved configuration); run pulumi up",
        )
    ]


def test_an_update_still_inside_its_window_is_said_to_await_its_confirm() -> None:
    assert verdicts(CHECK, {COMMIT_STATE: CommitState("awaiting confirm", COMMITTED)}) == [
        (
            "commit-confirm",
            "fail",
            "the update committed at 2026-12-08 12:00:00 UTC is not confirmed yet: VyOS reverts it when its window ends "
            "(VyOS 1.4: by rebooting the router) unless pulumi up confirms it",
        )
    ]


def test_an_update_whose_commit_time_is_unknown_says_so() -> None:
    [(_, _, detail)] = verdicts(CHECK, {COMMIT_STATE: CommitState("reverted", None)})
    assert "the update committed at an unknown time was never confirmed" in detail


def test_every_update_confirmed_passes() -> None:
    assert verdicts(CHECK, {COMMIT_STATE: CommitState("confirmed")}) == [
        ("commit-confirm", "pass", "every update of this stack was confirmed")
    ]


def test_a_state_that_could_not_be_read_fails_saying_why() -> None:
    unread = Unread("commit-confirm state", "timeout", "timed out after 60 s")
    assert verdicts(CHECK, {COMMIT_STATE: unread}) == [
        ("commit-confirm", "fail", "cannot read the commit-confirm state: timed out after 60 s")
    ]


def test_a_router_without_commit_confirm_is_not_reported() -> None:
    assert verdicts(CHECK, {COMMIT_STATE: Absent("linux routers apply every change at once: there is no commit-confirm")}) == []
