"""A sweep's reports: CSV, JSON, Markdown and the two-panel figure, beside what it is compared against.

Each K's measurement stands next to the plan's capacity estimate at that K and, where the stack names
its hardware's published figures (``hardware.publishedReference``), next to those.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.model.figures import PUBLISHED_MEASUREMENTS, PublishedMeasurements
from components.model.plan import LabPlan
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
from components.ops.sweep.orchestration import SweepRow


@dataclass(frozen=True)
class SweepReport:
    """A sweep with what it is compared against: the plan's estimate and the published figures."""

    title: str
    rows: tuple[SweepRow, ...]
    estimates_gbps: Mapping[int, float]
    reference: PublishedMeasurements | None

    def published_gbps(self, active: int) -> float | None:
        return self.reference.ecmp_gbps.get(active) if self.reference else None


def estimated_gbps(plan: LabPlan, active: int) -> float:
    """The plan's capacity estimate had K been ``active``."""
    return plan.capacity.at(active)


def sweep_report(plan: LabPlan, rows: Sequence[SweepRow], title: str | None = None) -> SweepReport:
    reference = PUBLISHED_MEASUREMENTS.get(plan.published_reference) if plan.published_reference else None
    return SweepReport(
        title=title or f"{plan.hardware_model}, stack {plan.stack}",
        rows=tuple(rows),
        estimates_gbps={active: estimated_gbps(plan, active) for active in range(1, plan.path_count + 1)},
        reference=reference,
    )


def _optional(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(report: SweepReport, row: SweepRow) -> float | None:
    published = report.published_gbps(row.active_paths)
    return row.report.received_gbps / published if published else None


CSV_COLUMNS = (
    "active_paths",
    "flows",
    "seconds",
    "received_gbps",
    "sent_gbps",
    "retransmits",
    "estimated_gbps",
    "published_gbps",
    "received_over_published",
)


def render_sweep_csv(report: SweepReport) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            (
                row.active_paths,
                row.flows,
                row.seconds,
                f"{row.report.received_gbps:.3f}",
                f"{row.report.sent_gbps:.3f}",
                "" if row.report.retransmits is None else row.report.retransmits,
                f"{report.estimates_gbps[row.active_paths]:g}",
                _optional(report.published_gbps(row.active_paths), "g").replace("-", ""),
                _optional(_ratio(report, row), ".3f").replace("-", ""),
            )
            for row in report.rows
        ),
    )


def render_sweep_markdown(report: SweepReport) -> str:
    published = f"published, {published_label(report.reference).removesuffix(' (published)')}" if report.reference else "published"
    header = ("K", "flows", "received Gbit/s", "sent Gbit/s", "retransmits", "estimate Gbit/s", f"{published} Gbit/s", "ours / published")
    table = markdown_table(
        header,
        "rrrrrrrr",
        (
            (
                row.active_paths,
                row.flows,
                f"{row.report.received_gbps:.3f}",
                f"{row.report.sent_gbps:.3f}",
                _optional(row.report.retransmits, "d"),
                f"{report.estimates_gbps[row.active_paths]:g}",
                _optional(report.published_gbps(row.active_paths), "g"),
                _optional(_ratio(report, row), ".2f"),
            )
            for row in report.rows
        ),
    )
    return f"### {report.title}\n\n{table}"


def render_sweep_json(report: SweepReport) -> str:
    document: dict[str, Any] = {
        "title": report.title,
        "publishedReference": report.reference.profile if report.reference else None,
        "runs": [
            {
                "activePaths": row.active_paths,
                "flows": row.flows,
                "seconds": row.seconds,
                "receivedGbps": round(row.report.received_gbps, 4),
                "sentGbps": round(row.report.sent_gbps, 4),
                "retransmits": row.report.retransmits,
                "streamReceivedGbps": [round(rate / 1e9, 4) for rate in row.report.stream_received_bits_per_second],
                "estimatedGbps": report.estimates_gbps[row.active_paths],
                "publishedGbps": report.published_gbps(row.active_paths),
            }
            for row in report.rows
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def sweep_figure(report: SweepReport, *, label: str = "this lab") -> ScalingFigure:
    """Our aggregate beside the estimate, and the published sweep of the same hardware on both panels."""
    flows = sorted({row.flows for row in report.rows})
    measured = [
        Series.of(
            f"{label}, {count} flows",
            "measured",
            ((row.active_paths, row.report.received_gbps) for row in report.rows if row.flows == count),
        )
        for count in flows
    ]
    ks = sorted({row.active_paths for row in report.rows})
    # The lab's own hardware is comparable figure for figure; other hardware only in shape.
    shown = [report.reference] if report.reference else list(PUBLISHED_MEASUREMENTS.values())
    return scaling_figure(
        unit="Gbit/s",
        measured=measured,
        ideal=Series.of("estimate (plan)", "ideal", ((k, report.estimates_gbps[k]) for k in ks)),
        references=[published_series(reference) for reference in shown],
        references_on_absolute=report.reference is not None,
    )


def write_sweep_reports(report: SweepReport, out_dir: Path, name: str) -> list[Path]:
    """CSV, JSON, Markdown and PNG (and each run's raw iperf3 JSON); returns the files written."""
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
        path = raw / f"k{row.active_paths}-p{row.flows}.json"
        path.write_text(row.report.raw)
        written.append(path)
    return written
