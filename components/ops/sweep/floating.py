"""iperf3 between routers' floating IPs, for the pairs a sweep measures: what every lab driver runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from components.model.plan import LabPlan
from components.ops.iperf import IPERF_PORT, IperfEnds, IperfReport, measure_iperf3_concurrently
from components.ops.shell import RouterShell
from components.ops.sweep.orchestration import Pair

# sshd's default MaxSessions (sshd_config(5)): the sessions one connection may carry at the same time.
SSHD_MAX_SESSIONS = 10


def sessions_at_once(pairs: Sequence[Pair]) -> Counter[str]:
    """The SSH sessions each router of ``pairs`` holds at the same time while they are measured: an
    iperf3 server for each pair it receives, a client for each pair it sends, and the check that a
    server listens (``measure_iperf3_concurrently``: servers first, then every client at once)."""
    held: Counter[str] = Counter()
    for sender, receiver in pairs:
        held[sender] += 1
        held[receiver] += 1
    return Counter({router: count + 1 for router, count in held.items()})


def fits_one_connection(pairs: Sequence[Pair], max_sessions: int = SSHD_MAX_SESSIONS) -> bool:
    """Whether every router's sessions fit on one connection to it (see ``sessions_at_once``)."""
    return max(sessions_at_once(pairs).values(), default=0) <= max_sessions


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
