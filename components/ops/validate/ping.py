"""The ping both reachability checks send, and the line of its answer they report."""

from __future__ import annotations

import shlex

from components.ops.shell import CommandOutput


def ping_command(address: str, source: str | None = None) -> str:
    # Two quick probes with a one-second wait: enough to tell a silent peer from a slow one, and a
    # dead lab fails in seconds rather than minutes.
    return shlex.join(["ping", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", *(["-I", source] if source else []), address])


def ping_summary(output: CommandOutput) -> str:
    """ping's statistics line (sent, received, loss), or why there is none."""
    for line in output.stdout.splitlines():
        if "packets transmitted" in line:
            return line.strip()
    return output.why()
