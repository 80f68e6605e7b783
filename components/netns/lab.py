"""A real lab of M Linux routers on this kernel: one network namespace per router, one L2 per path.

Each path stands in for one ZeroTier network. Two routers are joined by one veth pair per path, as a
two-router lab always was. Three or more share one Linux bridge per path, the same L2 a ZeroTier
network is: next hops on it are plain addresses resolved by ARP. The bridges live in one more
namespace of their own (``<prefix>-switch``), each router reaching bridge i over a veth pair whose
router end carries the plan's interface name and the router's address on path i. In hub-and-spoke
the bridges, like the path networks' flow rules, carry no frame from spoke to spoke unless the lab is
built with ``segmented=False``: the spokes' ports are isolated (an isolated bridge port exchanges
frames only with ports that are not: iproute2's bridge(8), ``bridge link set dev PORT isolated on``).
The same isolation cuts one path between two routers alone (``NetnsLab.cut``).

An instance's death is what it does to the route: its interface goes (``remove_path_link``), and comes
back with its name and address when the instance restarts (``restore_path_link``). With iproute2
routes the router's route keeper, the rendered keeper.sh, runs as a background process in its
namespace (``start_keepers``), as the lab's systemd unit runs it on a real router.

An optional token bucket caps every path interface at one instance's ceiling in each direction:
a router's sending on it, and (between three or more routers) what the bridge delivers to it. The
routers themselves are configured only by running the rendered Linux scripts inside their
namespaces, so the lab tests those scripts and nothing else. Needs root; touches nothing outside the
namespaces it creates and a temporary directory standing in for the routers' /etc and /var.

Beside it: the settings and plan a lab is built from (lab_settings.py), the bridges' names, MACs and
isolated ports (path_switch.py), and what the path interfaces moved (link_counters.py).
"""

from __future__ import annotations

import concurrent.futures
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

from components.model.plan import LabPlan, RouterPlan
from components.netns.link_counters import LinkCounters, RunOverPaths
from components.netns.path_switch import SWITCH, isolated_routers, path_bridge, path_mac, switch_port
from components.ops.iperf import IPERF_PORT, iperf3_server, run_client
from components.ops.shell import NetnsShell
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths
from components.render.linux.rolling import PathInstances, render_drain, render_gate, render_instance_record
from components.render.linux.routing import LinuxHostPaths, keeps_routes, render_linux_apply, render_linux_undo
from components.render.restarts import DRAIN_LEASE_SECONDS, GATE_WAIT_SECONDS

REQUIRED_TOOLS = ("ip", "tc", "bridge", "iperf3", "ping")
# Token bucket queue: deep enough for TCP to fill the link, shallow enough to keep RTTs short.
TBF_LATENCY_MS = 25
# The forwarding switches of a router as it ships, set in every namespace the lab creates.
FORWARDING_SWITCHES = tuple(
    f"/proc/sys/net/{family}/conf/{which}/forwarding" for family in ("ipv4", "ipv6") for which in ("all", "default")
)
# A kernel without IPv6 has no IPv6 switches.
SHIPPED_FORWARDING = "; ".join(f"[ ! -e {switch} ] || echo 0 > {switch}" for switch in FORWARDING_SWITCHES)
IPV6_OFF = 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 > "$f"; done; true'


def missing_requirements() -> list[str]:
    """Why the lab cannot run here (empty when it can)."""
    reasons = []
    if os.geteuid() != 0:
        reasons.append("needs root to create network namespaces")
    reasons += [f"needs `{tool}` on PATH" for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    return reasons


# When an iperf3 run may start counting: the path interfaces of all routers together moved less than
# QUIET_BYTES (a few dozen BFD or ARP packets) in QUIET_SECONDS, so a previous run's queues (25 ms of
# line rate per token bucket) and socket buffers have drained; QUIET_TIMEOUT_SECONDS at most.
QUIET_BYTES = 3_000
QUIET_SECONDS = 0.1
QUIET_TIMEOUT_SECONDS = 3.0
# How long a run waits for an earlier run's connections to close: TCP's retransmission timer backs
# off from 200 ms, doubling, so a few tries take seconds.
CLOSE_TIMEOUT_SECONDS = 10.0


def _run(argv: Sequence[str], *, input_text: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), input=input_text, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` exited {result.returncode}: {result.stderr.strip() or result.stdout.strip()}")
    return result


@dataclass
class NetnsLab:
    plan: LabPlan
    prefix: str
    work_dir: Path
    rate_mbit: float | None = None
    # Whether the bridges, like the path networks' flow rules, carry no frame from spoke to spoke. Off,
    # they carry everything: what the routers send where is then the rendered routes' choice alone.
    segmented: bool = True
    namespaces: dict[str, str] = field(default_factory=dict)
    _created: list[str] = field(default_factory=list)
    # Pairs cut on a path by ``cut`` (path index, the two routers sorted), until ``mend``.
    _cuts: set[tuple[int, str, str]] = field(default_factory=set)
    # The route keepers running, by router (``start_keepers``).
    _keepers: dict[str, subprocess.Popen[str]] = field(default_factory=dict)
    # Where each router's FRR is reached, where FRR runs (components/netns/frr.py sets it).
    frr_paths: dict[str, FrrHostPaths] = field(default_factory=dict)
    # One bridge per path even between two routers (a ZeroTier network is a LAN whatever its size):
    # each router's interface then comes and goes on its own, and routers can join and leave.
    always_bridged: bool = False

    def namespace(self, router: str) -> str:
        return self.namespaces[router]

    @property
    def bridged(self) -> bool:
        """Three or more routers share a bridge per path; two keep one veth pair per path between them,
        unless the lab was built ``always_bridged``."""
        return self.always_bridged or not self.plan.paths_are_point_to_point

    @property
    def switch_namespace(self) -> str:
        return f"{self.prefix}-{SWITCH}"

    def shell(self, router: str) -> NetnsShell:
        """``router`` as the lab tools see any router (validate, iperf3)."""
        return NetnsShell(router, self.namespace(router))

    def shells(self) -> dict[str, NetnsShell]:
        return {router.name: self.shell(router.name) for router in self.plan.routers}

    def host_paths(self, router: str) -> LinuxHostPaths:
        """Each router's /etc and /var/lib, inside the work directory (both share this filesystem)."""
        root = self.work_dir / router
        return LinuxHostPaths(
            sysctl_dir=str(root / "etc/sysctl.d"),
            unit_dir=str(root / "etc/systemd/system"),
            state_root=str(root / "var/lib/zt-ecmp"),
            # No systemd here: the keeper runs as a process of the lab's (start_keepers).
            systemd=False,
        )

    def exec(
        self, router: str, argv: Sequence[str], *, input_text: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return _run(["ip", "netns", "exec", self.namespace(router), *argv], input_text=input_text, check=check)

    # -- building and removing ------------------------------------------------------------------

    def add_namespace(self, name: str) -> None:
        """Creates namespace ``name``, removed with the lab: loopback up, IPv6 off."""
        _run(["ip", "netns", "add", name])
        self._created.append(name)
        # Forwarding as a router ships (off, IPv4 and IPv6), whatever the host's: a new namespace
        # copies IPv4's `all` and `default` switches from the host's by default (the kernel's
        # Documentation/networking/ip-sysctl.rst, devconf_inherit_init_net), and a host running
        # dockerd forwards. `all` first: writing it sets `default` and every interface's as well.
        # IPv6 off so that an idle path interface sends nothing at all (no router solicitations);
        # interfaces created later take the `default` switches.
        _run([*("ip", "netns", "exec", name, "sh", "-c"), f"{SHIPPED_FORWARDING}; {IPV6_OFF}"])
        _run(["ip", "-n", name, "link", "set", "lo", "up"])

    def build(self) -> None:
        if SWITCH in (router.name for router in self.plan.routers):
            raise ValueError(f"a lab router may not be named {SWITCH!r}: the path bridges' namespace is <prefix>-{SWITCH}")
        for router in self.plan.routers:
            self.namespaces[router.name] = f"{self.prefix}-{router.name}"
            self.add_namespace(self.namespace(router.name))
        if self.bridged:
            self.add_namespace(self.switch_namespace)
            for path in self.plan.paths:
                bridge = path_bridge(path.index)
                # No STP: a port forwards as soon as it has carrier. No multicast snooping: every
                # member hears OSPF's and ARP's multicast and broadcast, as on a ZeroTier network.
                _run(["ip", "-n", self.switch_namespace, "link", "add", bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"])
                _run(["ip", "-n", self.switch_namespace, "link", "set", bridge, "up"])
        for path in self.plan.paths:
            self._add_path_links(path.index, [router.name for router in self.plan.routers])
        self._await_carrier()

    def _add_path_links(self, path_index: int, routers: Sequence[str]) -> None:
        """The path's interfaces of ``routers`` (every router, or the one whose instance restarts), up,
        addressed and rate-capped; with two routers, the veth pair between both."""
        path = self.plan.path(path_index)
        if not self.bridged:
            first, second = (router.name for router in self.plan.routers)
            near, far = path.end(first), path.end(second)
            first_mac, second_mac = (path_mac(path_index, router.site_number) for router in self.plan.routers)
            _run(
                [
                    *("ip", "-n", self.namespace(first), "link", "add", near.interface, "address", first_mac, "type", "veth"),
                    *("peer", "name", far.interface, "address", second_mac, "netns", self.namespace(second)),
                ]
            )
            self._configure_end(first, path_index)
            self._configure_end(second, path_index)
            return
        for name in routers:
            end, router = path.end(name), self.plan.router(name)
            port = switch_port(path_index, router.site_number)
            _run(
                [
                    *("ip", "-n", self.namespace(name), "link", "add", end.interface, "address", path_mac(path_index, router.site_number)),
                    *("type", "veth", "peer", "name", port, "netns", self.switch_namespace),
                ]
            )
            switch = ("ip", "-n", self.switch_namespace, "link", "set", port)
            _run([*switch, "master", path_bridge(path_index)])
            # A ZeroTier network never floods a unicast frame: the destination MAC names the member it
            # goes to (zerotier-one node/MAC.hpp, MAC::toAddress; node/Switch.cpp sends it to that peer
            # alone). The bridge knows every member's MAC from the start in the same way, so a frame
            # for a router whose entry it has not learnt yet never reaches the others.
            mac = path_mac(path_index, router.site_number)
            _run(["bridge", "-n", self.switch_namespace, "fdb", "replace", mac, "dev", port, "master", "static"])
            _run([*switch, "up"])
            if self.rate_mbit is not None:
                # What the path delivers to the router: one instance's ceiling, as its sending is.
                self._limit(self.switch_namespace, port, self.rate_mbit)
            self._configure_end(name, path_index)
        self._apply_isolation(path_index, routers)

    def _configure_end(self, router: str, path_index: int) -> None:
        end, ns = self.plan.path(path_index).end(router), self.namespace(router)
        _run(["ip", "-n", ns, "addr", "add", str(end.address), "dev", end.interface])
        _run(["ip", "-n", ns, "link", "set", end.interface, "up"])
        if self.rate_mbit is not None:
            self._limit(ns, end.interface, self.rate_mbit)

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
        self.stop_keepers()
        for name in reversed(self._created):
            pids = _run(["ip", "netns", "pids", name], check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _run(["ip", "netns", "del", name], check=False)
        self._created.clear()
        shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- failures -------------------------------------------------------------------------------

    def remove_path_link(self, router: str, path_index: int) -> None:
        """What stopping ``router``'s instance on the path does to its interface: it goes (between two
        routers, deleting one end of the veth pair removes the other router's too)."""
        self.exec(router, ["ip", "link", "del", self.plan.path(path_index).end(router).interface])

    def restore_path_link(self, router: str, path_index: int) -> None:
        """What starting the instance again does: the same interface name and address, up, rate-capped."""
        self._add_path_links(path_index, [router])

    def silence(self, router: str, path_index: int) -> None:
        """``router`` stops sending anything on the path (its qdisc there a zero-length FIFO); its
        interface stays up and keeps its address."""
        interface = self.plan.path(path_index).end(router).interface
        self.exec(router, ["tc", "qdisc", "replace", "dev", interface, "root", "pfifo", "limit", "0"])

    def heal(self, router: str, path_index: int) -> None:
        """Undoes ``silence``: the rate cap back, or no qdisc of the lab's at all."""
        interface = self.plan.path(path_index).end(router).interface
        if self.rate_mbit is not None:
            self._limit(self.namespace(router), interface, self.rate_mbit)
        else:
            self.exec(router, ["tc", "qdisc", "del", "dev", interface, "root"])

    def _apply_isolation(self, path_index: int, routers: Sequence[str] | None = None) -> None:
        """Each bridge port of the path isolated or not as the plan and the cuts say: every router's, or
        only those of ``routers`` (ports just made: another router's may be going or coming meanwhile)."""
        isolated = isolated_routers(self.plan, path_index, self._cuts, segmented=self.segmented)
        for router in self.plan.routers:
            if routers is not None and router.name not in routers:
                continue
            port = switch_port(path_index, router.site_number)
            state = "on" if router.name in isolated else "off"
            _run(["bridge", "-n", self.switch_namespace, "link", "set", "dev", port, "isolated", state])

    def cut(self, path_index: int, first: str, second: str) -> None:
        """Path ``path_index`` stops carrying anything between ``first`` and ``second`` while both keep
        their interfaces up and still reach every other router on it: two members of one ZeroTier network
        that no longer reach each other. Between two routers both ends drop all they send (a zero-length
        FIFO); between more, the two bridge ports are isolated from each other."""
        if not self.bridged:
            for router in (first, second):
                self.silence(router, path_index)
            return
        low, high = sorted((first, second))
        cuts = {*self._cuts, (path_index, low, high)}
        isolated_routers(self.plan, path_index, cuts, segmented=self.segmented)
        self._cuts = cuts
        self._apply_isolation(path_index)

    def mend(self, path_index: int, first: str, second: str) -> None:
        """Undoes ``cut``."""
        if not self.bridged:
            for router in (first, second):
                self.heal(router, path_index)
            return
        low, high = sorted((first, second))
        self._cuts.discard((path_index, low, high))
        self._apply_isolation(path_index)

    # -- running the rendered scripts ----------------------------------------------------------

    def run_script(self, router: str, script: str) -> subprocess.CompletedProcess[str]:
        return self.exec(router, ["sh", "-s"], input_text=script)

    def apply(self, plan: LabPlan | None = None) -> None:
        """Render the apply scripts from ``plan`` (a K change, say) and run them on every router. Each
        apply stops its router's keeper, so the keepers that ran start again from the new scripts."""
        if plan is not None:
            self.plan = plan
        keeping = sorted(self._keepers)
        for router in self.plan.routers:
            self.run_script(router.name, render_linux_apply(self.plan, router.name, self.host_paths(router.name)))
        self._reap_keepers()
        self.start_keepers([name for name in keeping if keeps_routes(self.plan.router(name))])

    def undo(self) -> None:
        for router in self.plan.routers:
            self.run_script(router.name, render_linux_undo(self.plan, router.name, self.host_paths(router.name)))
        self._reap_keepers()

    # -- one router at a time, as the engine's steps change a running lab (components/netns/rollout.py) --

    def add_router(self, router: str) -> None:
        """The namespace of a router of the plan the lab did not have: a box before its first `pulumi up`."""
        if not self.bridged:
            raise ValueError("routers join a lab built with a bridge per path (always_bridged)")
        self.namespaces[router] = f"{self.prefix}-{router}"
        self.add_namespace(self.namespace(router))

    def remove_router(self, router: str) -> None:
        """The router and everything in its namespace gone: its keeper, its interfaces."""
        if router in self._keepers:
            process = self._keepers.pop(router)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        name = self.namespaces.pop(router)
        _run(["ip", "netns", "del", name], check=False)
        self._created.remove(name)

    def readdress(self, router: str, path_index: int, old: str, new: str) -> None:
        """What a running instance does when the controller gives it a new address or prefix (zerotier-one's
        service/OneService.cpp, syncManagedStuff: the addresses no longer assigned go, then the new come).
        Idempotent: the network's route and the member's address may each bring the same change."""
        interface = self.plan.path(path_index).end(router).interface
        held = self.exec(router, ["ip", "-4", "-o", "addr", "show", "dev", interface], check=False).stdout
        if f" inet {old} " in held and old != new:
            self.exec(router, ["ip", "addr", "del", old, "dev", interface], check=False)
        if f" inet {new} " not in held:
            self.exec(router, ["ip", "addr", "add", new, "dev", interface])

    def apply_router(self, router: str) -> subprocess.CompletedProcess[str]:
        """One router's apply, rendered from the lab's plan; its keeper, if it ran, starts again from the new script."""
        keeping = self.keeper_running(router)
        done = self.run_script(router, render_linux_apply(self.plan, router, self.host_paths(router)))
        self._reap_keepers([router])
        if keeping or keeps_routes(self.plan.router(router)):
            self.start_keepers([router])
        return done

    def undo_router(self, router: str, plan: LabPlan) -> subprocess.CompletedProcess[str]:
        """One router's undo, rendered from the plan it was applied with."""
        done = self.run_script(router, render_linux_undo(plan, router, self.host_paths(router)))
        self._reap_keepers([router])
        return done

    def drain_on(
        self, router: str, path_index: int, instances: PathInstances, lease_seconds: int = DRAIN_LEASE_SECONDS
    ) -> subprocess.CompletedProcess[str]:
        script = render_drain(
            self.plan,
            router,
            path_index,
            instances,
            paths=self.host_paths(router),
            frr_paths=self.frr_paths.get(router, DEFAULT_FRR_PATHS),
            lease_seconds=lease_seconds,
        )
        return self.run_script(router, script)

    def gate_on(self, router: str, path_index: int, wait_seconds: int = GATE_WAIT_SECONDS) -> subprocess.CompletedProcess[str]:
        script = render_gate(
            self.plan,
            router,
            path_index,
            paths=self.host_paths(router),
            frr_paths=self.frr_paths.get(router, DEFAULT_FRR_PATHS),
            wait_seconds=wait_seconds,
        )
        return self.exec(router, ["sh", "-s"], input_text=script, check=False)

    def record_instances_on(self, router: str, instances: Mapping[int, PathInstances]) -> None:
        self.run_script(router, render_instance_record(self.plan, router, instances, self.host_paths(router)))

    def record_instances(self, instances: Mapping[int, PathInstances]) -> None:
        """What each apply of a lab with instances on Docker records after it: every path's instance keys."""
        for router in self.plan.routers:
            self.record_instances_on(router.name, instances)

    def drain(
        self, path_index: int, instances: PathInstances, lease_seconds: int = DRAIN_LEASE_SECONDS
    ) -> dict[str, subprocess.CompletedProcess[str]]:
        """Every router's drain of the path, with the keys its instances are about to have, one router after the other."""
        return {router.name: self.drain_on(router.name, path_index, instances, lease_seconds) for router in self.plan.routers}

    def gate(self, path_index: int, wait_seconds: int = GATE_WAIT_SECONDS) -> dict[str, subprocess.CompletedProcess[str]]:
        """Every router's gate of the path, at the same time, as Pulumi runs them; a gate that fails is returned, not raised."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self.plan.routers)) as pool:
            running = {router.name: pool.submit(self.gate_on, router.name, path_index, wait_seconds) for router in self.plan.routers}
        return {name: future.result() for name, future in running.items()}

    def keeper_script(self, router: str) -> Path:
        return Path(self.host_paths(router).keeper_script(self.plan))

    def start_keepers(self, routers: Sequence[str] | None = None) -> None:
        """Runs each router's route keeper, as the apply wrote it, in the background in its namespace."""
        for name in routers if routers is not None else [router.name for router in self.plan.routers]:
            if name in self._keepers and self._keepers[name].poll() is None:
                continue
            script = self.keeper_script(name)
            if not script.exists():
                raise RuntimeError(f"{name} has no route keeper at {script}: apply first (with iproute2 routes)")
            self._keepers[name] = subprocess.Popen(
                ["ip", "netns", "exec", self.namespace(name), "sh", str(script)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )

    def keeper_running(self, router: str) -> bool:
        return router in self._keepers and self._keepers[router].poll() is None

    def _reap_keepers(self, routers: Sequence[str] | None = None) -> None:
        """Forgets the keepers the scripts have stopped (an apply or undo kills its router's keeper):
        every router's, or those of ``routers`` alone (whose scripts ran)."""
        for name, process in list(self._keepers.items()):
            if routers is not None and name not in routers:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
            if process.poll() is not None:
                del self._keepers[name]

    def stop_keepers(self) -> None:
        for process in self._keepers.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self._keepers.clear()

    # -- observing -----------------------------------------------------------------------------

    def state(self, router: str) -> str:
        """Everything the scripts may touch in a namespace, as text to compare before and after."""
        parts = [
            self.exec(router, ["ip", "-4", "addr", "show"]).stdout,
            self.exec(router, ["ip", "-4", "route", "show", "table", "all"]).stdout,
            self.exec(router, ["ip", "-d", "link", "show"]).stdout,
            self.exec(router, ["ip", "nexthop", "show"]).stdout,
            self.exec(router, ["cat", "/proc/sys/net/ipv4/fib_multipath_hash_policy"]).stdout,
        ]
        return "\n".join(parts)

    def counters(self, router: str) -> dict[str, LinkCounters]:
        """Bytes each of ``router``'s path interfaces has transmitted and received so far, by interface."""
        links = json.loads(self.exec(router, ["ip", "-j", "-s", "link", "show"]).stdout)
        by_name = {link["ifname"]: LinkCounters(int(link["stats64"]["tx"]["bytes"]), int(link["stats64"]["rx"]["bytes"])) for link in links}
        return {name: by_name[name] for name in self.plan.interfaces_on(router)}

    def all_counters(self) -> dict[str, dict[str, LinkCounters]]:
        return {router.name: self.counters(router.name) for router in self.plan.routers}

    def quiet_counters(self, timeout_seconds: float = QUIET_TIMEOUT_SECONDS) -> dict[str, dict[str, LinkCounters]]:
        """Every router's counters once the paths have gone quiet: all of them together moved less than
        QUIET_BYTES in QUIET_SECONDS (BFD and OSPF keep talking), or ``timeout_seconds`` passed."""
        deadline = time.monotonic() + timeout_seconds
        previous = self.all_counters()
        while True:
            time.sleep(QUIET_SECONDS)
            now = self.all_counters()
            moved = sum(
                counters.tx - previous[router][name].tx + counters.rx - previous[router][name].rx
                for router, links in now.items()
                for name, counters in links.items()
            )
            if moved < QUIET_BYTES or time.monotonic() > deadline:
                return now
            previous = now

    def await_closed_connections(self, port: int, timeout_seconds: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """Once no router holds a TCP connection of an earlier run on ``port`` (TIME-WAIT aside: it
        sends nothing), or ``timeout_seconds`` passed. A client whose server has gone can still hold
        unacknowledged data, and resends it when its retransmission timer fires, seconds later on a
        loaded machine: a quiet 100 ms does not show that it has finished."""
        deadline = time.monotonic() + timeout_seconds
        while self.tcp_sockets(port, "connected"):
            if time.monotonic() > deadline:
                return
            time.sleep(QUIET_SECONDS)

    def tcp_sockets(self, port: int, state: str) -> str:
        """Every router's TCP sockets on ``port`` in ``state`` (an ``ss`` state filter: ``connected``,
        ``listening``), TIME-WAIT aside, as ``ss`` lists them; empty when there are none."""
        listing = f"ss -Htn state {state} exclude time-wait '( sport = :{port} or dport = :{port} )'"
        return "".join(self.shell(router.name).run(listing).stdout for router in self.plan.routers).strip()

    def peer(self, sender: str, receiver: str | None = None) -> RouterPlan:
        """``receiver``, or where none is named the one other router of a two-router lab."""
        if receiver is not None:
            if receiver == sender:
                raise ValueError(f"{sender} cannot be its own peer")
            return self.plan.router(receiver)
        routes = self.plan.router(sender).routes
        if len(routes) != 1:
            raise ValueError(f"{sender} has {len(routes)} peers ({', '.join(route.peer for route in routes)}): name the receiver")
        return self.plan.router(routes[0].peer)

    def ping(self, router: str, count: int = 1, timeout_seconds: int = 2, *, receiver: str | None = None) -> bool:
        """``router``'s floating IP to ``receiver``'s (the other router's, between two), sourced from its own."""
        own = self.plan.router(router)
        argv = [
            *("ping", "-n", "-q", "-c", str(count), "-W", str(timeout_seconds)),
            *("-I", str(own.floating_ip.ip), str(self.peer(router, receiver).floating_ip.ip)),
        ]
        return self.exec(router, argv, check=False).returncode == 0

    def iperf(self, client: str, flows: int, seconds: float, port: int = IPERF_PORT, *, receiver: str | None = None) -> RunOverPaths:
        """iperf3 from ``client``'s floating IP to ``receiver``'s (the other router's, between two),
        ``flows`` parallel TCP streams."""
        own, peer = self.plan.router(client), self.peer(client, receiver)
        server_ip, client_ip = str(peer.floating_ip.ip), str(own.floating_ip.ip)
        with iperf3_server(self.shell(peer.name), server_ip, seconds=seconds, port=port):
            # Read right around the client alone, once what an earlier run left in the queues and socket
            # buffers has drained, so the counters hold this run's traffic and no more.
            self.await_closed_connections(port)
            before = self.quiet_counters()
            report = run_client(self.shell(client), server_ip=server_ip, client_ip=client_ip, flows=flows, seconds=seconds, port=port)
            after = self.all_counters()
        counters = {router: {name: after[router][name] - before[router][name] for name in before[router]} for router in before}
        return RunOverPaths(sender=client, receiver=peer.name, report=report, counters=counters)


@contextlib.contextmanager
def netns_lab(
    plan: LabPlan, *, prefix: str | None = None, rate_mbit: float | None = None, segmented: bool = True, always_bridged: bool = False
) -> Iterator[NetnsLab]:
    """The routers' namespaces with their path links (and bridges), not yet configured; always removed on the way out."""
    reasons = missing_requirements()
    if reasons:
        raise RuntimeError("the network-namespace lab cannot run here: " + "; ".join(reasons))
    lab = NetnsLab(
        plan=plan,
        prefix=prefix or f"zte-{os.getpid()}",
        work_dir=Path(tempfile.mkdtemp(prefix="zt-ecmp-netns-")),
        rate_mbit=rate_mbit,
        segmented=segmented,
        always_bridged=always_bridged,
    )
    try:
        lab.build()
        yield lab
    finally:
        lab.teardown()
