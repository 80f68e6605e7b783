"""A sweep's reports: CSV, JSON, Markdown and the two-panel figure, beside what it is compared against.

Each K's measurement stands next to the plan's capacity estimate at that K and, where the stack names
its hardware's published figures (``hardware.publishedReference``), next to those.

A sweep measures one pair of routers, or several at once (every router sending to every other). One
pair is compared with the plan's estimate for a pair alone and with the published figures (they are
one pair alone too); several pairs each with the estimate for a pair while all pairs are busy, and in
total (the sum over the pairs) with the sum of those. The reports name the pairs the same way
whatever the number of routers: a column ``pair`` (``r1->r2``, ``hq->br1``, and ``total`` for a K's
sum over several pairs), the pairs in the title, and each pair's figures in the JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.model.figures import PUBLISHED_MEASUREMENTS, PublishedMeasurements
from components.model.plan import LabPlan
from components.ops.iperf import IperfReport
from components.ops.reports import (
    ScalingFigure,
    Series,
    csv_text,
    markdown_table,
    published_label,
    published_series,
    render_scaling_plot,
    scaling_figure,
)
from components.ops.sweep.orchestration import Pair, SweepRow, all_pairs, default_pairs

TOTAL = "total"


@dataclass(frozen=True)
class SweepReport:
    """A sweep with what it is compared against: the plan's estimate and the published figures.

    ``estimates_gbps`` is per K for everything measured together (one pair, or the total of several);
    ``pair_estimates_gbps`` the same per pair."""

    title: str
    rows: tuple[SweepRow, ...]
    estimates_gbps: Mapping[int, float]
    reference: PublishedMeasurements | None
    pairs: tuple[Pair, ...] = ()
    pair_estimates_gbps: Mapping[Pair, Mapping[int, float]] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        """Several pairs measured at once: each against the all-busy estimate, and a total."""
        return len(self.pairs) > 1

    def published_gbps(self, active: int) -> float | None:
        """The published figure at K = ``active``: one pair alone, so only beside one pair alone."""
        if self.several:
            return None
        return self.reference.ecmp_gbps.get(active) if self.reference else None


def estimated_gbps(plan: LabPlan, active: int) -> float:
    """The plan's capacity estimate had K been ``active``."""
    return plan.capacity.at(active)


def pair_estimate_gbps(plan: LabPlan, pair: Pair, active: int, *, all_busy: bool) -> float:
    """The plan's estimate for one pair at K = ``active``: alone, or while every pair is busy."""
    sender, receiver = pair
    return plan.capacity.pair_at(active, all_busy=all_busy, spokes=not plan.routing.direct(sender, receiver))


def _pairs_title(plan: LabPlan, pairs: Sequence[Pair]) -> str:
    if len(pairs) == 1:
        sender, receiver = pairs[0]
        return f"{sender} -> {receiver}"
    if tuple(pairs) == all_pairs(plan.router_names):
        return f"all {len(pairs)} pairs at once"
    return f"{len(pairs)} pairs at once"


def sweep_report(plan: LabPlan, rows: Sequence[SweepRow], title: str | None = None, pairs: Sequence[Pair] | None = None) -> SweepReport:
    """``pairs``: what was measured (by default what the rows hold, or the lab's default pair)."""
    reference = PUBLISHED_MEASUREMENTS.get(plan.published_reference) if plan.published_reference else None
    chosen = tuple(pairs if pairs is not None else rows[0].pairs if rows else default_pairs(plan.router_names) or ())
    ks = range(1, plan.path_count + 1)
    all_busy = len(chosen) > 1
    per_pair = {pair: {k: pair_estimate_gbps(plan, pair, k, all_busy=all_busy) for k in ks} for pair in chosen}
    if chosen:
        estimates = {k: round(sum(estimate[k] for estimate in per_pair.values()), 3) for k in ks}
    else:
        estimates = {k: estimated_gbps(plan, k) for k in ks}
    base = title or f"{plan.hardware_model}, stack {plan.stack}"
    return SweepReport(
        title=f"{base}, {_pairs_title(plan, chosen)}" if chosen else base,
        rows=tuple(rows),
        estimates_gbps=estimates,
        reference=reference,
        pairs=chosen,
        pair_estimates_gbps=per_pair,
    )


@dataclass(frozen=True)
class _Line:
    """One line of a table: one pair at one K, or (``pair`` None) the total of several."""

    row: SweepRow
    pair: Pair | None
    received_gbps: float
    sent_gbps: float
    retransmits: int | None
    estimated_gbps: float
    published_gbps: float | None

    @property
    def label(self) -> str:
        return TOTAL if self.pair is None else "->".join(self.pair)

    @property
    def ratio(self) -> float | None:
        return self.received_gbps / self.published_gbps if self.published_gbps else None


def _lines(report: SweepReport) -> list[_Line]:
    """Per K: each pair, then (several pairs) their total."""
    lines = []
    for row in report.rows:
        k = row.active_paths
        published = report.published_gbps(k)
        for pair, measured in row.reports.items():
            estimate = report.pair_estimates_gbps[pair][k]
            lines.append(_Line(row, pair, measured.received_gbps, measured.sent_gbps, measured.retransmits, estimate, published))
        if len(row.reports) > 1:
            lines.append(_Line(row, None, row.received_gbps, row.sent_gbps, row.retransmits, report.estimates_gbps[k], None))
    return lines


def _formatted(value: float | None, spec: str, missing: str) -> str:
    return missing if value is None else format(value, spec)


def csv_columns(report: SweepReport) -> tuple[str, ...]:
    published = () if report.several else ("published_gbps", "received_over_published")
    return (
        "active_paths",
        "pair",
        "flows",
        "seconds",
        "received_gbps",
        "sent_gbps",
        "retransmits",
        "estimated_gbps",
        *published,
    )


def render_sweep_csv(report: SweepReport) -> str:
    def cells(line: _Line) -> tuple[object, ...]:
        published = () if report.several else (_formatted(line.published_gbps, "g", ""), _formatted(line.ratio, ".3f", ""))
        return (
            line.row.active_paths,
            line.label,
            line.row.flows,
            line.row.seconds,
            f"{line.received_gbps:.3f}",
            f"{line.sent_gbps:.3f}",
            "" if line.retransmits is None else line.retransmits,
            f"{line.estimated_gbps:g}",
            *published,
        )

    return csv_text(csv_columns(report), (cells(line) for line in _lines(report)))


def render_sweep_markdown(report: SweepReport) -> str:
    published = f"published, {published_label(report.reference).removesuffix(' (published)')}" if report.reference else "published"
    published_header = () if report.several else (f"{published} Gbit/s", "ours / published")
    header = ("K", "pair", "flows", "received Gbit/s", "sent Gbit/s", "retransmits", "estimate Gbit/s", *published_header)

    def cells(line: _Line) -> tuple[object, ...]:
        published_cells = () if report.several else (_formatted(line.published_gbps, "g", "-"), _formatted(line.ratio, ".2f", "-"))
        return (
            line.row.active_paths,
            line.label.replace("->", " -> "),
            line.row.flows,
            f"{line.received_gbps:.3f}",
            f"{line.sent_gbps:.3f}",
            _formatted(line.retransmits, "d", "-"),
            f"{line.estimated_gbps:g}",
            *published_cells,
        )

    alignments = "rl" + "r" * (len(header) - 2)
    table = markdown_table(header, alignments, (cells(line) for line in _lines(report)))
    return f"### {report.title}\n\n{table}"


def _streams(measured: IperfReport) -> list[float]:
    return [round(rate / 1e9, 4) for rate in measured.stream_received_bits_per_second]


def _json_run(report: SweepReport, row: SweepRow) -> dict[str, Any]:
    k = row.active_paths
    # One pair's totals are that pair's own figures.
    run: dict[str, Any] = {
        "activePaths": k,
        "flows": row.flows,
        "seconds": row.seconds,
        "receivedGbps": round(row.received_gbps, 4),
        "sentGbps": round(row.sent_gbps, 4),
        "retransmits": row.retransmits,
    }
    run["estimatedGbps"] = report.estimates_gbps[k]
    if not report.several:
        run["publishedGbps"] = report.published_gbps(k)
    run["pairs"] = [
        {
            "sender": sender,
            "receiver": receiver,
            "receivedGbps": round(measured.received_gbps, 4),
            "sentGbps": round(measured.sent_gbps, 4),
            "retransmits": measured.retransmits,
            "streamReceivedGbps": _streams(measured),
            "estimatedGbps": report.pair_estimates_gbps[(sender, receiver)][k],
        }
        for (sender, receiver), measured in row.reports.items()
    ]
    return run


def render_sweep_json(report: SweepReport) -> str:
    document: dict[str, Any] = {"title": report.title, "publishedReference": report.reference.profile if report.reference else None}
    document["pairs"] = [{"sender": sender, "receiver": receiver} for sender, receiver in report.pairs]
    document["allBusy"] = report.several
    document["runs"] = [_json_run(report, row) for row in report.rows]
    return json.dumps(document, indent=2) + "\n"


def sweep_figure(report: SweepReport, *, label: str = "this lab") -> ScalingFigure:
    """Our aggregate beside the estimate, and the published sweep of the same hardware on both panels.
    Several pairs: their total beside the total estimate, and each pair's own line (on the shape panel
    too: a pair that scales worse than the others shows there)."""
    flows = sorted({row.flows for row in report.rows})
    measured: list[Series] = []
    for count in flows:
        rows = [row for row in report.rows if row.flows == count]
        if not report.several:
            named = f", {' -> '.join(report.pairs[0])}" if report.pairs else ""
            measured.append(
                Series.of(f"{label}{named}, {count} flows", "measured", ((row.active_paths, row.received_gbps) for row in rows))
            )
            continue
        total = f"{label}, {len(report.pairs)} pairs in total, {count} flows each"
        measured.append(Series.of(total, "measured", ((row.active_paths, row.received_gbps) for row in rows)))
        measured += [
            Series.of(
                f"{sender} -> {receiver}, {count} flows",
                "measured",
                ((row.active_paths, row.reports[(sender, receiver)].received_gbps) for row in rows),
            )
            for sender, receiver in report.pairs
        ]
    ks = sorted({row.active_paths for row in report.rows})
    # The lab's own hardware is comparable figure for figure; other hardware only in shape. The
    # published figures are one pair alone: beside several pairs' total, only their shape compares.
    shown = [report.reference] if report.reference else list(PUBLISHED_MEASUREMENTS.values())
    return scaling_figure(
        unit="Gbit/s",
        measured=measured,
        ideal=Series.of(
            "estimate (plan), total" if report.several else "estimate (plan)", "ideal", ((k, report.estimates_gbps[k]) for k in ks)
        ),
        references=[published_series(reference) for reference in shown],
        references_on_absolute=report.reference is not None and not report.several,
    )


def _raw_name(report: SweepReport, row: SweepRow, pair: Pair) -> str:
    base = f"k{row.active_paths}-p{row.flows}"
    return f"{base}-{pair[0]}-to-{pair[1]}.json"


def write_sweep_reports(report: SweepReport, out_dir: Path, name: str) -> list[Path]:
    """CSV, JSON, Markdown and PNG (and each run's raw iperf3 JSON, per pair); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, text in (("csv", render_sweep_csv(report)), ("json", render_sweep_json(report)), ("md", render_sweep_markdown(report))):
        path = out_dir / f"{name}.{suffix}"
        path.write_text(text)
        written.append(path)
    if report.rows:
        plot = out_dir / f"{name}.png"
        render_scaling_plot(sweep_figure(report), plot)
        written.append(plot)
    raw = out_dir / f"{name}-iperf3"
    raw.mkdir(exist_ok=True)
    for row in report.rows:
        for pair, measured in row.reports.items():
            path = raw / _raw_name(report, row, pair)
            path.write_text(measured.raw)
            written.append(path)
    return written
