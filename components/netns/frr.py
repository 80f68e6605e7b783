"""Real FRR daemons on the routers of the network-namespace lab.

Each router namespace gets its own zebra, ospfd and bfdd, started as the ``frr`` user with every
path of theirs (configuration, pid files, vty and zebra sockets) in a private directory, so they
never meet the host's FRR or each other. The routers are then configured only by the rendered
scripts: the Linux apply script (floating address, hashing, a hub's forwarding) and the FRR apply
script (the block in ``frr.conf``, loaded with FRR's own ``frr-reload.py``): OSPF on every active path
network with BFD per neighbour, announcing each router's floating /32. The daemons are stopped by pid
on the way out.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.netns.lab import NetnsLab
from components.render.linux.frr import FRR_RELOAD, FrrHostPaths, render_frr_apply, render_frr_undo

FRR_BIN_DIR = Path("/usr/lib/frr")
FRR_USER = "frr"
LAB_DAEMONS = ("zebra", "ospfd", "bfdd")
# The operator's frr.conf as a router has it before the lab: like the one Debian's frr package ships
# (/etc/frr/frr.conf, `log syslog informational` alone), it says nothing about forwarding. zebra
# still shows `no ip forwarding` and `no ipv6 forwarding` in its running configuration while the
# kernel forwards nothing (zebra/zebra_vty.c, config_write_forwarding), which is what frr-reload.py
# compares the file with.
BASE_CONFIG = "frr defaults traditional\nhostname {router}\nservice integrated-vtysh-config\n!\n"
# Every forwarding switch of a namespace: IPv4's global one (ip_forward, the same value as
# conf/all/forwarding), and per family the all, default and per-interface ones.
FORWARDING_SYSCTLS = "grep -H . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv6/conf/*/forwarding"


def missing_frr_requirements() -> list[str]:
    """Why FRR cannot run in the lab here (empty when it can)."""
    reasons = [f"needs {FRR_BIN_DIR / daemon} (Debian package frr)" for daemon in LAB_DAEMONS if not (FRR_BIN_DIR / daemon).exists()]
    if shutil.which("vtysh") is None:
        reasons.append("needs vtysh (Debian package frr)")
    if not Path(FRR_RELOAD).exists():
        reasons.append(f"needs {FRR_RELOAD} (Debian package frr-pythontools)")
    try:
        pwd.getpwnam(FRR_USER)
    except KeyError:
        reasons.append(f"needs the {FRR_USER!r} user the frr package creates")
    return reasons


@dataclass
class FrrLab:
    """The FRR daemons of every lab router, and the scripts run against them."""

    lab: NetnsLab
    root: Path
    pids: dict[str, list[int]] = field(default_factory=dict)

    def router_dir(self, router: str) -> Path:
        return self.root / router

    def host_paths(self, router: str) -> FrrHostPaths:
        base = self.router_dir(router)
        return FrrHostPaths(config_dir=str(base / "etc"), state_root=str(base / "var"), vty_socket_dir=str(base / "run"))

    def start(self) -> None:
        user = pwd.getpwnam(FRR_USER)
        self.root.chmod(0o755)
        for router in self.lab.plan.routers:
            base = self.router_dir(router.name)
            for sub in ("etc", "run", "var", "log"):
                (base / sub).mkdir(parents=True, exist_ok=True)
                os.chown(base / sub, user.pw_uid, user.pw_gid)
            (base / "etc" / "frr.conf").write_text(BASE_CONFIG.format(router=router.name))
            (base / "etc" / "vtysh.conf").write_text("service integrated-vtysh-config\n")
            (base / "etc" / "empty.conf").write_text("")
            for name in ("frr.conf", "vtysh.conf", "empty.conf"):
                os.chown(base / "etc" / name, user.pw_uid, user.pw_gid)
            self.pids[router.name] = [self._start_daemon(router.name, daemon) for daemon in LAB_DAEMONS]

    def _start_daemon(self, router: str, daemon: str) -> int:
        base = self.router_dir(router)
        run = base / "run"
        argv = [
            str(FRR_BIN_DIR / daemon),
            *("-d", "-u", FRR_USER, "-g", FRR_USER, "-A", "127.0.0.1", "-P", "0"),
            *("-i", str(run / f"{daemon}.pid"), "-z", str(run / "zserv.api"), "--vty_socket", str(run)),
            *("-f", str(base / "etc" / "empty.conf"), "--log", f"file:{base / 'log' / daemon}.log"),
        ]
        if daemon == "bfdd":
            argv += ["--bfdctl", str(run / "bfdd.sock")]
        self.lab.exec(router, argv)
        pid_file = run / f"{daemon}.pid"
        deadline = time.monotonic() + 10
        while not (pid_file.exists() and pid_file.read_text().strip() and (run / f"{daemon}.vty").exists()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{daemon} on {router} did not start; see {base / 'log' / daemon}.log")
            time.sleep(0.05)
        return int(pid_file.read_text().strip())

    def stop(self) -> None:
        for pids in self.pids.values():
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for pids in self.pids.values():
            for pid in pids:
                while _alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.pids.clear()

    # -- the rendered scripts ---------------------------------------------------------------------

    def apply(self) -> None:
        """The Linux apply script, then the FRR apply script, on every router (as LinuxRouter runs them)."""
        self.lab.apply()
        for router in self.lab.plan.routers:
            self.lab.run_script(router.name, render_frr_apply(self.lab.plan, router.name, self.host_paths(router.name)))

    def undo(self) -> None:
        """The FRR undo script, then the Linux undo script, on every router."""
        for router in self.lab.plan.routers:
            self.lab.run_script(router.name, render_frr_undo(self.lab.plan, router.name, self.host_paths(router.name)))
        self.lab.undo()

    # -- observing --------------------------------------------------------------------------------

    def vtysh(self, router: str, *commands: str) -> str:
        argv = ["vtysh", "--vty_socket", str(self.router_dir(router) / "run")]
        for command in commands:
            argv += ["-c", command]
        return self.lab.exec(router, argv).stdout

    def bfd_peers(self, router: str) -> list[dict[str, Any]]:
        peers: list[dict[str, Any]] = json.loads(self.vtysh(router, "show bfd peers json"))
        return peers

    def running_config(self, router: str) -> str:
        return self.vtysh(router, "show running-config")

    def forwarding(self, router: str) -> dict[str, str]:
        """Every forwarding sysctl of ``router``'s namespace, by its file under /proc/sys/net."""
        shown = self.lab.exec(router, ["sh", "-c", FORWARDING_SYSCTLS]).stdout
        return {path.removeprefix("/proc/sys/net/"): value for path, _, value in (line.partition(":") for line in shown.splitlines())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gateways(routes: list[dict[str, Any]]) -> tuple[str, ...]:
    """The gateways of ``ip -j route`` entries, single-path or multipath, in address order."""
    gateways: list[str] = []
    for route in routes:
        if "gateway" in route:
            gateways.append(route["gateway"])
        gateways += [hop["gateway"] for hop in route.get("nexthops", []) if "gateway" in hop]
    return tuple(sorted(gateways, key=lambda address: tuple(int(part) for part in address.split("."))))


def route_next_hops(lab: NetnsLab, router: str, peer: str | None = None) -> tuple[str, ...]:
    """Gateways of ``router``'s route to ``peer``'s floating IP (the other router's, between two), as the kernel has it now."""
    destination = str(lab.plan.router(router).route_to(lab.peer(router, peer).name).destination)
    shown = lab.exec(router, ["ip", "-j", "-4", "route", "show", "table", "main", "exact", destination]).stdout
    return _gateways(json.loads(shown or "[]"))


def all_route_next_hops(lab: NetnsLab) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every ordered pair's gateways (sender, receiver) as the kernel has them now, one ``ip route`` per router."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for router in lab.plan.routers:
        shown = lab.exec(router.name, ["ip", "-j", "-4", "route", "show", "table", "main"]).stdout
        routes: list[dict[str, Any]] = json.loads(shown or "[]")
        for planned in router.routes:
            # iproute2 prints a host route's destination without its /32.
            names = {str(planned.destination), str(planned.destination.network_address)}
            found[(router.name, planned.peer)] = _gateways([route for route in routes if route.get("dst") in names])
    return found


@contextlib.contextmanager
def frr_lab(lab: NetnsLab) -> Iterator[FrrLab]:
    """zebra, ospfd and bfdd running in every router namespace of ``lab``; always stopped on the way out."""
    reasons = missing_frr_requirements()
    if reasons:
        raise RuntimeError("FRR cannot run in the lab here: " + "; ".join(reasons))
    frr = FrrLab(lab=lab, root=Path(tempfile.mkdtemp(prefix="zt-ecmp-frr-")))
    try:
        frr.start()
        # The lab's drains and gates reach these daemons too.
        lab.frr_paths.update({router.name: frr.host_paths(router.name) for router in lab.plan.routers})
        yield frr
    finally:
        lab.frr_paths.clear()
        frr.stop()
        shutil.rmtree(frr.root, ignore_errors=True)
