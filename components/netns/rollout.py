"""What `pulumi up` does to a running lab, replayed step by step in the namespace lab, with the traffic
between the sites that stay counted: a lab growing from 2 to 3 and 3 to 4 sites (with and without
``addressing.plannedSites``), shrinking from 4 to 3, and changing its image (one path at a time, or
all at once as before the paths' drains and gates existed).

Which steps, in which order, is the engine's business: the offline diff (components/preview/diff.py)
replays its decisions from two versions of the settings, and says for each changed resource which
changed ones it waits for. The namespace lab may not load the Pulumi program (the layers), so the
steps come in as ``EngineChange``s (the diff's ResourceChange is one) through ``EngineSteps``, which
the caller provides. Each step becomes what it does to the routers:

- a container replaced: its instance's interface goes, and comes back with its address
  ``return_seconds`` later (the delete, the create and start, and the time a restarted instance took to
  answer on its path again: 0.3 s and 0.7 s in issue 23's real lab); the engine's step itself ends
  after ``container_seconds``. A container created: the new instance's interface appears as a
  restarted one does. A container deleted: its interface goes;
- a member's address updated (``ipAssignments``), or its network's route (which gives a fixed IP its
  prefix length): after ``member_seconds`` (the controller's API), the running instance swaps the
  address on its interface;
- a router's route command, a path's drain or gate: the rendered script, run in the router's namespace;
- anything else (networks, identities, images, the Docker providers): nothing a router sees.

A step starts once every changed resource it waits for is done, and steps run side by side as the
engine runs them. Deletions come last, dependents first, as the engine's do. "All at once" replays the
same change without the drains and gates, which is how the engine ran it before: every container of
every router replaced in the same instant.

The traffic: a ping every ``PING_INTERVAL_SECONDS`` between every ordered pair of the sites that stay
(their floating IPs), and ``flows`` TCP flows from the first of those sites to the second, whose
receiving side reports every REPORT_SECONDS. Every path is capped at ``rate_mbit`` each way.
Run with ``python -m components bench-netns --restarts``; needs root and iperf3.
"""

from __future__ import annotations

import concurrent.futures
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from components.model.naming import (
    COMMAND,
    CONTAINER,
    INSTANCE_RESOURCE,
    MEMBER,
    NETWORK,
    PATH_MEMBER_RESOURCE,
    PATH_RESOURCE,
    drain_resource,
    gate_resource,
    instance_resource,
    path_member_resource,
    router_resource,
)
from components.model.plan import LabPlan, build_plan
from components.model.settings import parse_lab_config
from components.netns.bfd_failover import iperf_between, longest_stall
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_settings
from components.ops.iperf import CLIENT_GRACE_SECONDS, ReceivedInterval, client_report, received_intervals
from components.ops.shell import CommandOutput
from components.render.placeholders import placeholder_instance_keys

PING_INTERVAL_SECONDS = 0.1
# A reply later than this counts as lost.
PING_WAIT_SECONDS = 1
DEFAULT_PATHS = 4
DEFAULT_RATE_MBIT = 50.0
DEFAULT_FLOWS = 16
# Traffic runs this long before the first step and after the last one.
SETTLE_SECONDS = 3.0
# A TCP flow that received nothing for this long counts as stalled.
STALL_SECONDS = 1.0


class EngineChange(Protocol):
    """One resource's step, as the offline diff tells it (components/preview/diff.py, ResourceChange)."""

    @property
    def type(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def change(self) -> str: ...

    @property
    def waits_for(self) -> tuple[str, ...]: ...

    @property
    def label(self) -> str: ...


# The engine's steps between two versions of the stack settings (``zt-ecmp:`` keys without the namespace).
EngineSteps = Callable[[Mapping[str, Any], Mapping[str, Any]], Sequence[EngineChange]]


@dataclass(frozen=True)
class EngineTiming:
    """How long what the lab cannot run for real takes."""

    container_seconds: float = 1.0
    return_seconds: float = 2.0
    member_seconds: float = 0.5


@dataclass
class ReplayLog:
    """What the replay did, when (seconds since it began)."""

    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, what: str) -> None:
        with self._lock:
            self.lines.append(f"{time.monotonic() - self.started:6.2f} s  {what}")


def _instance_keys(plan: LabPlan) -> dict[int, dict[str, str]]:
    """The restart keys a lab of ``plan`` records and drains compare, with the stand-in ids of a plan."""
    return {path.index: placeholder_instance_keys(plan, path.index) for path in plan.paths}


@dataclass
class _Replay:
    lab: NetnsLab
    before: LabPlan
    after: LabPlan
    timing: EngineTiming
    log: ReplayLog
    timers: list[threading.Timer] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    def run(self, change: EngineChange) -> None:
        """What one step does to the routers; returns when the engine's step would be done."""
        kind, name = change.change, change.name
        if change.type == CONTAINER and (found := INSTANCE_RESOURCE.match(name)):
            self._container(kind, found["router"], int(found["path"]))
        elif change.type == MEMBER and kind == "update" and (found := PATH_MEMBER_RESOURCE.match(name)):
            self._readdress(found["router"], int(found["path"]))
        elif change.type == NETWORK and kind == "update" and (found := PATH_RESOURCE.match(name)):
            # The network's route gives each fixed IP its prefix length: every member's changes with it.
            for router in self.after.router_names:
                self._readdress(router, int(found["path"]))
        elif change.type == COMMAND:
            self._command(kind, name)

    def _container(self, kind: str, router: str, path: int) -> None:
        if kind == "delete" and router not in self.after.router_names:
            return  # its interfaces go with the router (``replay`` removes it last)
        if kind == "delete" or kind.startswith("replace"):
            self.lab.remove_path_link(router, path)
            self.log.say(f"{instance_resource(router, path)}: instance gone ({kind})")
        if kind == "delete":
            return
        timer = threading.Timer(self.timing.return_seconds, self._instance_back, args=(router, path))
        timer.start()
        self.timers.append(timer)
        time.sleep(self.timing.container_seconds)

    def _instance_back(self, router: str, path: int) -> None:
        try:
            self.lab.restore_path_link(router, path)
        except Exception as failure:  # raised again by finish(), in the replay's own thread
            self.failures.append(failure)
            return
        self.log.say(f"{instance_resource(router, path)}: instance back with {self.after.path(path).end(router).address}")

    def _readdress(self, router: str, path: int) -> None:
        if router not in self.before.router_names:
            return
        old, new = (str(plan.path(path).end(router).address) for plan in (self.before, self.after))
        time.sleep(self.timing.member_seconds)
        if old != new:
            self.lab.readdress(router, path, old, new)
            self.log.say(f"{path_member_resource(path, router)}: {old} -> {new}")

    def _command(self, kind: str, name: str) -> None:
        for router in self.after.router_names if kind != "delete" else self.before.router_names:
            if name == f"{router_resource(router, 'linux')}-routing":
                self._routing(kind, router)
                return
            for path in self.after.paths if kind != "delete" else ():
                if name == drain_resource(router, path.index) and kind == "update":
                    done = self.lab.drain_on(router, path.index, _instance_keys(self.after)[path.index])
                    self.log.say(f"{name}: {done.stdout.strip().splitlines()[-1]}")
                    return
                if name == gate_resource(router, path.index) and kind == "update":
                    done = self.lab.gate_on(router, path.index)
                    self.log.say(f"{name}: {(done.stdout.strip() or done.stderr.strip()).splitlines()[-1]}")
                    return

    def _routing(self, kind: str, router: str) -> None:
        if kind == "delete":
            self.lab.undo_router(router, self.before)
            self.log.say(f"{router}: undone")
            return
        self.lab.apply_router(router)
        self.lab.record_instances_on(router, _instance_keys(self.after))
        self.log.say(f"{router}: applied")

    def finish(self) -> None:
        for timer in self.timers:
            timer.join()
        if self.failures:
            raise self.failures[0]


def replay(
    lab: NetnsLab, changes: Sequence[EngineChange], after: LabPlan, *, rolling: bool = True, timing: EngineTiming | None = None
) -> ReplayLog:
    """The engine's steps from ``lab.plan`` to ``after``, on the running lab; ``rolling=False`` leaves
    the paths' drains and gates out, as the engine ran such a change before they existed."""
    before = lab.plan
    steps = [change for change in changes if change.change != "same"]
    if not rolling:
        steps = [change for change in steps if not change.name.endswith(("-drain", "-gate"))]
    lab.plan = after
    for router in after.router_names:
        if router not in before.router_names:
            lab.add_router(router)
    work = _Replay(lab, before, after, timing or EngineTiming(), ReplayLog())
    run_in_order([step for step in steps if step.change != "delete"], work.run)
    work.finish()
    # Deletions last, dependents first: the engine deletes what the program no longer has once the
    # program is done (the route commands' undo before the containers they depend on).
    deleted = [step for step in steps if step.change == "delete"]
    for first in (True, False):
        run_in_order([step for step in deleted if (step.type == COMMAND) == first], work.run)
    lab.plan = after
    for router in before.router_names:
        if router not in after.router_names:
            lab.remove_router(router)
    return work.log


def run_in_order(steps: Sequence[EngineChange], run: Callable[[EngineChange], None]) -> None:
    """Each step once the steps it waits for are done, side by side where they can be."""
    labels = {step.label for step in steps}
    done: set[str] = set()
    waiting = list(steps)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(steps))) as pool:
        running: dict[concurrent.futures.Future[None], EngineChange] = {}
        while waiting or running:
            ready = [step for step in waiting if set(step.waits_for) & labels <= done]
            for step in ready:
                waiting.remove(step)
                running[pool.submit(run, step)] = step
            if not running:
                raise RuntimeError(f"steps wait for each other: {', '.join(step.label for step in waiting)}")
            finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                future.result()
                done.add(running.pop(future).label)


# -- the traffic between the sites that stay --------------------------------------------------------


@dataclass(frozen=True)
class PingCount:
    sender: str
    receiver: str
    sent: int
    received: int

    @property
    def lost(self) -> int:
        return self.sent - self.received


@contextmanager
def _pings(lab: NetnsLab, pairs: Sequence[tuple[str, str]], counts: list[PingCount]) -> Iterator[None]:
    """A ping every PING_INTERVAL_SECONDS for each pair, from floating IP to floating IP, until the block
    ends. The pings of the last PING_WAIT_SECONDS may still be on their way when ping stops: only those
    sent before count."""
    running = {}
    for sender, receiver in pairs:
        own, far = (str(lab.plan.router(name).floating_ip.ip) for name in (sender, receiver))
        argv = ["ping", "-n", "-i", f"{PING_INTERVAL_SECONDS:g}", "-W", str(PING_WAIT_SECONDS), "-I", own, far]
        running[(sender, receiver)] = subprocess.Popen(
            ["ip", "netns", "exec", lab.namespace(sender), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    try:
        yield
    finally:
        in_flight = int(PING_WAIT_SECONDS / PING_INTERVAL_SECONDS) + 1
        for (sender, receiver), process in running.items():
            process.send_signal(signal.SIGINT)
            stdout, _ = process.communicate(timeout=10)
            found = re.search(r"(\d+) packets transmitted", stdout)
            sent = max(0, int(found[1]) - in_flight) if found else 0
            answered = {int(seq) for seq in re.findall(r"icmp_seq=(\d+) ttl=", stdout)}
            counts.append(PingCount(sender, receiver, sent, sum(1 for seq in range(1, sent + 1) if seq in answered)))


@dataclass(frozen=True)
class RestartScenario:
    """A change to a running lab: its settings before and after (``zt-ecmp:`` keys without the namespace)."""

    title: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    rolling: bool = True
    # How long the TCP flows run: the change, with SETTLE_SECONDS of traffic before and after, fits inside.
    budget_seconds: float = 25.0


@dataclass(frozen=True)
class RestartMeasurement:
    scenario: str
    # Routers whose traffic was counted: those present before and after.
    sites: tuple[str, ...]
    pings: tuple[PingCount, ...]
    flows: int
    # The longest time any TCP flow received nothing while the change ran, and how many flows stalled
    # for STALL_SECONDS or more.
    longest_stall_seconds: float
    stalled_flows: int
    change_seconds: float
    log: tuple[str, ...]

    @property
    def pings_sent(self) -> int:
        return sum(count.sent for count in self.pings)

    @property
    def pings_lost(self) -> int:
        return sum(count.lost for count in self.pings)

    @property
    def worst_pair(self) -> PingCount | None:
        return max(self.pings, key=lambda count: count.lost, default=None)


def _settings(paths: int, routers: int, **addressing: Any) -> dict[str, Any]:
    return netns_lab_settings(paths, routers=routers, stack_settings={"addressing": {"floatingOn": "loopback", **addressing}})


def restart_scenarios(paths: int = DEFAULT_PATHS) -> list[RestartScenario]:
    """Growth 2 -> 3 -> 4 with and without plannedSites, the last router removed, and a new image tag."""
    planned = {"plannedSites": 4}
    newer = _settings(paths, 3)
    newer["zerotier"] = {"image": "zerotier/zerotier:1.14.3"}
    return [
        RestartScenario("grow 2 -> 3", _settings(paths, 2), _settings(paths, 3)),
        RestartScenario("grow 2 -> 3, plannedSites 4", _settings(paths, 2, **planned), _settings(paths, 3, **planned)),
        RestartScenario("grow 3 -> 4", _settings(paths, 3), _settings(paths, 4)),
        RestartScenario("grow 3 -> 4, plannedSites 4", _settings(paths, 3, **planned), _settings(paths, 4, **planned)),
        RestartScenario("shrink 4 -> 3 (last router)", _settings(paths, 4), _settings(paths, 3), budget_seconds=15.0),
        RestartScenario("new image, 3 sites, one path at a time", _settings(paths, 3), newer, budget_seconds=10.0 + 6.0 * paths),
        RestartScenario("new image, 3 sites, all at once", _settings(paths, 3), newer, rolling=False, budget_seconds=20.0),
    ]


def measure_restart(
    scenario: RestartScenario,
    engine: EngineSteps,
    *,
    rate_mbit: float = DEFAULT_RATE_MBIT,
    flows: int = DEFAULT_FLOWS,
    timing: EngineTiming | None = None,
    budget_seconds: float | None = None,
) -> RestartMeasurement:
    """A lab built and applied as ``scenario.before`` has it, with its route keepers and its instances
    recorded, changed to ``scenario.after`` the engine's way while pings and TCP flows run between the
    sites that stay. The TCP flows run ``budget_seconds`` in all (the scenario's unless given): the change
    must fit inside."""
    stack = "rollout"
    budget = budget_seconds if budget_seconds is not None else scenario.budget_seconds
    before, after = (build_plan(parse_lab_config(dict(raw)), "zt-ecmp", stack) for raw in (scenario.before, scenario.after))
    changes = engine(scenario.before, scenario.after)
    sites = tuple(name for name in before.router_names if name in after.router_names)
    pairs = [(sender, receiver) for sender in sites for receiver in sites if sender != receiver]
    counts: list[PingCount] = []
    with netns_lab(before, prefix=None, rate_mbit=rate_mbit, always_bridged=True) as lab:
        lab.apply()
        lab.record_instances(_instance_keys(before))
        lab.start_keepers()
        with iperf_between(lab, (sites[0], sites[1]), flows, budget) as client:
            started = time.monotonic()
            with _pings(lab, pairs, counts):
                time.sleep(SETTLE_SECONDS)
                change_from = time.monotonic() - started
                log = replay(lab, changes, after, rolling=scenario.rolling, timing=timing)
                change_to = time.monotonic() - started
                time.sleep(SETTLE_SECONDS)
            if change_to + SETTLE_SECONDS > budget:
                raise RuntimeError(f"{scenario.title}: the change took {change_to - change_from:.1f} s, more than the flows ran")
            stdout, stderr = client.communicate(timeout=budget + CLIENT_GRACE_SECONDS)
        intervals = received_intervals(client_report(lab.shell(sites[0]), CommandOutput(client.returncode, stdout, stderr)))
    window = (change_from, change_to + SETTLE_SECONDS)
    per_flow = [
        longest_stall([ReceivedInterval(interval.start, interval.end, (interval.stream_bytes[flow],)) for interval in intervals], *window)
        for flow in range(flows)
    ]
    return RestartMeasurement(
        scenario=scenario.title,
        sites=sites,
        pings=tuple(counts),
        flows=flows,
        longest_stall_seconds=max(per_flow, default=0.0),
        stalled_flows=sum(stall >= STALL_SECONDS for stall in per_flow),
        change_seconds=change_to - change_from,
        log=tuple(log.lines),
    )


def render_restart_table(measurements: Sequence[RestartMeasurement]) -> str:
    rows = [
        "| change | sites counted | change took, s | pings lost / sent (every 0.1 s, all pairs) | worst pair | "
        "TCP flows stalled >= 1 s | longest TCP stall, s |",
        "|---|---|---|---|---|---|---|",
    ]
    for found in measurements:
        worst = found.worst_pair
        pair = f"{worst.sender}->{worst.receiver} {worst.lost}" if worst is not None and worst.lost else "-"
        rows.append(
            f"| {found.scenario} | {', '.join(found.sites)} | {found.change_seconds:.1f} | {found.pings_lost} / {found.pings_sent} | "
            f"{pair} | {found.stalled_flows} of {found.flows} | {found.longest_stall_seconds:.2f} |"
        )
    return "\n".join(rows) + "\n"


def run_restart_benchmark(
    engine: EngineSteps, *, paths: int = DEFAULT_PATHS, rate_mbit: float = DEFAULT_RATE_MBIT, flows: int = DEFAULT_FLOWS
) -> list[RestartMeasurement]:
    return [measure_restart(scenario, engine, rate_mbit=rate_mbit, flows=flows) for scenario in restart_scenarios(paths)]
