"""What the path interfaces of a namespace lab moved: per interface, and around one iperf3 run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components.ops.iperf import IperfReport


@dataclass(frozen=True)
class LinkCounters:
    """Bytes one path interface transmitted and received."""

    tx: int
    rx: int

    def __sub__(self, other: LinkCounters) -> LinkCounters:
        return LinkCounters(self.tx - other.tx, self.rx - other.rx)


@dataclass(frozen=True)
class RunOverPaths:
    """An iperf3 run between two floating IPs, and what every router's path interfaces moved meanwhile."""

    sender: str
    receiver: str
    report: IperfReport
    # By router, then by path interface: bytes transmitted and received during the run.
    counters: Mapping[str, Mapping[str, LinkCounters]]

    @property
    def link_tx_bytes(self) -> dict[str, int]:
        """What each path interface of the sender transmitted."""
        return self.tx_bytes(self.sender)

    def tx_bytes(self, router: str) -> dict[str, int]:
        return {name: counters.tx for name, counters in self.counters[router].items()}

    def rx_bytes(self, router: str) -> dict[str, int]:
        return {name: counters.rx for name, counters in self.counters[router].items()}

    @property
    def received_mbit(self) -> float:
        return self.report.received_bits_per_second / 1e6
