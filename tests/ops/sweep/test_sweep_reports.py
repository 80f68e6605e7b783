"""A sweep's reports: what was measured beside the plan's estimate and the published figures, in every format."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from components.ops.reports import FIGURE_PIXELS
from components.ops.sweep.orchestration import SweepRow
from components.ops.sweep.reports import (
    estimated_gbps,
    render_sweep_csv,
    render_sweep_json,
    render_sweep_markdown,
    sweep_figure,
    sweep_report,
    write_sweep_reports,
)
from tests.support.stacks import lab_plan
from tests.support.sweep_rows import DEFAULT_PAIR, report_of

# The GK41's published sweep, as if this lab had measured it.
GK41_AS_MEASURED = {1: 0.441, 2: 1.02, 3: 1.45, 4: 1.93}


def gk41_rows() -> list[SweepRow]:
    return [SweepRow(k, 16, 10, {DEFAULT_PAIR: report_of(gbps, retransmits=k)}) for k, gbps in GK41_AS_MEASURED.items()]


def test_estimate_is_k_instances_capped_by_the_link() -> None:
    plan = lab_plan("ms01")
    assert [estimated_gbps(plan, k) for k in (1, 4, 6, 8)] == [4.49, 17.96, 23.5, 23.5]


def test_markdown_puts_the_published_gk41_figures_beside_ours() -> None:
    table = render_sweep_markdown(sweep_report(lab_plan("gk41"), gk41_rows())).splitlines()
    assert table[0] == "### Minisforum GK41, stack gk41, r1 -> r2"
    assert table[2] == (
        "| K | pair | flows | received Gbit/s | sent Gbit/s | retransmits | estimate Gbit/s | "
        "published, Minisforum GK41 Gbit/s | ours / published |"
    )
    assert table[4] == "| 1 | r1 -> r2 | 16 | 0.441 | 0.445 | 1 | 0.393 | 0.441 | 1.00 |"
    assert table[7] == "| 4 | r1 -> r2 | 16 | 1.930 | 1.949 | 4 | 1.572 | 1.93 | 1.00 |"


def test_markdown_shows_a_dash_where_nothing_was_published() -> None:
    rows = [SweepRow(7, 16, 10, {DEFAULT_PAIR: report_of(20.0)})]
    assert render_sweep_markdown(sweep_report(lab_plan("ms01"), rows)).splitlines()[-1] == (
        "| 7 | r1 -> r2 | 16 | 20.000 | 20.200 | 0 | 23.5 | - | - |"
    )


def test_csv_has_one_line_per_run_and_empty_cells_for_missing_figures() -> None:
    rows = [SweepRow(2, 16, 10, {DEFAULT_PAIR: report_of(8.0)}), SweepRow(7, 16, 10, {DEFAULT_PAIR: report_of(20.0)})]
    lines = render_sweep_csv(sweep_report(lab_plan("ms01"), rows)).splitlines()
    assert lines[0] == (
        "active_paths,pair,flows,seconds,received_gbps,sent_gbps,retransmits,estimated_gbps,published_gbps,received_over_published"
    )
    assert lines[1:] == ["2,r1->r2,16,10,8.000,8.080,0,8.98,8.38,0.955", "7,r1->r2,16,10,20.000,20.200,0,23.5,,"]


def test_json_keeps_per_stream_rates_and_the_published_reference() -> None:
    document = json.loads(render_sweep_json(sweep_report(lab_plan("gk41"), gk41_rows()[:1])))
    assert document["publishedReference"] == "gk41"
    assert document["pairs"] == [{"sender": "r1", "receiver": "r2"}]
    assert document["allBusy"] is False
    assert document["runs"] == [
        {
            "activePaths": 1,
            "flows": 16,
            "seconds": 10,
            "receivedGbps": 0.441,
            "sentGbps": 0.4454,
            "retransmits": 1,
            "estimatedGbps": 0.393,
            "publishedGbps": 0.441,
            "pairs": [
                {
                    "sender": "r1",
                    "receiver": "r2",
                    "receivedGbps": 0.441,
                    "sentGbps": 0.4454,
                    "retransmits": 1,
                    "streamReceivedGbps": [0.2205, 0.2205],
                    "estimatedGbps": 0.393,
                }
            ],
        }
    ]


def test_figure_draws_ours_the_estimate_and_the_published_sweep_of_the_same_box() -> None:
    figure = sweep_figure(sweep_report(lab_plan("gk41"), gk41_rows()))
    assert figure.unit == "Gbit/s"
    assert figure.ks == (1, 2, 3, 4)
    assert [(series.label, series.kind) for series in figure.absolute] == [
        ("estimate (plan)", "ideal"),
        ("this lab, r1 -> r2, 16 flows", "measured"),
        ("Minisforum GK41 (published)", "reference"),
    ]
    assert figure.absolute[0].points == ((1, 0.393), (2, 0.786), (3, 1.179), (4, 1.572))
    assert figure.absolute[1].points == ((1, 0.441), (2, 1.02), (3, 1.45), (4, 1.93))
    shape = {series.label: series.points for series in figure.shape}
    assert [k for k, _ in shape["this lab, r1 -> r2, 16 flows"]] == [1, 2, 3, 4]
    assert [ratio for _, ratio in shape["this lab, r1 -> r2, 16 flows"]] == pytest.approx([1.0, 1.02 / 0.441, 1.45 / 0.441, 1.93 / 0.441])
    assert shape["linear"] == ((1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0))


def test_without_a_published_reference_published_sweeps_appear_only_in_shape() -> None:
    figure = sweep_figure(
        sweep_report(lab_plan("gk41", hardware={"model": "bench", "performanceCores": 4, "instanceGbps": 0.1}), gk41_rows())
    )
    assert [series.kind for series in figure.absolute] == ["ideal", "measured"]
    assert {series.label for series in figure.shape} == {
        "this lab, r1 -> r2, 16 flows",
        "Minisforum GK41 (published)",
        "Minisforum MS-01 (published)",
        "linear",
    }


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_reports_are_written_as_csv_json_markdown_png_and_raw_iperf3_json(tmp_path: Path) -> None:
    report = sweep_report(lab_plan("gk41"), gk41_rows())
    written = write_sweep_reports(report, tmp_path, "sweep-gk41-r1-to-r2")
    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == [
        "sweep-gk41-r1-to-r2-iperf3/k1-p16-r1-to-r2.json",
        "sweep-gk41-r1-to-r2-iperf3/k2-p16-r1-to-r2.json",
        "sweep-gk41-r1-to-r2-iperf3/k3-p16-r1-to-r2.json",
        "sweep-gk41-r1-to-r2-iperf3/k4-p16-r1-to-r2.json",
        "sweep-gk41-r1-to-r2.csv",
        "sweep-gk41-r1-to-r2.json",
        "sweep-gk41-r1-to-r2.md",
        "sweep-gk41-r1-to-r2.png",
    ]
    assert png_size(tmp_path / "sweep-gk41-r1-to-r2.png") == FIGURE_PIXELS == (1440, 576)
    assert (tmp_path / "sweep-gk41-r1-to-r2.md").read_text() == render_sweep_markdown(report)
    raw = json.loads((tmp_path / "sweep-gk41-r1-to-r2-iperf3/k2-p16-r1-to-r2.json").read_text())
    assert raw == {"end": {"sum_received": {"bits_per_second": 1.02e9}}}
