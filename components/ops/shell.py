"""Running shell commands on a lab router: over pinned-key OpenSSH, or inside a network namespace.

The lab tools (validate, sweep) only see the ``RouterShell`` boundary: a command line in, its exit
status and output back. Commands are single shell strings because that is what ``ssh`` carries.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from components.model.plan import LabPlan, SshTarget
from components.render.ssh import openssh_pinning_options

DEFAULT_TIMEOUT_SECONDS = 60.0
SSH_CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class CommandOutput:
    returncode: int
    stdout: str
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def why(self) -> str:
        """The first thing the command complained about, for a failure reason."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return text[0] if text else f"exit status {self.returncode}, no output"


class RouterShell(Protocol):
    """A way to run commands on one router."""

    @property
    def router(self) -> str: ...

    @property
    def zerotier_absent(self) -> str | None:
        """Why this router has no ZeroTier containers to inspect (None on a real lab router)."""
        ...

    @property
    def underlay_absent(self) -> str | None:
        """Why this router has no physical underlay to inspect (None on a real lab router)."""
        ...

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput: ...

    def start(self, command: str) -> subprocess.Popen[str]:
        """Start ``command`` in the background (a server for the duration of a test), in its own session."""
        ...


def _run_local(argv: list[str], timeout: float) -> CommandOutput:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        return CommandOutput(124, str(expired.stdout or ""), f"timed out after {timeout:g} s")
    return CommandOutput(done.returncode, done.stdout, done.stderr)


def _start_local(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def stop_background(process: subprocess.Popen[str]) -> None:
    """Kill a background command and everything it started locally (its whole session)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


@dataclass(frozen=True)
class NetnsShell:
    """A router of the network-namespace lab: commands run with ``ip netns exec``."""

    router: str
    namespace: str
    zerotier_absent: str | None = "no ZeroTier here: the paths are veth links in a network-namespace lab"
    underlay_absent: str | None = "no underlay here: the paths are veth links inside one host"

    def argv(self, command: str) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, "sh", "-c", command]

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        return _run_local(self.argv(command), timeout)

    def start(self, command: str) -> subprocess.Popen[str]:
        return _start_local(self.argv(command))


@dataclass(frozen=True)
class SshShell:
    """A real router over OpenSSH, its host key pinned; a private key file or the operator's agent."""

    router: str
    target: SshTarget
    identity_file: Path | None = None
    zerotier_absent: str | None = None
    underlay_absent: str | None = None

    def argv(self, command: str) -> list[str]:
        identity = ["-i", str(self.identity_file), "-o", "IdentitiesOnly=yes"] if self.identity_file else []
        return [
            "ssh",
            *("-o", "BatchMode=yes", "-o", f"ConnectTimeout={SSH_CONNECT_TIMEOUT_SECONDS}", "-o", "LogLevel=ERROR"),
            *openssh_pinning_options(self.target),
            *identity,
            *("-p", str(self.target.port), "-l", self.target.user, self.target.host),
            command,
        ]

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        return _run_local(self.argv(command), timeout)

    def start(self, command: str) -> subprocess.Popen[str]:
        return _start_local(self.argv(command))


def _write_private_key(directory: Path, router: str, key: str) -> Path:
    path = directory / f"{router}.key"
    # Created owner-only from the start: the key is never readable by anyone else, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        # OpenSSH rejects a private key file without its final newline.
        handle.write(key if key.endswith("\n") else key + "\n")
    return path


@contextlib.contextmanager
def ssh_shells(plan: LabPlan, private_keys: Mapping[str, str]) -> Iterator[dict[str, SshShell]]:
    """One SshShell per router; key-authenticated routers get their key as a 0600 file that is removed on exit."""
    directory = Path(tempfile.mkdtemp(prefix="zt-ecmp-ssh-"))
    try:
        shells = {}
        for router in plan.routers:
            identity = None
            if router.ssh.auth == "key":
                if router.name not in private_keys:
                    raise KeyError(f"no private key for router {router.name} (setting {router.ssh.private_key_config})")
                identity = _write_private_key(directory, router.name, private_keys[router.name])
            shells[router.name] = SshShell(router=router.name, target=router.ssh, identity_file=identity)
        yield shells
    finally:
        shutil.rmtree(directory, ignore_errors=True)
