"""The capacity estimate: what the instances should move between the floating IPs, and what caps it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.model.settings import LINK_SPEED_GBPS, LabConfig

# iperf3 goodput over a clean link is about 94% of line rate (941 Mbit/s on 1G, 9.35 Gbit/s on
# 10G in the reference measurements); no tunnel can beat that.
LINK_GOODPUT_RATIO = 0.94


@dataclass(frozen=True)
class CapacityEstimate:
    """What the lab should move. ``estimated_gbps`` is one router sending while the others only receive:
    one pair on its own, or what one router sends in total to all its peers.

    With more than two routers, a router's instance i carries the flows to all of its peers, so when
    every router sends to every other at once (``all_busy``), each instance decrypts as much as it
    encrypts and has half its rate left for sending; a router's sending then divides among its M - 1
    peers. Through a hub, every spoke-to-spoke flow is decrypted and encrypted again by the hub's
    instances and crosses the hub's link twice, so the hub carries (M - 1)^2 pairs' worth of flows.
    """

    instance_gbps: float
    threads_per_instance: int
    active_paths: int
    link_gbps: float
    link_goodput_gbps: float
    estimated_gbps: float
    limited_by: Literal["instances", "link"]
    routers: int = 2
    through_hub: bool = False

    def at(self, active_paths: int) -> float:
        """The estimate had K been ``active_paths``."""
        return _capped(active_paths, self.threads_per_instance, self.instance_gbps, self.link_goodput_gbps)

    @property
    def peers(self) -> int:
        return self.routers - 1

    def _both_ways(self, active_paths: int) -> float:
        """One router's sending while its instances also decrypt as much as they encrypt."""
        return _capped(active_paths, self.threads_per_instance, self.instance_gbps / 2, self.link_goodput_gbps)

    def pair_gbps(self, *, all_busy: bool, spokes: bool = False) -> float:
        """One ordered pair: alone, or while every router sends to every other. ``spokes``: both ends are
        spokes, so the flow goes through the hub."""
        return self.pair_at(self.active_paths, all_busy=all_busy, spokes=spokes)

    def pair_at(self, active_paths: int, *, all_busy: bool, spokes: bool = False) -> float:
        """``pair_gbps`` had K been ``active_paths``: what a sweep sets each pair's measurement beside."""
        if not all_busy:
            return self._both_ways(active_paths) if spokes and self.through_hub else self.at(active_paths)
        if self.through_hub:
            return round(self._both_ways(active_paths) / self.peers**2, 3)
        return round(self._both_ways(active_paths) / self.peers, 3)

    @property
    def all_busy_router_gbps(self) -> float:
        """What each router sends in total, to all its peers, while every router sends to every other."""
        return round(self.pair_gbps(all_busy=True) * self.peers, 3)


def _capped(active_paths: int, threads: int, instance_gbps: float, goodput_gbps: float) -> float:
    """Instances times their rate, capped by the link's goodput: the one formula of the estimate."""
    return round(min(active_paths * threads * instance_gbps, goodput_gbps), 3)


def estimate_capacity(config: LabConfig) -> CapacityEstimate:
    """Expected aggregate between the floating IPs: instances x per-instance rate, capped by the slower link."""
    link = min(LINK_SPEED_GBPS[router.underlay.speed] for router in config.routers)
    goodput = round(link * LINK_GOODPUT_RATIO, 3)
    zt = config.zerotier
    threads = zt.concurrency if zt.mode != "multi-instance" and zt.concurrency else 1
    instances = config.active_paths
    uncapped = _capped(instances, threads, config.hardware.instance_gbps, float("inf"))
    limited_by: Literal["instances", "link"] = "link" if uncapped > goodput else "instances"
    return CapacityEstimate(
        routers=len(config.routers),
        through_hub=config.routing.active_hub is not None,
        instance_gbps=config.hardware.instance_gbps,
        threads_per_instance=threads,
        active_paths=instances,
        link_gbps=link,
        link_goodput_gbps=goodput,
        estimated_gbps=min(uncapped, goodput),
        limited_by=limited_by,
    )
