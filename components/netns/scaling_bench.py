"""Benchmark of the ECMP design in the network-namespace lab: how aggregate throughput scales with K.

Each path is capped at R Mbit/s, standing in for one single-core ZeroTier instance; the routers are
configured by the rendered Linux scripts; for K = 1..N, iperf3 pushes P parallel flows between the
floating IPs. Layer-4 hashing places each flow on a path at random, so a path carries nothing
when no flow lands on it: the flow count decides how often all K paths are in use, and that
probability is computed here (inclusion-exclusion) and compared with what was measured.

Run with ``python -m components bench-netns --paths 8 --rate-mbit 100``; needs root and iperf3.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from components.model.figures import PUBLISHED_MEASUREMENTS, PUBLISHED_STREAMS
from components.netns.lab import netns_lab, netns_lab_plan
from components.ops.reports import ScalingFigure, Series, csv_text, markdown_table, published_series, render_scaling_plot, scaling_figure

COVERAGE_TARGET = 0.99
EFFICIENCY_TARGET = 0.9
# A path "carries traffic" when its sender moved at least this much during a run: far above stray
# control packets, far below what even one TCP flow sends in a second through a 1 Mbit/s cap.
USED_LINK_BYTES = 64 * 1024
MAX_IPERF_FLOWS = 128


def coverage_probability(paths: int, flows: int) -> float:
    """Probability that ``flows`` independently, uniformly hashed flows leave none of ``paths`` paths empty.

    Inclusion-exclusion over the set of empty paths: sum over j of (-1)^j * C(K, j) * (1 - j/K)^P,
    computed exactly in rationals.
    """
    if paths < 1 or flows < 0:
        raise ValueError(f"paths must be >= 1 and flows >= 0, got paths={paths}, flows={flows}")
    total = sum((-1) ** j * math.comb(paths, j) * Fraction(paths - j, paths) ** flows for j in range(paths + 1))
    return float(total)


def expected_coverage(paths: int, flows: int) -> float:
    """Expected fraction of the paths that carry at least one flow: 1 - (1 - 1/K)^P."""
    return 1.0 - (1.0 - 1.0 / paths) ** flows


def recommended_flows(paths: int, target: float = COVERAGE_TARGET) -> int:
    """The fewest parallel flows that use all ``paths`` paths with probability >= ``target``."""
    flows = paths
    while coverage_probability(paths, flows) < target:
        flows += 1
    return flows


def scaling_efficiency(aggregate_mbit: float, active_paths: int, rate_mbit: float) -> float:
    """Aggregate over what K paths of R Mbit/s could carry at most."""
    return aggregate_mbit / (active_paths * rate_mbit)


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
