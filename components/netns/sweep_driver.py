"""The network-namespace lab as a sweep sees it: K by re-running the rendered Linux scripts, iperf3 in the namespaces.

Lives with the lab rather than with the sweep: the lab tools (``components.ops``) never depend on the
namespace lab, only the lab on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components.model.plan import LabPlan
from components.netns.lab import NetnsLab
from components.netns.lab_settings import netns_lab_config, netns_lab_plan
from components.ops.iperf import IPERF_PORT, IperfReport
from components.ops.sweep.floating import measure_floating_ips
from components.ops.sweep.orchestration import Pair


def netns_sweep_plan(paths: int, active: int | None, rate_mbit: float) -> LabPlan:
    """The namespace lab's plan, its per-instance rate set to the links' cap so the estimate is K x R."""
    base = netns_lab_config(paths, active)
    hardware = base.hardware.model_dump(by_alias=True, exclude_none=True) | {"instanceGbps": rate_mbit / 1000}
    return netns_lab_plan(paths, active, stack_settings={"hardware": hardware})


@dataclass
class NetnsLabDriver:
    """The namespace lab: its routers are namespaces, iperf3 runs in them through their shells."""

    lab: NetnsLab
    rate_mbit: float
    port: int = IPERF_PORT

    def routers(self) -> tuple[str, ...]:
        return self.lab.plan.router_names

    def path_count(self) -> int:
        return self.lab.plan.path_count

    def active_paths(self) -> int:
        return self.lab.plan.active_path_count

    def set_active_paths(self, active: int) -> None:
        self.lab.apply(netns_sweep_plan(self.path_count(), active, self.rate_mbit))

    def measure(self, pairs: Sequence[Pair], flows: int, seconds: int) -> Mapping[Pair, IperfReport]:
        return measure_floating_ips(self.lab.plan, self.lab.shells(), pairs, flows=flows, seconds=seconds, port=self.port)
