"""The namespace lab's routers reached over real OpenSSH, as the lab tools reach a deployed lab's.

Each router namespace runs its own sshd (Debian's openssh-server) on a management link, with a host
key made for the lab; the lab tools' ``ssh`` runs in one more namespace, ``<prefix>-ssh``, joined to
every router by a veth pair of its own (a /30 each out of ``MANAGEMENT_NETWORK``) and holding no other
route. So a router answers only on its management address, with the host key the plan pins, to the
client key the lab made, and an address outside those /30s is one the client has no route to: the
unreachable router, without a packet leaving the host.

Nothing here touches the host: sshd's configuration, keys and logs live in the lab's work directory,
and sshd runs in the router's namespace with ``PidFile none``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from components.model.plan import LabPlan, SshTarget
from components.model.settings import DEFAULT_PRIVATE_KEY_SETTING
from components.netns.lab import NetnsLab
from components.ops.shell import NETNS_NO_UNDERLAY, NETNS_NO_ZEROTIER, SshShells, ssh_shells

SSHD = Path("/usr/sbin/sshd")
# sshd refuses to start without its privilege separation user (openssh-portable sshd.c: "Privilege
# separation user sshd does not exist").
PRIVSEP_USER = "sshd"
MANAGEMENT_NETWORK = ipaddress.IPv4Network("10.255.255.0/24")
# No /30 of the management links holds it: the client namespace has no route there.
UNROUTED_ADDRESS = ipaddress.IPv4Address("10.255.254.1")
CLIENT_NAMESPACE = "ssh"
ROUTER_INTERFACE = "mgmt0"
LOGIN_USER = "root"
SSHD_START_SECONDS = 10.0
# What sshd and its sessions see of this host's files, set up in the mount namespace of their own that
# `ip netns exec` gives them, whose mounts do not propagate back (iproute2 lib/namespace.c,
# netns_switch: unshare(CLONE_NEWNS), then / made MS_SLAVE | MS_REC), so nothing else sees them:
# - the login user's home, empty: a router's home holds none of this host's root's dotfiles, whose
#   shell startup bash would source for every command over SSH, and which is not the lab's to measure;
# - /run, empty but for sshd's privilege separation directory, which sshd refuses to start without
#   (openssh-portable sshd.c: "Missing privilege separation directory") and which this host may lack.
SSHD_MOUNTS = (
    'home=$1; shift; mount -t tmpfs -o mode=0700 zt-ecmp-home "$home" && '
    'mount -t tmpfs -o mode=0755 zt-ecmp-run /run && mkdir -m 0755 /run/sshd && exec "$@"'
)


def missing_ssh_requirements() -> list[str]:
    """Why the routers cannot run sshd here (empty when they can)."""
    import pwd
    import shutil

    reasons = []
    if not SSHD.is_file():
        reasons.append(f"needs {SSHD} (Debian's openssh-server)")
    try:
        pwd.getpwnam(PRIVSEP_USER)
    except KeyError:
        reasons.append(f"needs sshd's privilege separation user {PRIVSEP_USER!r} (made by openssh-server)")
    reasons += [f"needs `{tool}` on PATH" for tool in ("ssh", "ssh-keygen") if shutil.which(tool) is None]
    return reasons


def _home() -> str:
    import pwd

    return pwd.getpwnam(LOGIN_USER).pw_dir


def management_link(position: int) -> tuple[ipaddress.IPv4Interface, ipaddress.IPv4Interface]:
    """(the router's end, the client's end) of router ``position``'s management /30."""
    subnet = list(MANAGEMENT_NETWORK.subnets(new_prefix=30))[position]
    return (
        ipaddress.IPv4Interface(f"{subnet.network_address + 1}/30"),
        ipaddress.IPv4Interface(f"{subnet.network_address + 2}/30"),
    )


def _run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _key_pair(path: Path, comment: str) -> str:
    """A new ed25519 key pair at ``path`` (private) and ``path``.pub; returns the public key as ``type base64``."""
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)])
    kind, key, *_ = path.with_suffix(".pub").read_text().split()
    return f"{kind} {key}"


def sshd_config(listen: ipaddress.IPv4Address, host_key: Path, authorized_keys: Path) -> str:
    """One router's sshd: its management address alone, its own host key, public keys only."""
    return "\n".join(
        [
            f"ListenAddress {listen}:22",
            f"HostKey {host_key}",
            f"AuthorizedKeysFile {authorized_keys}",
            "PidFile none",
            # The work directory sits in /tmp, which is writable by all: StrictModes would refuse the keys there.
            "StrictModes no",
            # PAM's session modules (loginuid) expect a real login; public keys need none of them.
            "UsePAM no",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            # INFO logs each login ("Accepted publickey for root from ..."): the tests count them.
            "LogLevel INFO",
            "",
        ]
    )


@dataclass
class SshAccess:
    """The lab's routers as a deployed lab's: the plan with their SSH targets, the client key, and how ssh is started."""

    plan: LabPlan
    private_keys: dict[str, str]
    # What starts ssh: in the client namespace.
    launcher: tuple[str, ...]
    client_namespace: str
    logs: dict[str, Path]
    _servers: dict[str, subprocess.Popen[bytes]] = dataclasses.field(default_factory=dict)

    def logins(self, router: str) -> int:
        """How many SSH logins ``router``'s sshd accepted so far."""
        return self.logs[router].read_text(errors="replace").count("Accepted publickey for")

    @contextlib.contextmanager
    def shells(self, plan: LabPlan | None = None) -> Iterator[SshShells]:
        """The routers' SSH shells, as the lab tools get them for a deployed lab (``plan``: another view of the lab)."""
        with ssh_shells(
            plan or self.plan,
            self.private_keys,
            launcher=self.launcher,
            zerotier_absent=NETNS_NO_ZEROTIER,
            underlay_absent=NETNS_NO_UNDERLAY,
        ) as shells:
            yield shells

    def unreachable(self, router: str) -> LabPlan:
        """The plan with ``router`` at an address the client namespace has no route to."""
        return _with_targets(self.plan, {router: dataclasses.replace(self.plan.router(router).ssh, host=str(UNROUTED_ADDRESS))})

    def stop(self) -> None:
        for server in self._servers.values():
            if server.poll() is None:
                server.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=5)
            if server.poll() is None:
                server.kill()
                server.wait()
        self._servers.clear()


def _with_targets(plan: LabPlan, targets: dict[str, SshTarget]) -> LabPlan:
    routers = tuple(dataclasses.replace(router, ssh=targets[router.name]) if router.name in targets else router for router in plan.routers)
    return dataclasses.replace(plan, routers=routers)


def _await_listening(log: Path, server: subprocess.Popen[bytes], router: str) -> None:
    deadline = time.monotonic() + SSHD_START_SECONDS
    while "Server listening on" not in log.read_text(errors="replace"):
        if server.poll() is not None:
            said = log.read_text(errors="replace").strip().splitlines()
            raise RuntimeError(f"sshd on {router} exited {server.returncode}: {said[-1] if said else 'no message'}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"sshd on {router} did not listen within {SSHD_START_SECONDS:g} s")
        time.sleep(0.02)


@contextlib.contextmanager
def ssh_access(lab: NetnsLab) -> Iterator[SshAccess]:
    """sshd on every router of a built lab, a client namespace to reach them from; stopped on exit."""
    if reasons := missing_ssh_requirements():
        raise RuntimeError("the routers cannot run sshd here: " + "; ".join(reasons))
    if CLIENT_NAMESPACE in lab.plan.router_names:
        raise ValueError(f"a lab router may not be named {CLIENT_NAMESPACE!r}: the SSH client's namespace is <prefix>-{CLIENT_NAMESPACE}")
    folder = lab.work_dir / "ssh"
    folder.mkdir(mode=0o700)
    client_key = folder / "client"
    authorized = folder / "authorized_keys"
    authorized.write_text(_key_pair(client_key, "zt-ecmp namespace lab") + "\n")
    client = f"{lab.prefix}-{CLIENT_NAMESPACE}"
    lab.add_namespace(client)
    access = SshAccess(lab.plan, {}, ("ip", "netns", "exec", client), client, {})
    targets = {}
    try:
        for router in lab.plan.routers:
            near, far = management_link(router.position)
            peer = f"m{router.position + 1}"
            _run(
                [
                    "ip",
                    "-n",
                    lab.namespace(router.name),
                    "link",
                    "add",
                    ROUTER_INTERFACE,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    peer,
                    "netns",
                    client,
                ]
            )
            _run(["ip", "-n", lab.namespace(router.name), "addr", "add", str(near), "dev", ROUTER_INTERFACE])
            _run(["ip", "-n", lab.namespace(router.name), "link", "set", ROUTER_INTERFACE, "up"])
            _run(["ip", "-n", client, "addr", "add", str(far), "dev", peer])
            _run(["ip", "-n", client, "link", "set", peer, "up"])
            host_key = folder / f"{router.name}-host"
            public = _key_pair(host_key, f"{router.name} host key")
            config = folder / f"{router.name}-sshd_config"
            config.write_text(sshd_config(near.ip, host_key, authorized))
            log = folder / f"{router.name}-sshd.log"
            access.logs[router.name] = log
            with log.open("wb") as errors:
                access._servers[router.name] = subprocess.Popen(
                    [
                        *("ip", "netns", "exec", lab.namespace(router.name)),
                        *("sh", "-c", SSHD_MOUNTS, "zt-ecmp-sshd", _home()),
                        *(str(SSHD), "-D", "-e", "-f", str(config)),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    start_new_session=True,
                )
            targets[router.name] = SshTarget(str(near.ip), 22, LOGIN_USER, "key", DEFAULT_PRIVATE_KEY_SETTING, public)
        for router in lab.plan.routers:
            _await_listening(access.logs[router.name], access._servers[router.name], router.name)
        key = client_key.read_text()
        access.plan = _with_targets(lab.plan, targets)
        access.private_keys = {router.name: key for router in lab.plan.routers}
        client_key.chmod(0o600)
        yield access
    finally:
        access.stop()
