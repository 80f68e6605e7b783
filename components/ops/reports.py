"""Reports of a scaling run (throughput against active paths K): CSV, Markdown and a two-panel PNG.

Used by the network-namespace benchmark and by the sweep of a real lab. The figure is described
as data first (``ScalingFigure``), so what a plot shows can be checked without reading pixels;
``render_scaling_plot`` only draws that description.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from components.model.figures import PublishedMeasurements

SeriesKind = Literal["measured", "ideal", "reference", "linear"]
FIGURE_INCHES = (12.0, 4.8)
FIGURE_DPI = 120
# What matplotlib writes for FIGURE_INCHES at FIGURE_DPI, in pixels (width, height).
FIGURE_PIXELS = (round(FIGURE_INCHES[0] * FIGURE_DPI), round(FIGURE_INCHES[1] * FIGURE_DPI))
_STYLES: dict[SeriesKind, str] = {"measured": "o-", "ideal": "k--", "reference": "s:", "linear": "k--"}


@dataclass(frozen=True)
class Series:
    """One line of a panel: (K, value) points in K order."""

    label: str
    kind: SeriesKind
    points: tuple[tuple[int, float], ...]

    @classmethod
    def of(cls, label: str, kind: SeriesKind, points: Iterable[tuple[int, float]]) -> Series:
        return cls(label, kind, tuple(sorted(points)))

    def relative_to_one_path(self) -> Series | None:
        """The same line divided by its value at K = 1 (None without a usable K = 1 point)."""
        base = dict(self.points).get(1)
        if not base:
            return None
        return Series(self.label, self.kind, tuple((k, value / base) for k, value in self.points))


@dataclass(frozen=True)
class ScalingFigure:
    """Left panel: throughput per K in ``unit``; right panel: the shape, throughput(K) / throughput(1)."""

    unit: str
    ks: tuple[int, ...]
    absolute: tuple[Series, ...]
    shape: tuple[Series, ...]


def published_label(reference: PublishedMeasurements) -> str:
    return f"{reference.hardware.split(' (')[0]} (published)"


def published_series(reference: PublishedMeasurements, per_gbps: float = 1.0) -> Series:
    """A published ECMP sweep as a reference line, in units of ``per_gbps`` per Gbit/s."""
    return Series.of(published_label(reference), "reference", ((k, gbps * per_gbps) for k, gbps in reference.ecmp_gbps.items()))


def scaling_figure(
    *,
    unit: str,
    measured: Sequence[Series],
    ideal: Series | None = None,
    references: Sequence[Series] = (),
    references_on_absolute: bool = False,
) -> ScalingFigure:
    """Describe the two panels. References always show on the shape panel; on the absolute one only
    when their unit is comparable (a real lab beside the published boxes, not a throttled namespace lab)."""
    ks = tuple(sorted({k for series in measured for k, _ in series.points}))
    absolute = [*([ideal] if ideal else []), *measured, *(references if references_on_absolute else [])]
    shape = [relative for series in (*measured, *references) if (relative := series.relative_to_one_path())]
    drawn = sorted({k for series in shape for k, _ in series.points} | set(ks))
    shape.append(Series.of("linear", "linear", ((k, float(k)) for k in drawn)))
    return ScalingFigure(unit=unit, ks=ks, absolute=tuple(absolute), shape=tuple(shape))


def render_scaling_plot(figure: ScalingFigure, path: Path) -> None:
    """Draw ``figure`` as a PNG of FIGURE_PIXELS."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawing, (absolute, shape) = plt.subplots(1, 2, figsize=FIGURE_INCHES)
    for axes, lines in ((absolute, figure.absolute), (shape, figure.shape)):
        for series in lines:
            axes.plot([k for k, _ in series.points], [value for _, value in series.points], _STYLES[series.kind], label=series.label)
        # The published sweeps may reach further than ours (8 paths on the MS-01): tick every K drawn.
        axes.set_xticks(sorted({k for series in lines for k, _ in series.points} | set(figure.ks)))
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    absolute.set(title="Aggregate between the floating IPs", xlabel="active paths K", ylabel=f"{figure.unit} (iperf3, received)")
    shape.set(title="Scaling shape: aggregate(K) / aggregate(1)", xlabel="active paths K", ylabel="times one path")
    drawing.tight_layout()
    drawing.savefig(path, dpi=FIGURE_DPI)
    plt.close(drawing)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def markdown_table(header: Sequence[str], alignments: str, rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; ``alignments`` has one letter per column: ``r`` right, ``l`` left."""
    rule = {"r": "---:", "l": ":---"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule[letter] for letter in alignments) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
