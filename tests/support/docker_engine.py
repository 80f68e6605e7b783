"""A real Docker daemon on this machine for the `docker` tier: what answers, a tiny image, containers made by hand.

There is no registry here: the image is imported from a root filesystem holding busybox alone
(Debian's busybox-static), which is all a container needs to exist and to run ``sleep``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from components.model.naming import instance_owner_labels
from components.model.plan import LabPlan, build_plan
from tests.support.stacks import lab_config, stack_settings

BUSYBOX = Path("/bin/busybox")
IMAGE = "zt-ecmp-test/busybox:1"
# The engine the tests use: the environment's, or the daemon's default socket.
ENDPOINT = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")


def engine_plan(stack: str, endpoint: str = ENDPOINT) -> LabPlan:
    """gk41 as stack ``stack`` with r1 a Linux router whose Docker engine is ``endpoint`` (this machine's
    daemon by default); r2 as committed (VyOS containers)."""
    routers = stack_settings("gk41")["routers"]
    routers[0].update(flavor="linux", dockerHost=endpoint)
    return build_plan(lab_config("gk41", routers=routers), "zt-ecmp", stack)


def lab_labels(plan: LabPlan, path_index: int, router: str = "r1") -> dict[str, str]:
    """Every label the lab puts on the container of ``router``'s instance on the path (docker_runtime.py)."""
    end = plan.path(path_index).end(router)
    return {
        **instance_owner_labels(plan.project, plan.stack, path_index),
        "zt-ecmp.port": str(end.port),
        "zt-ecmp.interface": end.interface,
    }


def docker(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DOCKER_HOST": ENDPOINT}
    return subprocess.run(["docker", *argv], capture_output=True, text=True, check=check, timeout=60, env=environment)


@functools.cache
def unavailable() -> str | None:
    """Why the docker tier cannot run here, or None."""
    if shutil.which("docker") is None:
        return "no docker CLI (Debian: apt-get install docker.io)"
    if not BUSYBOX.exists():
        return f"no {BUSYBOX} to build the test image from (Debian: apt-get install busybox-static)"
    answered = docker("version", "--format", "{{.Server.Version}}", check=False)
    if answered.returncode != 0:
        return f"no Docker daemon answers at {ENDPOINT} (start dockerd; .ci/run does): {answered.stderr.strip()}"
    return None


@functools.cache
def busybox_image() -> str:
    """The test image, imported once per session from a root filesystem of busybox and its ``sleep``."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "rootfs.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(BUSYBOX, arcname="bin/busybox")
            link = tarfile.TarInfo("bin/sleep")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
        docker("import", str(archive), IMAGE)
    return IMAGE


def create_container(name: str, labels: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``docker create`` of a container that would sleep, as a provider's create makes one (not started)."""
    label_options = [option for key, value in labels.items() for option in ("--label", f"{key}={value}")]
    return docker("create", "--name", name, *label_options, busybox_image(), "/bin/sleep", "600", check=False)


def container_id(name: str) -> str | None:
    """The id of the container named exactly ``name``, or None."""
    found = docker("container", "inspect", "--format", "{{.Id}} {{.Name}}", name, check=False)
    if found.returncode != 0:
        return None
    identifier, shown = found.stdout.split()
    return identifier if shown == f"/{name}" else None


def remove_containers(*names: str) -> None:
    for name in names:
        docker("container", "rm", "--force", name, check=False)


SSHD_CANDIDATES = ("/usr/sbin/sshd",)


def sshd_binary() -> str | None:
    """An OpenSSH server to stand in for a router's (ZT_ECMP_TEST_SSHD names one elsewhere)."""
    named = os.environ.get("ZT_ECMP_TEST_SSHD")
    for candidate in (named,) if named else SSHD_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


@contextlib.contextmanager
def ssh_router(work: Path) -> Iterator[tuple[int, str, dict[str, str]]]:
    """(port, host key, environment): an sshd on 127.0.0.1 that lets root in with a key of its own,
    held by an ssh-agent whose socket the environment names, as an operator's agent holds the
    router's key. Its shell runs this machine's docker CLI, as a router's runs its own."""
    sshd = sshd_binary()
    assert sshd is not None
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / name)], check=True)
    (work / "authorized_keys").write_text((work / "client.pub").read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (work / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work}/host\nAuthorizedKeysFile {work}/authorized_keys\n"
        f"PidFile {work}/sshd.pid\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nLogLevel ERROR\n"
    )
    # sshd refuses to start without its privilege separation directory and user.
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    server = subprocess.Popen(_with_sshd_user(work, [sshd, "-D", "-e", "-f", str(work / "sshd_config")]), stderr=subprocess.PIPE, text=True)
    agent = work / "agent.sock"
    agent_process = subprocess.Popen(["ssh-agent", "-D", "-a", str(agent)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not agent.exists() or not _listening(port):
            assert server.poll() is None, server.stderr.read() if server.stderr else "sshd ended"
            assert time.monotonic() < deadline, "sshd or ssh-agent did not start"
            time.sleep(0.05)
        environment = {**os.environ, "SSH_AUTH_SOCK": str(agent)}
        subprocess.run(["ssh-add", "-q", str(work / "client")], check=True, env=environment, capture_output=True)
        host_key = " ".join((work / "host.pub").read_text().split()[:2])
        yield port, host_key, {"SSH_AUTH_SOCK": str(agent)}
    finally:
        server.terminate()
        agent_process.terminate()
        server.wait()
        agent_process.wait()


def _with_sshd_user(work: Path, argv: list[str]) -> list[str]:
    """``argv``, in a mount namespace of its own whose /etc/passwd and /etc/group have sshd's
    privilege separation user where this machine has none (its server was never installed)."""
    try:
        pwd.getpwnam("sshd")
        return argv
    except KeyError:
        pass
    (work / "passwd").write_text(Path("/etc/passwd").read_text() + "sshd:x:65500:65534::/run/sshd:/usr/sbin/nologin\n")
    binds = f"mount --bind {work}/passwd /etc/passwd && exec {shlex.join(argv)}"
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", binds]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
