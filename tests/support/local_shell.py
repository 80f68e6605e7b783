"""This machine as a router: a ``RouterShell`` that runs commands here, for tests on loopback."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput


@dataclass(frozen=True)
class LocalShell:
    """Both ends of a test on loopback: no ZeroTier and no underlay to ask about."""

    router: str
    zerotier_absent: str | None = "local"
    underlay_absent: str | None = "local"

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=timeout, check=False)
        return CommandOutput(done.returncode, done.stdout, done.stderr)

    def start(self, command: str) -> subprocess.Popen[str]:
        return subprocess.Popen(["sh", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
