"""Self-healing paths, measured: the FRR-owned route in the network-namespace lab, under failure.

Two failures, as ZeroTier produces them:

- instance restart: one path's interface disappears and comes back with the same name and address
  (``ip link del`` then the veth pair re-created). The kernel drops a whole multipath route when one
  of its devices goes; FRR must keep the other next-hops and add the path back by itself.
- remote death: one path silently drops everything one router sends on it (its qdisc replaced by a
  zero-length FIFO) while both interfaces stay up, which is what a dead instance on the far side
  looks like. BFD must take the path out of the route on both routers within the detection time,
  the flows on it must move to the others, and the path must come back once it carries packets again.

Each path is capped at ``rate`` Mbit/s, so capacity is the number of paths in the route times the
rate: during the failure it should be (K-1)/K of before. Throughput and per-flow progress come from
the receiving side's iperf3 reports every quarter second.

Between three or more routers a path can also fail between two sites alone (``cut_and_mend``): both
still reach every other site on it. BFD must then take exactly that next hop out of that pair's two
routes, and no other pair may lose any of its paths.

Run with ``python -m components bfd-failover``; needs root, iperf3 and FRR (Debian: frr).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from components.model.plan import LabPlan
from components.netns.frr import FrrLab, all_route_next_hops, frr_lab, missing_frr_requirements, route_next_hops
from components.netns.lab import NetnsLab, missing_requirements, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.ops.iperf import CLIENT_GRACE_SECONDS, ReceivedInterval, client_command, client_report, iperf3_server, received_intervals
from components.ops.shell import CommandOutput, stop_background

REPORT_SECONDS = 0.25
# Flows for K = 4: all four paths carry at least one except with probability below one in a million.
DEFAULT_FLOWS = 53
DEFAULT_RATE_MBIT = 100.0
CONVERGE_TIMEOUT_SECONDS = 20.0
# After failover, flows that lost packets on the dead path wait for their next retransmission
# timeout before they move; progress is judged once that has had time to happen.
TCP_RECOVERY_SECONDS = 2.0


def failover_plan(paths: int = 4, interval_ms: int = 300, multiplier: int = 3, routers: int = 2) -> LabPlan:
    """``routers`` Linux routers whose routes are owned by FRR, with BFD at the given timers."""
    settings = {"routing": {"linuxRoutes": "frr", "bfd": {"enabled": True, "intervalMs": interval_ms, "multiplier": multiplier}}}
    return netns_lab_plan(paths, stack="bfd", routers=routers, stack_settings=settings)


def missing_failover_requirements() -> list[str]:
    return missing_requirements() + missing_frr_requirements()


def wait_until(condition: Callable[[], bool], timeout_seconds: float, poll_seconds: float = 0.01) -> float:
    """Seconds until ``condition()`` held; TimeoutError after ``timeout_seconds``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_seconds:
            raise TimeoutError(f"condition still false after {timeout_seconds} s")
        time.sleep(poll_seconds)
    return time.monotonic() - start


def all_next_hops(lab: NetnsLab, router: str, peer: str | None = None) -> tuple[str, ...]:
    """The active next hops the plan gives ``router``'s route to ``peer`` (the other router, between two)."""
    route = lab.plan.router(router).route_to(lab.peer(router, peer).name)
    return tuple(str(hop.address) for hop in route.active_next_hops)


def planned_next_hops(lab: NetnsLab) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every ordered pair's planned gateways, as ``all_route_next_hops`` reads the kernel's."""
    return {(sender.name, receiver.name): all_next_hops(lab, sender.name, receiver.name) for sender, receiver in lab.plan.pairs()}


def await_converged(frr: FrrLab, poll_seconds: float = 0.05) -> float:
    """Seconds until ``converged(frr)`` held; TimeoutError after CONVERGE_TIMEOUT_SECONDS."""
    return wait_until(lambda: converged(frr), CONVERGE_TIMEOUT_SECONDS, poll_seconds=poll_seconds)


def bfd_up(frr: FrrLab, router: str) -> bool:
    """A session up with each neighbour on every path: the other routers, or a spoke's hub alone."""
    plan = frr.lab.plan
    peers = frr.bfd_peers(router)
    wanted = sum(len(plan.neighbours(path, router)) for path in plan.paths)
    return len(peers) == wanted and all(peer.get("status") == "up" for peer in peers)


def converged(frr: FrrLab) -> bool:
    """Every active path in every route, every BFD session up."""
    lab = frr.lab
    return all_route_next_hops(lab) == planned_next_hops(lab) and all(bfd_up(frr, router.name) for router in lab.plan.routers)


def next_hop_of(lab: NetnsLab, router: str, path_index: int, peer: str | None = None) -> str:
    """``router``'s next hop over a path towards ``peer`` (the other router, between two): its address there, or the hub's."""
    route = lab.plan.router(router).route_to(lab.peer(router, peer).name)
    [hop] = [hop for hop in route.next_hops if hop.path_index == path_index]
    return str(hop.address)


def first_pair(lab: NetnsLab) -> tuple[str, str]:
    first, second = lab.plan.routers[:2]
    return first.name, second.name


def both_ways(pair: tuple[str, str]) -> dict[str, str]:
    """Each router of the pair to the other."""
    first, second = pair
    return {first: second, second: first}


def hops_over(lab: NetnsLab, path_index: int, pair: tuple[str, str]) -> dict[str, str]:
    """Each router of the pair's next hop over the path towards the other."""
    return {router: next_hop_of(lab, router, path_index, peer) for router, peer in both_ways(pair).items()}


# -- measurements -----------------------------------------------------------------------------------


@contextmanager
def converged_frr_lab(plan: LabPlan, rate_mbit: float) -> Iterator[FrrLab]:
    """The namespace lab of ``plan`` with FRR running, the rendered scripts applied and every route converged."""
    with netns_lab(plan, rate_mbit=rate_mbit) as lab, frr_lab(lab) as frr:
        frr.apply()
        await_converged(frr)
        yield frr


@dataclass(frozen=True)
class RestartResult:
    path: int
    # The router's gateways to its peer right after the interface went away, and how long until all were back.
    hops_while_down: tuple[str, ...]
    seconds_to_full_route: float


def measure_instance_restart(
    frr: FrrLab, path_index: int = 1, down_seconds: float = 0.5, pair: tuple[str, str] | None = None
) -> RestartResult:
    """``pair``'s first router (r1 by default) loses its interface on the path, then gets it back;
    its route to the second (r2) is watched."""
    lab = frr.lab
    router, peer = pair or first_pair(lab)
    lab.remove_path_link(router, path_index)
    gone = next_hop_of(lab, router, path_index, peer)
    wait_until(lambda: gone not in route_next_hops(lab, router, peer), 5)
    time.sleep(down_seconds)
    hops_while_down = route_next_hops(lab, router, peer)
    lab.restore_path_link(router, path_index)
    took = await_converged(frr)
    return RestartResult(path=path_index, hops_while_down=hops_while_down, seconds_to_full_route=took)


@dataclass(frozen=True)
class Withdrawal:
    # From the moment the path went silent until its next-hop left each router's route.
    withdrawn_seconds: dict[str, float]
    # Each router's gateways once both had withdrawn the path.
    hops_during: dict[str, tuple[str, ...]]
    # From the moment the path carried packets again until both routes held it again.
    returned_seconds: float
    # Monotonic clock at the silence and at the heal.
    silenced_at: float
    healed_at: float

    @property
    def failover_seconds(self) -> float:
        return max(self.withdrawn_seconds.values())


def fail_and_heal(
    frr: FrrLab, path_index: int, silent: Sequence[str], heal_at: float | None = None, pair: tuple[str, str] | None = None
) -> Withdrawal:
    """Silences the path (see ``measure_remote_death``), watches both routes of ``pair`` (r1 and r2 by
    default) drop it, heals it at ``heal_at`` (monotonic clock; default as soon as both dropped it) and
    waits for it to return."""
    lab = frr.lab
    pair = pair or first_pair(lab)
    peer_of = both_ways(pair)
    hop = hops_over(lab, path_index, pair)
    for router in silent:
        lab.silence(router, path_index)
    silenced = time.monotonic()
    withdrawn: dict[str, float] = {}
    while len(withdrawn) < len(hop):
        for router, address in hop.items():
            if router not in withdrawn and address not in route_next_hops(lab, router, peer_of[router]):
                withdrawn[router] = time.monotonic() - silenced
        if time.monotonic() - silenced > CONVERGE_TIMEOUT_SECONDS:
            raise TimeoutError(f"path {path_index} still in a route {CONVERGE_TIMEOUT_SECONDS} s after it went silent: {withdrawn}")
        time.sleep(0.005)
    hops_during = {router: route_next_hops(lab, router, peer_of[router]) for router in hop}
    if heal_at is not None:
        time.sleep(max(0.0, heal_at - time.monotonic()))
    for router in silent:
        lab.heal(router, path_index)
    healed = time.monotonic()
    returned = wait_until(
        lambda: all(address in route_next_hops(lab, router, peer_of[router]) for router, address in hop.items()), CONVERGE_TIMEOUT_SECONDS
    )
    return Withdrawal(withdrawn, hops_during, returned, silenced, healed)


Routes = dict[tuple[str, str], tuple[str, ...]]


@dataclass(frozen=True)
class PairCut:
    """One path cut between two sites alone, watched on every ordered pair's route."""

    path: int
    pair: tuple[str, str]
    # From the cut until the other's address on the path left each of the pair's two routes.
    withdrawn_seconds: dict[str, float]
    # Every pair's gateways the plan gives, and what each had once the cut had settled.
    planned: Routes
    during: Routes
    # Every route seen from the cut until it was mended that was neither as planned nor, for the pair,
    # as planned less the cut path's next hop: (seconds after the cut, sender, receiver, gateways).
    strays: tuple[tuple[float, str, str, tuple[str, ...]], ...]
    # From the mend until every route held every active path again and every BFD session was up.
    returned_seconds: float

    @property
    def failover_seconds(self) -> float:
        return max(self.withdrawn_seconds.values())

    def summary(self) -> str:
        first, second = self.pair
        withdrawn = ", ".join(f"{router} {seconds * 1000:.0f} ms" for router, seconds in sorted(self.withdrawn_seconds.items()))
        kept = f"the {len(self.planned) - 2} other routes kept all their paths"
        if self.strays:
            kept = f"{len(self.strays)} route readings were neither as planned nor as planned less the cut"
        return (
            f"path {self.path} cut between {first} and {second}: next hop withdrawn on {withdrawn}; "
            f"{kept}; "
            f"all back {self.returned_seconds * 1000:.0f} ms after the mend"
        )


def without_path(lab: NetnsLab, routes: Routes, path_index: int, pair: tuple[str, str]) -> Routes:
    """``routes`` with the pair's two routes lacking their next hop over the path."""
    peer_of = both_ways(pair)
    gone = {(router, peer_of[router]): address for router, address in hops_over(lab, path_index, pair).items()}
    return {key: tuple(hop for hop in hops if hop != gone.get(key)) for key, hops in routes.items()}


def cut_and_mend(frr: FrrLab, path_index: int, pair: tuple[str, str], hold_seconds: float) -> PairCut:
    """Cuts the path between the pair alone (``NetnsLab.cut``), watches every route until both of the
    pair's have dropped it and ``hold_seconds`` more, mends it and waits for the lab to converge."""
    lab = frr.lab
    first, second = pair
    planned = planned_next_hops(lab)
    cut = without_path(lab, planned, path_index, pair)
    hop = hops_over(lab, path_index, pair)
    peer_of = both_ways(pair)
    strays: list[tuple[float, str, str, tuple[str, ...]]] = []
    withdrawn: dict[str, float] = {}
    # The clock starts before the cut and each reading is timed once it is complete: the times are upper bounds.
    start = time.monotonic()
    lab.cut(path_index, first, second)
    settled_at: float | None = None
    while settled_at is None or time.monotonic() < settled_at + hold_seconds:
        seen = all_route_next_hops(lab)
        elapsed = time.monotonic() - start
        for (sender, receiver), gateways in seen.items():
            if gateways not in (planned[(sender, receiver)], cut[(sender, receiver)]):
                strays.append((elapsed, sender, receiver, gateways))
        for router, address in hop.items():
            if router not in withdrawn and address not in seen[(router, peer_of[router])]:
                withdrawn[router] = elapsed
        if settled_at is None and len(withdrawn) == len(hop):
            settled_at = time.monotonic()
        if elapsed > CONVERGE_TIMEOUT_SECONDS:
            raise TimeoutError(f"path {path_index} between {first} and {second} still routed {elapsed:.1f} s after the cut: {withdrawn}")
        time.sleep(0.005)
    during = all_route_next_hops(lab)
    lab.mend(path_index, first, second)
    returned = await_converged(frr, poll_seconds=0.02)
    return PairCut(path_index, pair, withdrawn, planned, during, tuple(strays), returned)


@dataclass(frozen=True)
class FailoverResult:
    active_paths: int
    rate_mbit: float
    flows: int
    detection_ms: int
    withdrawal: Withdrawal
    before_mbit: float
    during_mbit: float
    after_mbit: float
    # The longest time any one flow received nothing: before the failure (tail drops in the rate
    # caps alone cost a retransmission timeout now and then), from the failure until the path was
    # healed, and within that once failover and TCP recovery were done.
    longest_stall_before_seconds: float
    longest_stall_seconds: float
    longest_stall_after_failover_seconds: float

    @property
    def capacity_kept(self) -> float:
        return self.during_mbit / self.before_mbit

    def summary(self) -> str:
        k = self.active_paths
        withdrawn = ", ".join(f"{router} {seconds * 1000:.0f} ms" for router, seconds in sorted(self.withdrawal.withdrawn_seconds.items()))
        return "\n".join(
            [
                f"remote death of one of {k} paths ({self.rate_mbit:g} Mbit/s each, {self.flows} TCP flows, "
                f"BFD detection {self.detection_ms} ms):",
                f"  failover (silence -> next-hop withdrawn): {withdrawn}",
                f"  path back in both routes {self.withdrawal.returned_seconds * 1000:.0f} ms after it healed",
                f"  throughput before {self.before_mbit:.1f} Mbit/s, during {self.during_mbit:.1f} Mbit/s "
                f"({self.capacity_kept:.1%} of before; (K-1)/K = {(k - 1) / k:.1%}), after {self.after_mbit:.1f} Mbit/s",
                f"  longest time any flow received nothing: {self.longest_stall_before_seconds:.2f} s before the failure, "
                f"{self.longest_stall_seconds:.2f} s from the failure on, "
                f"{self.longest_stall_after_failover_seconds:.2f} s once failover and TCP recovery were done",
            ]
        )


@contextmanager
def iperf_between(lab: NetnsLab, pair: tuple[str, str], flows: int, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """A client running in the background from the pair's first floating IP to its second's, its server
    reporting every REPORT_SECONDS; both are gone on exit."""
    own, far = lab.plan.router(pair[0]), lab.plan.router(pair[1])
    server_ip, client_ip = str(far.floating_ip.ip), str(own.floating_ip.ip)
    with iperf3_server(lab.shell(far.name), server_ip, seconds=seconds, interval_seconds=REPORT_SECONDS):
        client = lab.shell(own.name).start(
            client_command(server_ip, client_ip, flows=flows, seconds=seconds, interval_seconds=REPORT_SECONDS)
        )
        try:
            yield client
        finally:
            stop_background(client)


def mean_mbit(intervals: Sequence[ReceivedInterval], start: float, end: float) -> float:
    chosen = [interval for interval in intervals if interval.start >= start and interval.end <= end]
    if not chosen:
        raise ValueError(f"no report interval lies within {start:.2f}..{end:.2f} s")
    return sum(sum(interval.stream_bytes) for interval in chosen) * 8 / 1e6 / sum(interval.end - interval.start for interval in chosen)


def longest_stall(intervals: Sequence[ReceivedInterval], since: float, until: float) -> float:
    longest = 0.0
    flows = len(intervals[0].stream_bytes) if intervals else 0
    for flow in range(flows):
        run = 0.0
        for interval in intervals:
            if interval.start < since or interval.end > until:
                continue
            run = run + (interval.end - interval.start) if interval.stream_bytes[flow] == 0 else 0.0
            longest = max(longest, run)
    return longest


def measure_remote_death(
    frr: FrrLab,
    *,
    path_index: int = 2,
    silent: Sequence[str] | None = None,
    flows: int = DEFAULT_FLOWS,
    before_seconds: float = 4.0,
    failed_seconds: float = 6.0,
    after_seconds: float = 4.0,
    pair: tuple[str, str] | None = None,
) -> FailoverResult:
    """The path goes silent in the middle of a long iperf3 run from ``pair``'s first router to its
    second (r1 to r2 by default), then recovers.

    A router in ``silent`` (both of the pair by default) has every packet it sends on the path dropped
    (its qdisc there replaced by a zero-length FIFO) while both interfaces stay up: both routers for an
    instance that died (it neither sends nor receives), one for a path that fails in one direction only.
    """
    lab = frr.lab
    pair = pair or first_pair(lab)
    total = before_seconds + failed_seconds + after_seconds
    with iperf_between(lab, pair, flows, total) as client:
        started = time.monotonic()
        time.sleep(before_seconds)
        withdrawal = fail_and_heal(frr, path_index, silent or pair, heal_at=started + before_seconds + failed_seconds, pair=pair)
        stdout, stderr = client.communicate(timeout=total + CLIENT_GRACE_SECONDS)
    intervals = received_intervals(client_report(lab.shell(pair[0]), CommandOutput(client.returncode, stdout, stderr)))
    fault_at, heal_at = withdrawal.silenced_at - started, withdrawal.healed_at - started
    steady_from = fault_at + withdrawal.failover_seconds + TCP_RECOVERY_SECONDS
    return FailoverResult(
        active_paths=lab.plan.active_path_count,
        rate_mbit=lab.rate_mbit or 0.0,
        flows=flows,
        detection_ms=lab.plan.routing.bfd.detection_ms,
        withdrawal=withdrawal,
        before_mbit=mean_mbit(intervals, 1.0, fault_at),
        during_mbit=mean_mbit(intervals, steady_from, heal_at),
        after_mbit=mean_mbit(intervals, heal_at + withdrawal.returned_seconds + 1.0, total),
        longest_stall_before_seconds=longest_stall(intervals, 1.0, fault_at),
        longest_stall_seconds=longest_stall(intervals, fault_at, heal_at),
        longest_stall_after_failover_seconds=longest_stall(intervals, steady_from, heal_at),
    )


@dataclass(frozen=True)
class FailoverReport:
    restart: RestartResult
    remote_death: FailoverResult
    # r2 alone goes silent on path 3: r1 stops hearing it, r2 learns from r1's BFD packets.
    one_way: Withdrawal
    # Three or more routers: path 2 cut between r1 and r2 alone.
    pair_cut: PairCut | None = None

    def summary(self) -> str:
        restart, k = self.restart, self.remote_death.active_paths
        one_way = ", ".join(f"{router} {seconds * 1000:.0f} ms" for router, seconds in sorted(self.one_way.withdrawn_seconds.items()))
        return "\n".join(
            [
                f"instance restart of path {restart.path}: the route kept {len(restart.hops_while_down)} of {k} next-hops "
                f"while its interface was gone; all {k} were back {restart.seconds_to_full_route * 1000:.0f} ms after it returned",
                self.remote_death.summary(),
                f"one-way failure (r2's packets on a path dropped): next-hop withdrawn on {one_way}; "
                f"back {self.one_way.returned_seconds * 1000:.0f} ms after it healed",
                *([self.pair_cut.summary()] if self.pair_cut else []),
            ]
        )


def run_failover_benchmark(
    paths: int, rate_mbit: float, flows: int, interval_ms: int, multiplier: int, *, routers: int = 2
) -> FailoverReport:
    """An instance restart on path 1, a remote death on path 2 under load, then a one-way failure on path 3,
    all between r1 and r2; with three or more routers, then path 2 cut between r1 and r2 alone."""
    plan = failover_plan(paths, interval_ms, multiplier, routers)
    with converged_frr_lab(plan, rate_mbit) as frr:
        restart = measure_instance_restart(frr, path_index=1)
        remote_death = measure_remote_death(frr, path_index=2, flows=flows)
        await_converged(frr)
        one_way = fail_and_heal(frr, path_index=3, silent=("r2",))
        pair_cut = None
        # Cutting one pair differs from a path's death only where the path is shared by more routers.
        if not plan.paths_are_point_to_point:
            await_converged(frr)
            pair_cut = cut_and_mend(frr, 2, ("r1", "r2"), hold_seconds=plan.routing.bfd.detection_ms / 1000)
    return FailoverReport(restart, remote_death, one_way, pair_cut)
