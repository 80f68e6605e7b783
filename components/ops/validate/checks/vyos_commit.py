"""VyOS commit: every update the lab committed on a VyOS router was confirmed.

The apply script writes a marker beside the ledger just before its commit-confirm, and the confirm
step (or the apply step, when it puts a failed commit back) removes it
(components/render/vyos/scripts.py). A marker left behind means an update was never confirmed: while
VyOS's commit-confirm timer is still armed it awaits its confirm; once the timer is gone VyOS has
reverted it, so the router runs its previous configuration (on VyOS 1.4 it rebooted into its saved
configuration: vyos-1x python/vyos/config_mgmt.py, revert()). The timer is read the way
config_mgmt.py reads it: systemd's state of commit-confirm.timer.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope
from components.render.vyos.scripts import SYSTEMCTL, unconfirmed_marker

NAME = "vyos commit"


def _command(scope: RouterScope) -> str:
    """The marker, if any, then the timer's state (`active` or `inactive`) on the last line."""
    marker = shlex.quote(unconfirmed_marker(scope.plan.stack, scope.router.name))
    return f"cat {marker} 2>/dev/null; {SYSTEMCTL} is-active commit-confirm.timer || true"


def commands(scope: RouterScope) -> list[str]:
    return [_command(scope)] if scope.router.flavor == "vyos" else []


def _committed_at(marker: str) -> str:
    """When the marker says the update was committed (its first word: seconds since the epoch)."""
    first = marker.split(maxsplit=1)[0] if marker.split() else ""
    if not first.isdigit():
        return "an unknown time"
    return datetime.fromtimestamp(int(first), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.router.flavor != "vyos":
        # Nothing to say: other flavors have no commit-confirm.
        return []
    output = observed[_command(scope)]
    if not output.ok:
        return [scope.result(NAME, "commit-confirm", "fail", f"cannot read the commit-confirm state: {output.why()}")]
    *marker, timer = output.stdout.strip().splitlines() or [""]
    if not marker:
        return [scope.result(NAME, "commit-confirm", "pass", "every update of this stack was confirmed")]
    when = _committed_at(marker[0])
    if timer == "active":
        return [
            scope.result(
                NAME,
                "commit-confirm",
                "fail",
                f"the update committed at {when} is not confirmed yet: VyOS reverts it when its window ends "
                "(VyOS 1.4: by rebooting the router) unless pulumi up confirms it",
            )
        ]
    return [
        scope.result(
            NAME,
            "commit-confirm",
            "fail",
            f"the router runs its previous configuration: the update committed at {when} was never confirmed, "
            "so VyOS reverted it (VyOS 1.4: by rebooting into its saved configuration); run pulumi up",
        )
    ]


CHECK = Check(NAME, commands, evaluate)
