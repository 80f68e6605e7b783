"""Running shell commands on a lab router: over pinned-key OpenSSH, or inside a network namespace.

The lab tools only see two boundaries. ``RouterShell``: a command line in, its exit status and
output back (the sweep's iperf3 runs). ``RouterSession``: a router reached once per run (``connect``
says why it cannot be) and asked many commands at once (``run_all``), which validate, status and
collect use. Commands are single shell strings because that is what ``ssh`` carries.

Over SSH a run opens one connection per router, an OpenSSH master (ControlMaster) whose control
socket lives in a private temporary directory made for the run, and closes it at the end. Every
command of the run goes through it, and ``run_all`` sends all of a router's commands as one script
(``batch``) whose answers come back framed: one login and one round trip per router, however many
commands the checks need.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from components.model.plan import LabPlan, SshTarget
from components.ops import batch
from components.render.ssh import openssh_pinning_options

DEFAULT_TIMEOUT_SECONDS = 60.0
SSH_CONNECT_TIMEOUT_SECONDS = 10
# What ssh exits with when it failed itself; a command that got no answer is reported with it.
SSH_FAILED = 255
# What a master connection may take beyond its TCP connect: key exchange and authentication.
SSH_LOGIN_SECONDS = 10.0
# A Unix socket path holds at most 103 bytes on macOS and the BSDs (104 with its terminating zero; 108
# on Linux); while binding, ssh adds a dot and 16 random characters (openssh-portable mux.c,
# muxserver_listen).
SOCKET_PATH_MAX_BYTES = 103
SOCKET_BINDING_EXTRA_BYTES = len(".") + 16


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


class RouterSession(RouterShell, Protocol):
    """A router the lab tools reach once per run and ask many commands at once."""

    @property
    def address(self) -> str:
        """Where the router is reached, for a line saying it cannot be: ``192.0.2.41:22``."""
        ...

    def connect(self) -> str | None:
        """Reach the router for the rest of the run; None once reached, else why it cannot be (the SSH error)."""
        ...

    def run_all(self, commands: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, CommandOutput]:
        """Every command's output, each run once, ``timeout`` seconds at most each; asked all at once."""
        ...


def _run_local(argv: list[str], timeout: float) -> CommandOutput:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        return CommandOutput(124, str(expired.stdout or ""), f"timed out after {timeout:g} s")
    return CommandOutput(done.returncode, done.stdout, done.stderr)


def _output(answer: batch.Answer, timeout: float, where: str) -> CommandOutput:
    stdout, stderr = answer.stdout.decode(errors="replace"), answer.stderr.decode(errors="replace")
    if answer.returncode in batch.TIMED_OUT_STATUSES:
        # As the shells report a command they stopped (124, "timed out ..."), which the getters read as a timeout.
        return CommandOutput(124, stdout, f"timed out after {timeout:g} s {where}\n{stderr}")
    if answer.returncode == batch.NOT_RUN:
        return CommandOutput(SSH_FAILED, stdout, f"not run {where}: the batch stopped before it\n{stderr}")
    return CommandOutput(answer.returncode, stdout, stderr)


def _run_batch_local(argv: list[str], commands: Sequence[str], timeout: float, where: str) -> dict[str, CommandOutput]:
    """``commands`` as one framed script fed to ``argv`` (a shell reading its standard input): each
    command's output, or for those the script did not answer, why (the shell's or ssh's own words)."""
    unique = tuple(dict.fromkeys(commands))
    if not unique:
        return {}
    script = batch.Batch(unique, timeout)
    try:
        done = subprocess.run(argv, input=script.text.encode(), capture_output=True, timeout=script.wall_seconds, check=False)
    except subprocess.TimeoutExpired as expired:
        stopped = CommandOutput(124, "", f"timed out after {expired.timeout:g} s: the batch of {len(unique)} commands {where}")
        return dict.fromkeys(unique, stopped)
    answers = {command: _output(answer, timeout, where) for command, answer in script.read(done.stdout).items()}
    if len(answers) < len(unique):
        said = done.stderr.decode(errors="replace").strip()
        missing = CommandOutput(done.returncode or SSH_FAILED, "", said or f"no answer {where} (exit status {done.returncode})")
        answers.update({command: missing for command in unique if command not in answers})
    return answers


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


# What a router of the network-namespace lab has none of, however it is reached.
NETNS_NO_ZEROTIER = "no ZeroTier here: the paths are veth links in a network-namespace lab"
NETNS_NO_UNDERLAY = "no underlay here: the paths are veth links inside one host"


@dataclass(frozen=True)
class NetnsShell:
    """A router of the network-namespace lab: commands run with ``ip netns exec``."""

    router: str
    namespace: str
    zerotier_absent: str | None = NETNS_NO_ZEROTIER
    underlay_absent: str | None = NETNS_NO_UNDERLAY

    @property
    def address(self) -> str:
        return f"network namespace {self.namespace}"

    def argv(self, command: str) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, "sh", "-c", command]

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        return _run_local(self.argv(command), timeout)

    def run_all(self, commands: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, CommandOutput]:
        return _run_batch_local(["ip", "netns", "exec", self.namespace, "sh", "-s"], commands, timeout, f"in {self.namespace}")

    def connect(self) -> str | None:
        entered = _run_local(["ip", "netns", "exec", self.namespace, "true"], SSH_CONNECT_TIMEOUT_SECONDS)
        return None if entered.ok else entered.why()

    def start(self, command: str) -> subprocess.Popen[str]:
        return _start_local(self.argv(command))


# Runs the master ("$@") under a shell that ends it once this process is gone, however it went: the
# shell's standard input is a pipe only this process writes to, and a reader of it (on a descriptor of
# its own: a background list's standard input is /dev/null otherwise, POSIX sh "Asynchronous Lists")
# sees end-of-file when the pipe's last writer dies, SIGKILL included, and ends the master. The shell
# exits with the master's status.
MASTER_WATCH = (
    'exec 3<&0; "$@" </dev/null & master=$!; '
    '{ read -r _ <&3; kill "$master" 2>/dev/null; } & reader=$!; '
    'wait "$master"; status=$?; kill "$reader" 2>/dev/null; exit "$status"'
)


class _Master:
    """One router's OpenSSH master connection: started by ``open``, ended by ``close`` or with this process."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        self.error: str | None = None

    def open(self, argv: list[str], socket: Path, log: Path, timeout: float) -> str | None:
        """Start the master (``ssh -M -N``) and wait until its control socket listens, or say why it did not.

        ssh binds the control socket once it has logged in, under a temporary name it then links to
        ``socket`` (openssh-portable mux.c, muxserver_listen): the socket existing means the master is ready.
        """
        with self.lock:
            if self.process is not None and self.process.poll() is None and socket.exists():
                return None
            if self.error is not None:
                return self.error
            with log.open("wb") as errors:
                self.process = subprocess.Popen(
                    ["sh", "-c", MASTER_WATCH, "zt-ecmp-ssh-master", *argv],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    start_new_session=True,
                )
            deadline = time.monotonic() + timeout
            while not socket.exists():
                if self.process.poll() is not None:
                    said = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
                    self.error = said[-1] if said else f"ssh exited with status {self.process.returncode} and said nothing"
                    return self.error
                if time.monotonic() > deadline:
                    self.close()
                    self.error = f"no login within {timeout:g} s"
                    return self.error
                time.sleep(0.01)
            return None

    def close(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # The master is the one ssh of this run that stays: SIGTERM ends its client loop, and ssh unlinks
        # its control socket as it leaves (openssh-portable ssh.c, after ssh_session2; clientloop.c,
        # cleanup_exit). The run's folder goes with it anyway. Its session holds the master, the shell
        # watching it and the reader: all of them get it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdin is not None:
            process.stdin.close()


@dataclass(frozen=True)
class SshShell:
    """A real router over OpenSSH, its host key pinned; a private key file or the operator's agent.

    With a ``control_path``, ``connect`` opens the run's one connection to the router and every later
    command goes through it. ``launcher`` is what starts ``ssh``: nothing on a real lab; ``ip netns exec
    <namespace>`` where the routers are reached from a namespace of the network-namespace lab.
    """

    router: str
    target: SshTarget
    identity_file: Path | None = None
    zerotier_absent: str | None = None
    underlay_absent: str | None = None
    control_path: Path | None = None
    launcher: tuple[str, ...] = ()
    _master: _Master = field(default_factory=_Master, compare=False, repr=False)

    @property
    def address(self) -> str:
        host = f"[{self.target.host}]" if ":" in self.target.host else self.target.host
        return f"{self.target.user}@{host}:{self.target.port}"

    def options(self, *, master: bool = False, shared: bool = True) -> list[str]:
        """Everything but the command: pinned host key, the key (or the agent), the control socket (unless
        not ``shared``), user, port, host."""
        identity = ["-i", str(self.identity_file), "-o", "IdentitiesOnly=yes"] if self.identity_file else []
        control = []
        if self.control_path is not None and shared:
            # A client goes through the master's socket; ControlMaster=no still connects by itself should
            # the socket be gone, with the same pinned key.
            control = ["-o", f"ControlPath={self.control_path}", "-o", f"ControlMaster={'yes' if master else 'no'}"]
        return [
            *("-o", "BatchMode=yes", "-o", f"ConnectTimeout={SSH_CONNECT_TIMEOUT_SECONDS}", "-o", "LogLevel=ERROR"),
            *openssh_pinning_options(self.target),
            *identity,
            *control,
            *("-p", str(self.target.port), "-l", self.target.user, self.target.host),
        ]

    def argv(self, command: str) -> list[str]:
        return [*self.launcher, "ssh", *self.options(), command]

    def master_argv(self) -> list[str]:
        """The run's one connection: a master that runs nothing itself (-N), listening on the control
        socket while it lives (ControlPersist=no: it ends with its process, never lingers in the background)."""
        if self.control_path is None:
            raise ValueError(f"{self.router}: no control socket to open a master connection on")
        return [*self.launcher, "ssh", "-N", "-o", "ControlPersist=no", *self.options(master=True)]

    def connect(self) -> str | None:
        if self.control_path is None:
            return None
        log = self.control_path.with_suffix(".log")
        return self._master.open(self.master_argv(), self.control_path, log, SSH_CONNECT_TIMEOUT_SECONDS + SSH_LOGIN_SECONDS)

    def close(self) -> None:
        self._master.close()

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        return _run_local(self.argv(command), timeout)

    def run_all(self, commands: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, CommandOutput]:
        # The router's login shell runs `sh -s`, which reads the script; each command in it runs under
        # the login shell again ($SHELL -c), as sshd would have run it alone (batch.py).
        return _run_batch_local(self.argv("sh -s"), commands, timeout, f"on {self.router}")

    def start(self, command: str) -> subprocess.Popen[str]:
        return _start_local(self.argv(command))

    def session_argv(self, command: Sequence[str] = ()) -> list[str]:
        """A login of its own for a person at a terminal: an interactive shell, or ``command`` (its words
        joined with spaces, as ssh joins them, for the router's login shell to run)."""
        return [*self.launcher, "ssh", *self.options(shared=False), *([" ".join(command)] if command else [])]

    def session(self, command: Sequence[str] = ()) -> int:
        """Run ``session_argv`` on this terminal: ssh gets its standard input, output and error, and the
        terminal's Ctrl-C (ssh passes it on in an interactive session); its exit status back."""
        process = subprocess.Popen(self.session_argv(command))
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            return process.wait()
        finally:
            signal.signal(signal.SIGINT, previous)


def _write_private_key(directory: Path, name: str, key: str) -> Path:
    path = directory / f"{name}.key"
    # Created owner-only from the start: the key is never readable by anyone else, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        # OpenSSH rejects a private key file without its final newline.
        handle.write(key if key.endswith("\n") else key + "\n")
    return path


def private_directory() -> Path:
    """A directory only this user may enter, for key files and control sockets, short enough for a socket path.

    Private, because ssh trusts whatever listens on a control socket path before it checks anything
    (openssh-portable ssh.c, main(): muxclient() runs before ssh_connect()); made for this run alone
    by mkdtemp (mode 0700), so nobody else can have put a socket there first.
    """
    directory = Path(tempfile.mkdtemp(prefix="zt-ecmp-ssh-"))
    # The longest socket is <directory>/<position>.sock plus ssh's binding suffix.
    if len(str(directory / "99.sock").encode()) + SOCKET_BINDING_EXTRA_BYTES > SOCKET_PATH_MAX_BYTES:
        shutil.rmtree(directory, ignore_errors=True)
        directory = Path(tempfile.mkdtemp(prefix="zt-ecmp-ssh-", dir="/tmp"))
    return directory


class SshShells(dict[str, SshShell]):
    """One SshShell per router, by name; ``connect`` reaches them all at once."""

    def connect(self, routers: Sequence[str] | None = None) -> dict[str, str]:
        """Open the connection of every router named (all by default) in parallel; why each one that failed did."""
        return connect_all({name: self[name] for name in (routers if routers is not None else list(self))})


def connect_all(sessions: Mapping[str, RouterSession]) -> dict[str, str]:
    """Reach every router at once; the SSH error of each one that cannot be reached, by router."""
    if not sessions:
        return {}
    errors: dict[str, str | None] = {}
    threads = [threading.Thread(target=lambda name=name: errors.__setitem__(name, sessions[name].connect())) for name in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {name: error for name in sessions if (error := errors.get(name)) is not None}


@contextlib.contextmanager
def ssh_shells(
    plan: LabPlan,
    private_keys: Mapping[str, str],
    *,
    launcher: Sequence[str] = (),
    zerotier_absent: str | None = None,
    underlay_absent: str | None = None,
) -> Iterator[SshShells]:
    """One SshShell per router. Key-authenticated routers get their key as a 0600 file; every router's
    master connection (once ``connect`` opened it) is closed and the key files removed on exit."""
    directory = private_directory()
    shells = SshShells()
    try:
        for router in plan.routers:
            identity = None
            if router.ssh.auth == "key":
                if router.name not in private_keys:
                    raise KeyError(f"no private key for router {router.name} (setting {router.ssh.private_key_config})")
                identity = _write_private_key(directory, router.name, private_keys[router.name])
            shells[router.name] = SshShell(
                router=router.name,
                target=router.ssh,
                identity_file=identity,
                zerotier_absent=zerotier_absent,
                underlay_absent=underlay_absent,
                control_path=directory / f"{router.position}.sock",
                launcher=tuple(launcher),
            )
        yield shells
    finally:
        for shell in shells.values():
            shell.close()
        shutil.rmtree(directory, ignore_errors=True)
