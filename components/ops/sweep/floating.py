"""iperf3 between routers' floating IPs, for the pairs a sweep measures: what every lab driver runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from components.model.plan import LabPlan
from components.ops.iperf import IPERF_PORT, IperfEnds, IperfReport, measure_iperf3_concurrently
from components.ops.shell import RouterShell
from components.ops.sweep.orchestration import Pair


def floating_ip_tests(plan: LabPlan, shells: Mapping[str, RouterShell], pairs: Sequence[Pair]) -> dict[Pair, IperfEnds]:
    """Per pair: the server on the receiver bound to its floating IP, the client on the sender bound to its own."""
    return {
        (sender, receiver): IperfEnds(
            server=shells[receiver],
            client=shells[sender],
            server_ip=str(plan.router(receiver).floating_ip.ip),
            client_ip=str(plan.router(sender).floating_ip.ip),
        )
        for sender, receiver in pairs
    }


def measure_floating_ips(
    plan: LabPlan, shells: Mapping[str, RouterShell], pairs: Sequence[Pair], *, flows: int, seconds: int, port: int = IPERF_PORT
) -> dict[Pair, IperfReport]:
    """Every pair at the same time, ``flows`` streams each; each receiver's servers on ``port``, ``port`` + 1, ...
    (``concurrent_ports``)."""
    return measure_iperf3_concurrently(floating_ip_tests(plan, shells, pairs), flows=flows, seconds=seconds, port=port)
