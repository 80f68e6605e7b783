"""Benchmark of the ECMP design in the network-namespace lab: how aggregate throughput scales with K.

Each path is capped at R Mbit/s, standing in for one single-core ZeroTier instance; the routers are
configured by the rendered Linux scripts; for K = 1..N, iperf3 pushes P parallel flows between the
floating IPs of two routers, at the flow count that uses all K paths (components/netns/flow_coverage.py)
and at the published stream count. Labs of three or more routers have their own benchmark
(components/netns/sites_bench.py).

Run with ``python -m components bench-netns --paths 8 --rate-mbit 100``; needs root and iperf3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from components.model.figures import PUBLISHED_MEASUREMENTS, PUBLISHED_STREAMS
from components.netns.flow_coverage import (
    COVERAGE_TARGET,
    MAX_IPERF_FLOWS,
    USED_LINK_BYTES,
    coverage_probability,
    recommended_flows,
    scaling_efficiency,
)
from components.netns.lab import netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.ops.reports import ScalingFigure, Series, csv_text, markdown_table, published_series, render_scaling_plot, scaling_figure


@dataclass(frozen=True)
class BenchRow:
    active_paths: int
    flows: int
    rate_mbit: float
    aggregate_mbit: float
    # Bytes each active path's interface sent during the run, in path order.
    link_bytes: tuple[int, ...]

    @property
    def efficiency(self) -> float:
        return scaling_efficiency(self.aggregate_mbit, self.active_paths, self.rate_mbit)

    @property
    def links_used(self) -> int:
        return sum(count >= USED_LINK_BYTES for count in self.link_bytes)

    @property
    def predicted_coverage(self) -> float:
        return coverage_probability(self.active_paths, self.flows)

    @property
    def spread(self) -> float:
        """Least over most loaded active path: 1.0 is perfectly even, 0.0 means an idle path."""
        most = max(self.link_bytes)
        return min(self.link_bytes) / most if most else 0.0


CSV_COLUMNS = (
    "active_paths",
    "flows",
    "rate_mbit",
    "aggregate_mbit",
    "ideal_mbit",
    "efficiency",
    "links_used",
    "predicted_all_paths_used",
    "spread_min_over_max",
    "link_megabytes",
)


def render_csv(rows: Sequence[BenchRow]) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            (
                row.active_paths,
                row.flows,
                f"{row.rate_mbit:g}",
                f"{row.aggregate_mbit:.1f}",
                f"{row.active_paths * row.rate_mbit:g}",
                f"{row.efficiency:.3f}",
                row.links_used,
                f"{row.predicted_coverage:.4f}",
                f"{row.spread:.3f}",
                " ".join(f"{count / 1e6:.1f}" for count in row.link_bytes),
            )
            for row in rows
        ),
    )


def render_markdown(rows: Sequence[BenchRow]) -> str:
    header = (
        "K",
        "flows",
        "aggregate Mbit/s",
        "K x R",
        "efficiency",
        "paths used",
        "P(all used), computed",
        "min/max per path",
        "MB per path",
    )
    return markdown_table(
        header,
        "rrrrrrrrl",
        (
            (
                row.active_paths,
                row.flows,
                f"{row.aggregate_mbit:.1f}",
                f"{row.active_paths * row.rate_mbit:g}",
                f"{row.efficiency:.3f}",
                f"{row.links_used}/{row.active_paths}",
                f"{row.predicted_coverage:.4f}",
                f"{row.spread:.2f}",
                " / ".join(f"{count / 1e6:.1f}" for count in row.link_bytes),
            )
            for row in rows
        ),
    )


def bench_figure(rows: Sequence[BenchRow]) -> ScalingFigure:
    """Aggregate per K beside the ideal, and the shape of the scaling beside the published ECMP results."""
    rate = rows[0].rate_mbit
    ks = sorted({row.active_paths for row in rows})
    measured = [
        Series.of(f"netns lab, {flows} flows", "measured", ((row.active_paths, row.aggregate_mbit) for row in rows if row.flows == flows))
        for flows in sorted({row.flows for row in rows})
    ]
    return scaling_figure(
        unit="Mbit/s",
        measured=measured,
        ideal=Series.of(f"ideal: K x {rate:g} Mbit/s", "ideal", ((k, k * rate) for k in ks)),
        references=[published_series(reference) for reference in PUBLISHED_MEASUREMENTS.values()],
    )


def render_plot(rows: Sequence[BenchRow], path: Path) -> None:
    render_scaling_plot(bench_figure(rows), path)


def run_scaling_benchmark(
    *,
    paths: int = 8,
    rate_mbit: float = 100,
    flows: int = PUBLISHED_STREAMS,
    seconds: float = 5,
    out_dir: Path = Path("bench-netns"),
    target: float = COVERAGE_TARGET,
    progress: Callable[[str], None] = print,
) -> list[BenchRow]:
    """Sweep K = 1..paths at the recommended flow count and at ``flows``; write CSV, Markdown and PNG."""
    recommended = recommended_flows(paths, target)
    if recommended > MAX_IPERF_FLOWS:
        raise ValueError(f"{paths} paths need {recommended} flows for {target:.0%} coverage; iperf3 runs at most {MAX_IPERF_FLOWS}")
    flow_counts = sorted({recommended, flows})
    progress(
        f"{paths} paths at {rate_mbit:g} Mbit/s each; {recommended} flows use all {paths} paths with probability "
        f"{coverage_probability(paths, recommended):.4f} (>= {target}), {flows} flows with {coverage_probability(paths, flows):.4f}"
    )
    rows: list[BenchRow] = []
    with netns_lab(netns_lab_plan(paths), rate_mbit=rate_mbit) as lab:
        for active in range(1, paths + 1):
            lab.apply(netns_lab_plan(paths, active))
            for count in flow_counts:
                result = lab.iperf("r1", count, seconds)
                interfaces = lab.plan.interfaces_on("r1")[:active]
                row = BenchRow(
                    active_paths=active,
                    flows=count,
                    rate_mbit=rate_mbit,
                    aggregate_mbit=result.received_mbit,
                    link_bytes=tuple(result.link_tx_bytes[name] for name in interfaces),
                )
                rows.append(row)
                progress(
                    f"K={active} flows={count}: {row.aggregate_mbit:.1f} Mbit/s, efficiency {row.efficiency:.3f}, "
                    f"paths used {row.links_used}/{active} (computed P(all) {row.predicted_coverage:.3f})"
                )
        lab.undo()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench-netns.csv").write_text(render_csv(rows))
    (out_dir / "bench-netns.md").write_text(render_markdown(rows))
    render_plot(rows, out_dir / "bench-netns.png")
    progress(f"wrote {out_dir / 'bench-netns.csv'}, {out_dir / 'bench-netns.md'} and {out_dir / 'bench-netns.png'}")
    return rows
