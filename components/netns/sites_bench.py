"""Benchmark of more than two sites in the network-namespace lab: M routers on one bridge per path.

For each K every router sends to every other at once, each pair with the flow count that uses all K
paths (at the coverage target, components/netns/flow_coverage.py): the efficiency of each pair and of
the whole lab is printed beside the two-router figure, measured in a two-router lab at the same K and
flow count.

Run with ``python -m components bench-netns --routers 3 --paths 3``; needs root and iperf3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from components.model.figures import PUBLISHED_MEASUREMENTS
from components.netns.flow_coverage import COVERAGE_TARGET, MAX_IPERF_FLOWS, recommended_flows, scaling_efficiency
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.ops.iperf import measure_iperf3_concurrently
from components.ops.reports import ScalingFigure, Series, csv_text, markdown_table, published_series, render_scaling_plot, scaling_figure
from components.ops.sweep.floating import floating_ip_tests


@dataclass(frozen=True)
class PairThroughput:
    sender: str
    receiver: str
    mbit: float


@dataclass(frozen=True)
class SitesRow:
    """One K: the two-router figure, and M routers with every router sending to every other at once.

    The lab's token buckets cap each path interface at R in each direction separately (a router's
    sending, and what the bridge delivers to it), so a router can send K x R in total while it also
    receives K x R: the ideal is K x R per router, K x R / (M - 1) per pair, M x K x R for the lab.
    (A real instance encrypts and decrypts on one core; the plan's capacity estimate halves its rate
    for that when all pairs are busy. The token buckets model the paths, not that core.)
    """

    active_paths: int
    flows: int
    rate_mbit: float
    routers: int
    two_router_mbit: float
    pairs: tuple[PairThroughput, ...]

    @property
    def two_router_efficiency(self) -> float:
        return scaling_efficiency(self.two_router_mbit, self.active_paths, self.rate_mbit)

    @property
    def total_mbit(self) -> float:
        return sum(pair.mbit for pair in self.pairs)

    @property
    def ideal_total_mbit(self) -> float:
        return self.routers * self.active_paths * self.rate_mbit

    @property
    def total_efficiency(self) -> float:
        return self.total_mbit / self.ideal_total_mbit

    @property
    def ideal_pair_mbit(self) -> float:
        return self.active_paths * self.rate_mbit / (self.routers - 1)

    def pair_efficiency(self, pair: PairThroughput) -> float:
        return pair.mbit / self.ideal_pair_mbit

    @property
    def pair_efficiencies(self) -> tuple[float, ...]:
        return tuple(self.pair_efficiency(pair) for pair in self.pairs)


SITES_CSV_COLUMNS = (
    "routers",
    "active_paths",
    "flows_per_pair",
    "rate_mbit",
    "sender",
    "receiver",
    "mbit",
    "ideal_mbit",
    "efficiency",
)


def render_sites_csv(rows: Sequence[SitesRow]) -> str:
    """Per K: one line per pair, the M-router total (sender and receiver ``all``), and the two-router run (routers 2)."""
    lines: list[tuple[object, ...]] = []
    for row in rows:
        common = (row.active_paths, row.flows, f"{row.rate_mbit:g}")
        lines += [
            (
                row.routers,
                *common,
                pair.sender,
                pair.receiver,
                f"{pair.mbit:.1f}",
                f"{row.ideal_pair_mbit:.1f}",
                f"{row.pair_efficiency(pair):.3f}",
            )
            for pair in row.pairs
        ]
        lines.append(
            (row.routers, *common, "all", "all", f"{row.total_mbit:.1f}", f"{row.ideal_total_mbit:.1f}", f"{row.total_efficiency:.3f}")
        )
        ideal_two = row.active_paths * row.rate_mbit
        lines.append((2, *common, "r1", "r2", f"{row.two_router_mbit:.1f}", f"{ideal_two:.1f}", f"{row.two_router_efficiency:.3f}"))
    return csv_text(SITES_CSV_COLUMNS, lines)


def render_sites_markdown(rows: Sequence[SitesRow]) -> str:
    """The totals per K beside the two-router figures, then each pair's efficiency per K."""
    routers, rate = rows[0].routers, rows[0].rate_mbit
    totals = markdown_table(
        (
            "K",
            "flows per pair",
            "2 routers: Mbit/s",
            "K x R",
            "efficiency",
            f"{routers} routers: total Mbit/s",
            "M x K x R",
            "efficiency",
            "per pair: least",
            "most",
        ),
        "rrrrrrrrrr",
        (
            (
                row.active_paths,
                row.flows,
                f"{row.two_router_mbit:.1f}",
                f"{row.active_paths * row.rate_mbit:g}",
                f"{row.two_router_efficiency:.3f}",
                f"{row.total_mbit:.1f}",
                f"{row.ideal_total_mbit:g}",
                f"{row.total_efficiency:.3f}",
                f"{min(row.pair_efficiencies):.3f}",
                f"{max(row.pair_efficiencies):.3f}",
            )
            for row in rows
        ),
    )
    names = [(pair.sender, pair.receiver) for pair in rows[0].pairs]
    per_pair = markdown_table(
        ("pair", *(f"K={row.active_paths}" for row in rows)),
        "l" + "r" * len(rows),
        (
            (
                f"{sender} -> {receiver}",
                *(f"{row.pair_efficiency(row.pairs[index]):.3f} ({row.pairs[index].mbit:.1f})" for row in rows),
            )
            for index, (sender, receiver) in enumerate(names)
        ),
    )
    return "\n".join(
        [
            f"Two routers (r1 -> r2, alone) beside {routers} routers with every router sending to every other at once; "
            f"R = {rate:g} Mbit/s per path and direction.",
            "",
            totals.rstrip("\n"),
            "",
            f"Per pair, all pairs busy: efficiency against K x R / {routers - 1} each (Mbit/s in brackets).",
            "",
            per_pair.rstrip("\n"),
            "",
        ]
    )


def sites_figure(rows: Sequence[SitesRow]) -> ScalingFigure:
    """What one router sends per K: alone to one peer (two routers), and with all M busy (the total over M)."""
    rate = rows[0].rate_mbit
    routers = rows[0].routers
    return scaling_figure(
        unit="Mbit/s",
        measured=[
            Series.of("netns lab, 2 routers", "measured", ((row.active_paths, row.two_router_mbit) for row in rows)),
            Series.of(
                f"netns lab, {routers} routers all busy, per router",
                "measured",
                ((row.active_paths, row.total_mbit / routers) for row in rows),
            ),
        ],
        ideal=Series.of(f"ideal: K x {rate:g} Mbit/s", "ideal", ((row.active_paths, row.active_paths * rate) for row in rows)),
        references=[published_series(reference) for reference in PUBLISHED_MEASUREMENTS.values()],
    )


def all_pairs_at_once(lab: NetnsLab, flows: int, seconds: float) -> tuple[PairThroughput, ...]:
    """Every router sends ``flows`` TCP streams to every other at the same time, one iperf3 per ordered
    pair (``measure_iperf3_concurrently``: each receiver a server per sender, on ports from IPERF_PORT)."""
    pairs = [(sender.name, receiver.name) for sender, receiver in lab.plan.pairs()]
    reports = measure_iperf3_concurrently(floating_ip_tests(lab.plan, lab.shells(), pairs), flows=flows, seconds=seconds)
    return tuple(PairThroughput(sender, receiver, reports[(sender, receiver)].received_bits_per_second / 1e6) for sender, receiver in pairs)


def run_sites_benchmark(
    *,
    routers: int,
    paths: int = 8,
    rate_mbit: float = 100,
    seconds: float = 5,
    out_dir: Path = Path("bench-netns"),
    target: float = COVERAGE_TARGET,
    progress: Callable[[str], None] = print,
) -> list[SitesRow]:
    """For K = 1..paths: r1 -> r2 in a two-router lab, then all pairs of ``routers`` at once; write CSV, Markdown and PNG."""
    if routers < 3:
        raise ValueError(f"the sites benchmark compares three or more routers with two; got {routers}")
    flows = {active: recommended_flows(active, target) for active in range(1, paths + 1)}
    if max(flows.values()) > MAX_IPERF_FLOWS:
        raise ValueError(f"{paths} paths need {flows[paths]} flows for {target:.0%} coverage; iperf3 runs at most {MAX_IPERF_FLOWS}")
    progress(
        f"{paths} paths at {rate_mbit:g} Mbit/s each and direction; per pair "
        + ", ".join(f"K={active}: {count} flows" for active, count in flows.items())
        + f" (all K paths used with probability >= {target})"
    )
    two: dict[int, float] = {}
    with netns_lab(netns_lab_plan(paths), rate_mbit=rate_mbit) as lab:
        for active in range(1, paths + 1):
            lab.apply(netns_lab_plan(paths, active))
            two[active] = lab.iperf("r1", flows[active], seconds).received_mbit
            progress(f"2 routers, K={active}: r1 -> r2 {two[active]:.1f} Mbit/s, efficiency {two[active] / (active * rate_mbit):.3f}")
        lab.undo()
    rows: list[SitesRow] = []
    with netns_lab(netns_lab_plan(paths, routers=routers), rate_mbit=rate_mbit) as lab:
        for active in range(1, paths + 1):
            lab.apply(netns_lab_plan(paths, active, routers=routers))
            row = SitesRow(
                active_paths=active,
                flows=flows[active],
                rate_mbit=rate_mbit,
                routers=routers,
                two_router_mbit=two[active],
                pairs=all_pairs_at_once(lab, flows[active], seconds),
            )
            rows.append(row)
            progress(
                f"{routers} routers, K={active}: all pairs {row.total_mbit:.1f} Mbit/s, efficiency {row.total_efficiency:.3f} "
                f"(per pair {min(row.pair_efficiencies):.3f}..{max(row.pair_efficiencies):.3f})"
            )
        lab.undo()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"bench-netns-{routers}-routers"
    (out_dir / f"{stem}.csv").write_text(render_sites_csv(rows))
    (out_dir / f"{stem}.md").write_text(render_sites_markdown(rows))
    render_scaling_plot(sites_figure(rows), out_dir / f"{stem}.png")
    progress(f"wrote {out_dir / stem}.csv, .md and .png")
    return rows
