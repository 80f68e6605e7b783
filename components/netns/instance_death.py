"""One instance's death and return, measured: iproute2 routes in the network-namespace lab, under load.

An instance that stops takes its path interface with it; when Docker starts it again the interface
comes back with the same name and address. In the lab that is ``NetnsLab.remove_path_link`` and
``restore_path_link`` on r1. Between two routers the path is one veth pair, so both ends go at once:
both routers lose the path, where on a real lab the far router keeps its interface and next hop (and
black-holes the flows it hashes onto that path until the instance is back, see the README's failure
model).

With the routes as nexthop groups (render/linux/routing.py) the kernel keeps the other K-1 members
when a member's interface goes, and the route keeper (keeper.sh, running as a background process in
each namespace) puts the member back once its interface is there again. Each path is capped at
``rate`` Mbit/s in each direction, so while the path is gone the route can carry (K-1)/K of before.
Throughput and per-flow progress come from the receiving side's iperf3 reports every quarter second.

Run with ``python -m components.netns.instance_death``; needs root and iperf3.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

from components.netns.bfd_failover import (
    TCP_RECOVERY_SECONDS,
    iperf_between,
    longest_stall,
    mean_mbit,
    wait_until,
)
from components.netns.frr import route_next_hops
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.ops.iperf import CLIENT_GRACE_SECONDS, client_report, received_intervals
from components.ops.shell import CommandOutput

DEFAULT_PATHS = 4
DEFAULT_RATE_MBIT = 100.0
# All four paths carry a flow except with probability below one in a million (see test_netns_lab).
DEFAULT_FLOWS = 53
# The keeper looks once a second; a path is back in both routes well within this, or never.
REJOIN_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class InstanceDeath:
    active_paths: int
    rate_mbit: float
    flows: int
    path: int
    # Each router's gateways to the other while the path was gone.
    hops_during: dict[str, tuple[str, ...]]
    # Bytes r1 sent on each remaining path interface while the path was gone.
    sent_during: dict[str, int]
    before_mbit: float
    during_mbit: float
    after_mbit: float
    # From the interface's return until both routes held the path again: the keeper's doing alone.
    rejoin_seconds: float
    # The longest time any flow received nothing once TCP had recovered from the loss, while the path was gone.
    longest_stall_during_seconds: float

    @property
    def capacity_kept(self) -> float:
        return self.during_mbit / self.before_mbit

    def summary(self) -> str:
        k = self.active_paths
        return "\n".join(
            [
                f"instance death on path {self.path} of {k} ({self.rate_mbit:g} Mbit/s each, {self.flows} TCP flows, iproute2 routes):",
                f"  while it was gone r1 routed over {len(self.hops_during['r1'])} and r2 over {len(self.hops_during['r2'])} of {k} paths",
                f"  throughput before {self.before_mbit:.1f} Mbit/s, during {self.during_mbit:.1f} Mbit/s "
                f"({self.capacity_kept:.1%} of before; (K-1)/K = {(k - 1) / k:.1%}), after {self.after_mbit:.1f} Mbit/s",
                f"  longest time any flow received nothing while it was gone: {self.longest_stall_during_seconds:.2f} s",
                f"  back in both routes {self.rejoin_seconds * 1000:.0f} ms after its interface returned, with no apply",
            ]
        )


def _sent(lab: NetnsLab, router: str) -> dict[str, int]:
    """Bytes each of the router's path interfaces that exists now has sent."""
    links = json.loads(lab.exec(router, ["ip", "-j", "-s", "link", "show"]).stdout)
    wanted = set(lab.plan.interfaces_on(router))
    return {link["ifname"]: int(link["stats64"]["tx"]["bytes"]) for link in links if link["ifname"] in wanted}


def path_gateways(lab: NetnsLab, path_index: int) -> dict[str, str]:
    """Each router's next hop to the other over the path."""
    gateways = {}
    for router in ("r1", "r2"):
        route = lab.plan.router(router).route_to(lab.peer(router).name)
        [hop] = [hop for hop in route.next_hops if hop.path_index == path_index]
        gateways[router] = str(hop.address)
    return gateways


def await_path_in_routes(lab: NetnsLab, path_index: int, timeout_seconds: float = REJOIN_TIMEOUT_SECONDS) -> float:
    """Seconds until both routers route over the path again; TimeoutError after ``timeout_seconds``."""
    gateways = path_gateways(lab, path_index)
    return wait_until(
        lambda: all(gateway in route_next_hops(lab, router) for router, gateway in gateways.items()), timeout_seconds, poll_seconds=0.02
    )


def measure_instance_death(
    lab: NetnsLab,
    *,
    path_index: int = 2,
    flows: int = DEFAULT_FLOWS,
    before_seconds: float = 4.0,
    dead_seconds: float = 6.0,
    after_seconds: float = 4.0,
) -> InstanceDeath:
    """r1's instance on the path dies in the middle of a long iperf3 run from r1 to r2, and comes back.

    The lab must be applied (two routers, iproute2 routes) with its keepers running."""
    gateways = path_gateways(lab, path_index)
    total = before_seconds + dead_seconds + after_seconds
    with iperf_between(lab, ("r1", "r2"), flows, total) as client:
        started = time.monotonic()
        time.sleep(before_seconds)
        died = time.monotonic()
        lab.remove_path_link("r1", path_index)
        wait_until(lambda: all(gateway not in route_next_hops(lab, router) for router, gateway in gateways.items()), 5)
        hops_during = {router: route_next_hops(lab, router) for router in ("r1", "r2")}
        sent_from = _sent(lab, "r1")
        time.sleep(max(0.0, died + dead_seconds - time.monotonic()))
        sent_until = _sent(lab, "r1")
        returned = time.monotonic()
        lab.restore_path_link("r1", path_index)
        rejoin = await_path_in_routes(lab, path_index)
        stdout, stderr = client.communicate(timeout=total + CLIENT_GRACE_SECONDS)
    intervals = received_intervals(client_report(lab.shell("r1"), CommandOutput(client.returncode, stdout, stderr)))
    fault_at, heal_at = died - started, returned - started
    return InstanceDeath(
        active_paths=lab.plan.active_path_count,
        rate_mbit=lab.rate_mbit or 0.0,
        flows=flows,
        path=path_index,
        hops_during=hops_during,
        sent_during={name: sent_until[name] - sent_from[name] for name in sent_from if name in sent_until},
        before_mbit=mean_mbit(intervals, 1.0, fault_at),
        during_mbit=mean_mbit(intervals, fault_at + TCP_RECOVERY_SECONDS, heal_at),
        after_mbit=mean_mbit(intervals, heal_at + rejoin + 1.0, total),
        rejoin_seconds=rejoin,
        longest_stall_during_seconds=longest_stall(intervals, fault_at + TCP_RECOVERY_SECONDS, heal_at),
    )


def run_instance_death(paths: int = DEFAULT_PATHS, rate_mbit: float = DEFAULT_RATE_MBIT, flows: int = DEFAULT_FLOWS) -> InstanceDeath:
    """The two-router namespace lab with iproute2 routes and its keepers: path 2's instance on r1 dies and returns."""
    with netns_lab(netns_lab_plan(paths, stack="death"), rate_mbit=rate_mbit) as lab:
        lab.apply()
        lab.start_keepers()
        return measure_instance_death(lab, flows=flows)


def main() -> int:
    print(run_instance_death().summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
