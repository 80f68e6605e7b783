"""A deployed lab as a sweep sees it: K through the stack's ``paths.active`` and ``pulumi up``, iperf3 over SSH."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components.model.plan import LabPlan
from components.ops.iperf import IPERF_PORT, IperfReport
from components.ops.shell import RouterShell
from components.ops.sweep.floating import measure_floating_ips
from components.ops.sweep.orchestration import Pair
from components.stack.automation import StackPaths


@dataclass
class StackLabDriver:
    """The reference test on the floating IPs, between the routers of each pair: the server on the
    receiver, the client on the sender."""

    paths: StackPaths
    plan: LabPlan
    shells: Mapping[str, RouterShell]
    port: int = IPERF_PORT

    def routers(self) -> tuple[str, ...]:
        return self.plan.router_names

    def path_count(self) -> int:
        return self.paths.count

    def active_paths(self) -> int:
        return self.paths.active()

    def set_active_paths(self, active: int) -> None:
        self.paths.set_active(active)

    def measure(self, pairs: Sequence[Pair], flows: int, seconds: int) -> Mapping[Pair, IperfReport]:
        return measure_floating_ips(self.plan, self.shells, pairs, flows=flows, seconds=seconds, port=self.port)
