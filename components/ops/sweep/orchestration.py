"""For K = 1..N active paths: apply K, measure the floating IPs of the chosen pairs, and whatever happens put K back.

``run_sweep`` only talks to a ``LabDriver``, so the same orchestration runs against a deployed stack
and against the network-namespace lab on this machine. A sweep measures one ordered pair of routers
(sender, receiver), or several at once: every router sending to every other (``all_pairs``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from components.model.figures import PUBLISHED_STREAMS
from components.ops.iperf import IperfReport

REFERENCE_SECONDS = 10

# (sender, receiver): router names; the sender runs the iperf3 client, the receiver its server.
Pair = tuple[str, str]


class LabDriver(Protocol):
    """What a sweep needs from a lab."""

    def routers(self) -> tuple[str, ...]:
        """The lab's router names, in the plan's order."""
        ...

    def path_count(self) -> int:
        """N: the paths that are built."""
        ...

    def active_paths(self) -> int:
        """K as the lab is set now."""
        ...

    def set_active_paths(self, active: int) -> None:
        """Make exactly the first ``active`` paths carry the floating IPs' traffic; returns once applied."""
        ...

    def measure(self, pairs: Sequence[Pair], flows: int, seconds: int) -> Mapping[Pair, IperfReport]:
        """iperf3 from each pair's sender's floating IP to its receiver's, all pairs at the same time,
        ``flows`` parallel TCP streams each for ``seconds``."""
        ...


def all_pairs(routers: Sequence[str]) -> tuple[Pair, ...]:
    """Every ordered pair, in router order: every router sending to every other."""
    return tuple((sender, receiver) for sender in routers for receiver in routers if sender != receiver)


def default_pairs(routers: Sequence[str]) -> tuple[Pair, ...] | None:
    """The pair a sweep measures unless told otherwise: a two-router lab's first router to its second
    (the published reference test); None where there are more routers and no pair stands out."""
    return ((routers[0], routers[1]),) if len(routers) == 2 else None


def pair_problems(pairs: Sequence[Pair], routers: Sequence[str]) -> list[str]:
    """Why ``pairs`` cannot be measured on a lab of ``routers`` (empty when they can)."""
    known = ", ".join(routers)
    problems = [] if pairs else ["no pair of routers to measure"]
    for sender, receiver in pairs:
        problems += [f"{name!r} is not a router of this lab ({known})" for name in (sender, receiver) if name not in routers]
        if sender == receiver:
            problems.append(f"{sender} cannot measure itself: a pair is two different routers")
    if len(set(pairs)) != len(pairs):
        problems.append("a pair is named twice")
    return problems


@dataclass(frozen=True)
class SweepRow:
    """One K: each pair's report, in the order measured (the pairs ran at the same time)."""

    active_paths: int
    flows: int
    seconds: int
    reports: Mapping[Pair, IperfReport]

    @property
    def pairs(self) -> tuple[Pair, ...]:
        return tuple(self.reports)

    @property
    def report(self) -> IperfReport:
        """The one pair's report, where one pair was measured."""
        if len(self.reports) != 1:
            raise ValueError(f"K={self.active_paths} measured {len(self.reports)} pairs at once, not one")
        return next(iter(self.reports.values()))

    @property
    def received_bits_per_second(self) -> float:
        """The total: every pair's received rate, added up."""
        return sum(report.received_bits_per_second for report in self.reports.values())

    @property
    def sent_bits_per_second(self) -> float:
        return sum(report.sent_bits_per_second for report in self.reports.values())

    @property
    def received_gbps(self) -> float:
        return self.received_bits_per_second / 1e9

    @property
    def sent_gbps(self) -> float:
        return self.sent_bits_per_second / 1e9

    @property
    def retransmits(self) -> int | None:
        """Every pair's retransmits added up; None when some report has none (iperf3 could not tell)."""
        counts = [report.retransmits for report in self.reports.values()]
        return None if None in counts else sum(count for count in counts if count is not None)


def _measured(row: SweepRow) -> str:
    if len(row.reports) == 1:
        return f"{row.report.received_gbps:.3f} Gbit/s received, retransmits {row.report.retransmits}"
    return f"{row.received_gbps:.3f} Gbit/s received in total by {len(row.reports)} pairs, retransmits {row.retransmits}"


def run_sweep(
    driver: LabDriver,
    *,
    pairs: Sequence[Pair] | None = None,
    flows: int = PUBLISHED_STREAMS,
    seconds: int = REFERENCE_SECONDS,
    progress: Callable[[str], None] = print,
    on_row: Callable[[SweepRow], None] = lambda row: None,
    restoring: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
) -> list[SweepRow]:
    """Apply K = 1..N in turn and measure ``pairs`` at each, all at once (by default a two-router lab's
    first router to its second); afterwards (even after an error or an interrupt) apply the original K
    again, inside ``restoring()`` (the command line defers Ctrl-C there). Pairs the lab does not have
    are refused before anything changes."""
    routers = driver.routers()
    chosen = tuple(pairs) if pairs is not None else default_pairs(routers)
    if chosen is None:
        raise ValueError(f"a lab of {len(routers)} routers ({', '.join(routers)}) has no default pair: name the pairs to measure")
    if problems := pair_problems(chosen, routers):
        raise ValueError("; ".join(problems))
    original = driver.active_paths()
    count = driver.path_count()
    rows: list[SweepRow] = []
    # The K the lab is known to be at; None while a change is under way (its outcome unknown).
    settled: int | None = original
    at_once = "" if len(chosen) == 1 else f"{len(chosen)} pairs at once, "
    try:
        for active in range(1, count + 1):
            progress(f"[{active}/{count}] applying K={active}")
            settled = None
            driver.set_active_paths(active)
            settled = active
            progress(f"[{active}/{count}] iperf3: {at_once}{flows} flows{' each' if at_once else ''} for {seconds} s")
            measured = driver.measure(chosen, flows, seconds)
            if missing := [f"{sender} -> {receiver}" for sender, receiver in chosen if (sender, receiver) not in measured]:
                raise RuntimeError(f"the lab measured no report for {', '.join(missing)}")
            row = SweepRow(active, flows, seconds, {pair: measured[pair] for pair in chosen})
            rows.append(row)
            on_row(row)
            progress(f"[{active}/{count}] K={active}: {_measured(row)}")
            if len(chosen) > 1:
                for (sender, receiver), report in row.reports.items():
                    progress(f"[{active}/{count}]   {sender} -> {receiver}: {report.received_gbps:.3f} Gbit/s received")
    finally:
        if settled != original:
            with restoring():
                progress(f"restoring K={original}")
                driver.set_active_paths(original)
                progress(f"K={original} restored")
    return rows
