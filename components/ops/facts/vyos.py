"""Getters for what only VyOS answers: its commit-confirm state and its containers' table.

Op-mode commands run through /opt/vyatta/bin/vyatta-op-cmd-wrapper, which exits 0 whatever the
command it ran did (vyatta-op `functions/interpreter/vyatta-op-run`, `_vyatta_op_run`: `local ret=0`,
`eval "$run_cmd"`, `return $ret`): an answer is judged by what it printed, never by its exit status.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

from components.ops.facts.getter import Getter, Target, failed, unparsed
from components.ops.facts.model import Absent, ByPath, CommitState, Instance, Unread
from components.ops.facts.needs import CommitStateNeed, InstancesNeed
from components.ops.shell import CommandOutput
from components.render.vyos.configuration import OP_MODE
from components.render.vyos.scripts import SYSTEMCTL, unconfirmed_marker

# -- commit-confirm --------------------------------------------------------------------------------
#
# The apply script writes a marker beside the ledger just before its commit-confirm, and the confirm
# step (or the apply step, when it puts a failed commit back) removes it
# (components/render/vyos/scripts.py). A marker left behind means an update was never confirmed:
# while VyOS's commit-confirm timer is still armed it awaits its confirm; once the timer is gone VyOS
# has reverted it (on VyOS 1.4 by rebooting into its saved configuration: vyos-1x
# python/vyos/config_mgmt.py, revert()). The timer is read the way config_mgmt.py reads it: systemd's
# state of commit-confirm.timer.


def _commit_command(target: Target, need: CommitStateNeed) -> tuple[str, ...]:
    """The marker, if any, then the timer's state (`active` or `inactive`) on the last line."""
    marker = shlex.quote(unconfirmed_marker(target.plan.stack, target.router.name))
    return (f"cat {marker} 2>/dev/null; {SYSTEMCTL} is-active commit-confirm.timer || true",)


def _committed_at(marker: str) -> datetime | None:
    """When the marker says the update was committed (its first word: seconds since the epoch)."""
    words = marker.split(maxsplit=1)
    return datetime.fromtimestamp(int(words[0]), UTC) if words and words[0].isdigit() else None


def _read_commit_state(target: Target, need: CommitStateNeed, outputs: tuple[CommandOutput, ...]) -> CommitState | Absent | Unread:
    [output] = outputs
    if not output.ok:
        return failed(output, "commit-confirm state")
    *marker, timer = output.stdout.strip().splitlines() or [""]
    if not marker:
        return CommitState("confirmed")
    return CommitState("awaiting confirm" if timer == "active" else "reverted", _committed_at(marker[0]))


COMMIT_STATE = Getter(_commit_command, _read_commit_state)

# -- containers: one table for all of them ---------------------------------------------------------

SHOW_CONTAINER = f"{OP_MODE} show container"


def container_statuses(text: str) -> dict[str, str] | None:
    """Container name to status from ``show container`` (podman's table: columns by header position);
    None where there is no table (vyos-1x src/op_mode/container.py prints `podman ps --all`)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next((line for line in lines if line.startswith("CONTAINER ID")), None)
    if header is None:
        return None
    status_at, ports_at, names_at = header.index("STATUS"), header.index("PORTS"), header.index("NAMES")
    return {line[names_at:].strip(): line[status_at:ports_at].strip() for line in lines[lines.index(header) + 1 :]}


def _read_instances(target: Target, need: InstancesNeed, outputs: tuple[CommandOutput, ...]) -> ByPath[Instance | Unread] | Absent:
    [output] = outputs
    statuses = container_statuses(output.stdout)
    if statuses is None:
        # The wrapper exits 0 whatever happened: no table is the failure, whatever the exit status.
        unread = failed(output, "show container") if not output.ok else unparsed(output, "show container", "no container table")
        return ByPath(tuple((path.index, unread) for path in target.plan.paths))
    entries: list[tuple[int, Instance | Unread]] = []
    for path in target.plan.paths:
        name = target.container(path.index)
        if name in statuses:
            entries.append((path.index, Instance(name, exists=True, running=statuses[name].startswith("Up"), state=statuses[name])))
        else:
            entries.append((path.index, Instance(name, exists=False, running=False, state="missing")))
    return ByPath(tuple(entries))


INSTANCES = Getter(lambda target, need: (SHOW_CONTAINER,), _read_instances)
