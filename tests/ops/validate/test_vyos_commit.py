"""VyOS commit: an update that was never confirmed is reported, and a reverted one as the router
running its previous configuration, not only as the failures that follow from it."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import DOCKER, failures, healthy_r1, results
from tests.support.vyos_plans import linux_plan


def test_a_router_whose_update_was_reverted_is_said_to_run_its_previous_configuration() -> None:
    assert failures(healthy_r1("gk41-r1-reverted")) == [
        (
            "vyos commit",
            "commit-confirm",
            "the router runs its previous configuration: the update committed at 2026-12-08 12:00:00 UTC was never "
            "confirmed, so VyOS reverted it (VyOS 1.4: by rebooting into its saved configuration); run pulumi up",
        )
    ]


def test_an_update_still_inside_its_window_is_said_to_await_its_confirm() -> None:
    assert failures(healthy_r1("gk41-r1-awaiting-confirm")) == [
        (
            "vyos commit",
            "commit-confirm",
            "the update committed at 2026-12-08 12:00:00 UTC is not confirmed yet: VyOS reverts it when its window ends "
            "(VyOS 1.4: by rebooting the router) unless pulumi up confirms it",
        )
    ]


def test_every_update_confirmed_passes_on_either_runtime() -> None:
    for plan in (None, DOCKER):
        verdicts = results("vyos commit", healthy_r1(), plan) if plan else results("vyos commit", healthy_r1())
        assert [(result.status, result.detail) for result in verdicts] == [("pass", "every update of this stack was confirmed")]


def test_a_linux_router_is_neither_asked_nor_reported() -> None:
    plan = linux_plan("gk41")
    assert results("vyos commit", {}, plan) == []
