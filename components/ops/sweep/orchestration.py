"""For K = 1..N active paths: apply K, measure the floating IPs, and whatever happens put K back.

``run_sweep`` only talks to a ``LabDriver``, so the same orchestration runs against a deployed stack
and against the network-namespace lab on this machine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from components.model.figures import PUBLISHED_STREAMS
from components.ops.iperf import IperfReport

REFERENCE_SECONDS = 10


class LabDriver(Protocol):
    """What a sweep needs from a lab."""

    def path_count(self) -> int:
        """N: the paths that are built."""
        ...

    def active_paths(self) -> int:
        """K as the lab is set now."""
        ...

    def set_active_paths(self, active: int) -> None:
        """Make exactly the first ``active`` paths carry the floating IPs' traffic; returns once applied."""
        ...

    def measure(self, flows: int, seconds: int) -> IperfReport:
        """iperf3 between the floating IPs: ``flows`` parallel TCP streams for ``seconds``."""
        ...


@dataclass(frozen=True)
class SweepRow:
    active_paths: int
    flows: int
    seconds: int
    report: IperfReport


def run_sweep(
    driver: LabDriver,
    *,
    flows: int = PUBLISHED_STREAMS,
    seconds: int = REFERENCE_SECONDS,
    progress: Callable[[str], None] = print,
    on_row: Callable[[SweepRow], None] = lambda row: None,
    restoring: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
) -> list[SweepRow]:
    """Apply K = 1..N in turn and measure each; afterwards (even after an error or an interrupt) apply
    the original K again, inside ``restoring()`` (the command line defers Ctrl-C there)."""
    original = driver.active_paths()
    count = driver.path_count()
    rows: list[SweepRow] = []
    # The K the lab is known to be at; None while a change is under way (its outcome unknown).
    settled: int | None = original
    try:
        for active in range(1, count + 1):
            progress(f"[{active}/{count}] applying K={active}")
            settled = None
            driver.set_active_paths(active)
            settled = active
            progress(f"[{active}/{count}] iperf3: {flows} flows for {seconds} s")
            row = SweepRow(active, flows, seconds, driver.measure(flows, seconds))
            rows.append(row)
            on_row(row)
            progress(f"[{active}/{count}] K={active}: {row.report.received_gbps:.3f} Gbit/s received, retransmits {row.report.retransmits}")
    finally:
        if settled != original:
            with restoring():
                progress(f"restoring K={original}")
                driver.set_active_paths(original)
                progress(f"K={original} restored")
    return rows
