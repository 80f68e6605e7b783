"""A real two-router lab on this kernel: two network namespaces joined by one veth pair per path.

Each veth pair stands in for one ZeroTier path: both ends carry the plan's interface name and
the path's /30, and an optional token bucket caps each direction at one instance's ceiling. The
routers themselves are configured only by running the rendered Linux scripts inside their
namespaces, so the lab tests those scripts and nothing else. Needs root; touches nothing outside
the namespaces it creates and a temporary directory standing in for the routers' /etc and /var.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from components.model.plan import LabPlan, RouterPlan, build_plan
from components.model.settings import LabConfig, parse_lab_config
from components.ops.iperf import IPERF_PORT, IperfReport, iperf3_server, run_client
from components.ops.shell import NetnsShell
from components.render.linux.routing import LinuxHostPaths, render_linux_apply, render_linux_undo

REQUIRED_TOOLS = ("ip", "tc", "iperf3", "ping")
# Token bucket queue: deep enough for TCP to fill the link, shallow enough to keep RTTs short.
TBF_LATENCY_MS = 25


def missing_requirements() -> list[str]:
    """Why the lab cannot run here (empty when it can)."""
    reasons = []
    if os.geteuid() != 0:
        reasons.append("needs root to create network namespaces")
    reasons += [f"needs `{tool}` on PATH" for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    return reasons


# The underlay the namespace routers are said to have: the paths are veth pairs, so nothing sends over it.
UNDERLAY_INTERFACE = "ulnk0"
UNUSED_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPu8J6W5f0z5lS0Jb2H9q1m1q8x5m7mCzK0fQ7YbQ6oU"


def netns_lab_config(paths: int, active: int | None = None, stack_settings: Mapping[str, object] | None = None) -> LabConfig:
    """Two Linux routers reached as local namespaces; floating IPs on lo (this kernel has no dummy driver)."""

    def router(name: str, position: int) -> dict[str, object]:
        return {
            "name": name,
            "flavor": "linux",
            # Reached with `ip netns exec`, never over SSH: the pinned key only satisfies the model.
            "ssh": {"host": f"{name}.netns.invalid", "user": "root", "auth": "agent", "hostKey": UNUSED_HOST_KEY},
            # No ZeroTier runs here, and nothing in the underlay is tuned unless a test asks for it.
            "underlay": {"interface": UNDERLAY_INTERFACE, "speed": "10G", "address": f"192.0.2.{position + 1}/24"},
        }

    raw: dict[str, object] = {
        "hardware": {"model": "network namespaces on this host", "performanceCores": os.cpu_count() or 1, "instanceGbps": 0.1},
        "routers": [router("r1", 0), router("r2", 1)],
        "paths": {"count": paths, "active": active if active is not None else paths},
        "addressing": {"floatingOn": "loopback"},
        **(stack_settings or {}),
    }
    return parse_lab_config(raw)


def netns_lab_plan(paths: int, active: int | None = None, stack: str = "netns") -> LabPlan:
    return build_plan(netns_lab_config(paths, active), "zt-ecmp", stack)


def _run(argv: Sequence[str], *, input_text: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), input=input_text, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` exited {result.returncode}: {result.stderr.strip() or result.stdout.strip()}")
    return result


@dataclass(frozen=True)
class RunOverPaths:
    """An iperf3 run between the floating IPs, and what each path interface of the sender transmitted meanwhile."""

    report: IperfReport
    link_tx_bytes: Mapping[str, int]

    @property
    def received_mbit(self) -> float:
        return self.report.received_bits_per_second / 1e6


@dataclass
class NetnsLab:
    plan: LabPlan
    prefix: str
    work_dir: Path
    rate_mbit: float | None = None
    namespaces: dict[str, str] = field(default_factory=dict)
    _created: list[str] = field(default_factory=list)

    def namespace(self, router: str) -> str:
        return self.namespaces[router]

    def shell(self, router: str) -> NetnsShell:
        """``router`` as the lab tools see any router (validate, iperf3)."""
        return NetnsShell(router, self.namespace(router))

    def shells(self) -> dict[str, NetnsShell]:
        return {router.name: self.shell(router.name) for router in self.plan.routers}

    def host_paths(self, router: str) -> LinuxHostPaths:
        """Each router's /etc and /var/lib, inside the work directory (both share this filesystem)."""
        root = self.work_dir / router
        return LinuxHostPaths(
            sysctl_dir=str(root / "etc/sysctl.d"), unit_dir=str(root / "etc/systemd/system"), state_root=str(root / "var/lib/zt-ecmp")
        )

    def exec(
        self, router: str, argv: Sequence[str], *, input_text: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return _run(["ip", "netns", "exec", self.namespace(router), *argv], input_text=input_text, check=check)

    # -- building and removing ------------------------------------------------------------------

    def build(self) -> None:
        for router in self.plan.routers:
            name = f"{self.prefix}-{router.name}"
            _run(["ip", "netns", "add", name])
            self._created.append(name)
            self.namespaces[router.name] = name
            # IPv6 off so that an idle path interface sends nothing at all (no router solicitations).
            self.exec(
                router.name,
                ["sh", "-c", 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 > "$f"; done; true'],
            )
            self.exec(router.name, ["ip", "link", "set", "lo", "up"])
        first, second = (router.name for router in self.plan.routers)
        for path in self.plan.paths:
            near, far = path.end(first), path.end(second)
            _run(
                [
                    "ip",
                    "-n",
                    self.namespace(first),
                    "link",
                    "add",
                    near.interface,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    far.interface,
                    "netns",
                    self.namespace(second),
                ]
            )
            for end in (near, far):
                ns = self.namespace(end.router)
                _run(["ip", "-n", ns, "addr", "add", str(end.address), "dev", end.interface])
                _run(["ip", "-n", ns, "link", "set", end.interface, "up"])
                if self.rate_mbit is not None:
                    self._limit(ns, end.interface, self.rate_mbit)
        self._await_carrier()

    def _await_carrier(self, timeout_seconds: float = 5.0) -> None:
        """veth carrier comes up asynchronously; observations before it would see a half-built lab."""
        deadline = time.monotonic() + timeout_seconds
        for router in self.plan.routers:
            wanted = set(self.plan.interfaces_on(router.name))
            while True:
                links = json.loads(self.exec(router.name, ["ip", "-j", "link", "show"]).stdout)
                down = wanted - {link["ifname"] for link in links if link.get("operstate") == "UP"}
                if not down:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"path links on {router.name} still down after {timeout_seconds} s: {sorted(down)}")
                time.sleep(0.02)

    @staticmethod
    def _limit(namespace: str, interface: str, rate_mbit: float) -> None:
        bytes_per_second = rate_mbit * 1e6 / 8
        # 10 ms of line rate rides out a busy CPU, and never less than one full 64 KiB GSO packet
        # plus headers, which tbf would otherwise have to segment at a cost in CPU.
        burst = max(70_000, int(bytes_per_second / 100))
        _run(
            [
                *("tc", "-n", namespace, "qdisc", "replace", "dev", interface, "root", "tbf"),
                *("rate", f"{rate_mbit}mbit", "burst", str(burst), "latency", f"{TBF_LATENCY_MS}ms"),
            ]
        )

    def teardown(self) -> None:
        for name in reversed(self._created):
            pids = _run(["ip", "netns", "pids", name], check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _run(["ip", "netns", "del", name], check=False)
        self._created.clear()
        shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- running the rendered scripts ----------------------------------------------------------

    def run_script(self, router: str, script: str) -> subprocess.CompletedProcess[str]:
        return self.exec(router, ["sh", "-s"], input_text=script)

    def apply(self, plan: LabPlan | None = None) -> None:
        """Render the apply scripts from ``plan`` (a K change, say) and run them on both routers."""
        if plan is not None:
            self.plan = plan
        for router in self.plan.routers:
            self.run_script(router.name, render_linux_apply(self.plan, router.name, self.host_paths(router.name)))

    def undo(self) -> None:
        for router in self.plan.routers:
            self.run_script(router.name, render_linux_undo(self.plan, router.name, self.host_paths(router.name)))

    # -- observing -----------------------------------------------------------------------------

    def state(self, router: str) -> str:
        """Everything the scripts may touch in a namespace, as text to compare before and after."""
        parts = [
            self.exec(router, ["ip", "-4", "addr", "show"]).stdout,
            self.exec(router, ["ip", "-4", "route", "show", "table", "all"]).stdout,
            self.exec(router, ["ip", "-d", "link", "show"]).stdout,
            self.exec(router, ["cat", "/proc/sys/net/ipv4/fib_multipath_hash_policy"]).stdout,
        ]
        return "\n".join(parts)

    def tx_bytes(self, router: str) -> dict[str, int]:
        links = json.loads(self.exec(router, ["ip", "-j", "-s", "link", "show"]).stdout)
        by_name = {link["ifname"]: int(link["stats64"]["tx"]["bytes"]) for link in links}
        return {name: by_name[name] for name in self.plan.interfaces_on(router)}

    def ping(self, router: str, count: int = 1, timeout_seconds: int = 2) -> bool:
        """One router's floating IP to the other's, sourced from its own floating IP."""
        own = self.plan.router(router)
        argv = [
            "ping",
            "-n",
            "-q",
            "-c",
            str(count),
            "-W",
            str(timeout_seconds),
            "-I",
            str(own.floating_ip.ip),
            str(self._peer(router).floating_ip.ip),
        ]
        return self.exec(router, argv, check=False).returncode == 0

    def _peer(self, router: str) -> RouterPlan:
        """The router at the other end of ``router``'s first route."""
        return self.plan.router(self.plan.router(router).routes[0].peer)

    def iperf(self, client: str, flows: int, seconds: float, port: int = IPERF_PORT) -> RunOverPaths:
        """iperf3 from ``client``'s floating IP to its peer's, ``flows`` parallel TCP streams."""
        own, peer = self.plan.router(client), self._peer(client)
        server_ip, client_ip = str(peer.floating_ip.ip), str(own.floating_ip.ip)
        with iperf3_server(self.shell(peer.name), server_ip, seconds=seconds, port=port):
            # Read right around the client alone, so the counters hold the test's traffic and no more.
            before = self.tx_bytes(client)
            report = run_client(self.shell(client), server_ip=server_ip, client_ip=client_ip, flows=flows, seconds=seconds, port=port)
            after = self.tx_bytes(client)
        return RunOverPaths(report=report, link_tx_bytes={name: after[name] - before[name] for name in before})


@contextlib.contextmanager
def netns_lab(plan: LabPlan, *, prefix: str | None = None, rate_mbit: float | None = None) -> Iterator[NetnsLab]:
    """The two namespaces with their path links, not yet configured; always removed on the way out."""
    reasons = missing_requirements()
    if reasons:
        raise RuntimeError("the network-namespace lab cannot run here: " + "; ".join(reasons))
    lab = NetnsLab(
        plan=plan,
        prefix=prefix or f"zte-{os.getpid()}",
        work_dir=Path(tempfile.mkdtemp(prefix="zt-ecmp-netns-")),
        rate_mbit=rate_mbit,
    )
    try:
        lab.build()
        yield lab
    finally:
        lab.teardown()
