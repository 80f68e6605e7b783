"""VyOS commit: every update the lab committed on a VyOS router was confirmed.

An update never confirmed either awaits its confirm (VyOS's commit-confirm timer still armed) or was
reverted, so the router runs its previous configuration (on VyOS 1.4 it rebooted into its saved
configuration: vyos-1x python/vyos/config_mgmt.py, revert()). How that is read is the VyOS getter's
business (components/ops/facts/vyos.py); other flavors have no commit-confirm, and the check says
nothing about them.
"""

from __future__ import annotations

from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, Unread
from components.ops.facts.needs import COMMIT_STATE, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope

NAME = "vyos commit"
SUBJECT = "commit-confirm"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [COMMIT_STATE]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    state = facts[COMMIT_STATE]
    if isinstance(state, Absent):
        return []
    if isinstance(state, Unread):
        return [scope.result(NAME, SUBJECT, "fail", f"cannot read the commit-confirm state: {state.reason}")]
    if state.status == "confirmed":
        return [scope.result(NAME, SUBJECT, "pass", "every update of this stack was confirmed")]
    when = state.committed_at.strftime("%Y-%m-%d %H:%M:%S UTC") if state.committed_at else "an unknown time"
    if state.status == "awaiting confirm":
        return [
            scope.result(
                NAME,
                SUBJECT,
                "fail",
                f"the update committed at {when} is not confirmed yet: VyOS reverts it when its window ends "
                "(VyOS 1.4: by rebooting the router) unless pulumi up confirms it",
            )
        ]
    return [
        scope.result(
            NAME,
            SUBJECT,
            "fail",
            f"the router runs its previous configuration: the update committed at {when} was never confirmed, "
            "so VyOS reverted it (VyOS 1.4: by rebooting into its saved configuration); run pulumi up",
        )
    ]


CHECK = Check(NAME, needs, evaluate)
