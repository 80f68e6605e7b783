"""A deployed lab as a sweep sees it: K through the stack's ``paths.active`` and ``pulumi up``, iperf3 over SSH."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components.model.plan import LabPlan
from components.ops.iperf import IPERF_PORT, IperfReport, measure_iperf3
from components.ops.shell import RouterShell
from components.stack.automation import StackPaths


@dataclass
class StackLabDriver:
    """The reference test on the floating IPs: the server on the plan's second router, the client on its first."""

    paths: StackPaths
    plan: LabPlan
    shells: Mapping[str, RouterShell]
    port: int = IPERF_PORT

    def path_count(self) -> int:
        return self.paths.count

    def active_paths(self) -> int:
        return self.paths.active()

    def set_active_paths(self, active: int) -> None:
        self.paths.set_active(active)

    def measure(self, flows: int, seconds: int) -> IperfReport:
        client, server = self.plan.routers
        return measure_iperf3(
            self.shells[server.name],
            self.shells[client.name],
            server_ip=str(server.floating_ip.ip),
            client_ip=str(client.floating_ip.ip),
            flows=flows,
            seconds=seconds,
            port=self.port,
        )
