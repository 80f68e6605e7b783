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
    instance_gbps: float
    threads_per_instance: int
    active_paths: int
    link_gbps: float
    link_goodput_gbps: float
    estimated_gbps: float
    limited_by: Literal["instances", "link"]

    def at(self, active_paths: int) -> float:
        """The estimate had K been ``active_paths``."""
        return _capped(active_paths, self.threads_per_instance, self.instance_gbps, self.link_goodput_gbps)


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
        instance_gbps=config.hardware.instance_gbps,
        threads_per_instance=threads,
        active_paths=instances,
        link_gbps=link,
        link_goodput_gbps=goodput,
        estimated_gbps=min(uncapped, goodput),
        limited_by=limited_by,
    )
