"""The sweep: K = 1..N applied and measured in order, the original K always put back, and its reports."""

from __future__ import annotations

import json
import signal
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from components.cli.main import build_parser
from components.ops.iperf import IperfError, IperfReport
from components.ops.reports import FIGURE_PIXELS
from components.ops.sweep import (
    SweepRow,
    estimated_gbps,
    interrupts_deferred,
    render_sweep_csv,
    render_sweep_json,
    render_sweep_markdown,
    run_sweep,
    sweep_figure,
    sweep_report,
    write_sweep_reports,
)
from tests.lab_settings import lab_plan


def report_of(gbps: float, retransmits: int = 0) -> IperfReport:
    rate = gbps * 1e9
    return IperfReport(
        streams=16,
        seconds=10.0,
        sent_bits_per_second=rate * 1.01,
        received_bits_per_second=rate,
        retransmits=retransmits,
        stream_received_bits_per_second=(rate / 2, rate / 2),
        raw=json.dumps({"end": {"sum_received": {"bits_per_second": rate}}}),
    )


@dataclass
class RecordingLab:
    """A LabDriver that records every call and measures K x 0.45 Gbit/s."""

    count: int
    active: int
    calls: list[str] = field(default_factory=list)
    failures: dict[str, BaseException] = field(default_factory=dict)

    def path_count(self) -> int:
        return self.count

    def active_paths(self) -> int:
        return self.active

    def set_active_paths(self, active: int) -> None:
        self.calls.append(f"set K={active}")
        if failure := self.failures.pop(f"set K={active}", None):
            raise failure
        self.active = active

    def measure(self, flows: int, seconds: int) -> IperfReport:
        self.calls.append(f"measure K={self.active} P={flows} t={seconds}")
        if failure := self.failures.get(f"measure K={self.active}"):
            raise failure
        return report_of(0.45 * self.active)


def quiet(message: str) -> None:
    del message


def test_sweep_sets_and_measures_each_k_in_order_then_restores_the_original() -> None:
    lab = RecordingLab(count=4, active=2)
    rows = run_sweep(lab, flows=16, seconds=10, progress=quiet)
    assert lab.calls == [
        "set K=1",
        "measure K=1 P=16 t=10",
        "set K=2",
        "measure K=2 P=16 t=10",
        "set K=3",
        "measure K=3 P=16 t=10",
        "set K=4",
        "measure K=4 P=16 t=10",
        "set K=2",
    ]
    assert [row.active_paths for row in rows] == [1, 2, 3, 4]
    assert lab.active == 2


def test_a_sweep_that_ends_at_the_original_k_applies_nothing_more() -> None:
    lab = RecordingLab(count=3, active=3)
    run_sweep(lab, flows=8, seconds=5, progress=quiet)
    assert lab.calls[-2:] == ["set K=3", "measure K=3 P=8 t=5"]


def test_a_failing_measurement_still_restores_the_original_k() -> None:
    lab = RecordingLab(count=4, active=4, failures={"measure K=2": IperfError("iperf3: unable to connect to server")})
    with pytest.raises(IperfError, match="unable to connect"):
        run_sweep(lab, progress=quiet)
    assert lab.calls == ["set K=1", "measure K=1 P=16 t=10", "set K=2", "measure K=2 P=16 t=10", "set K=4"]
    assert lab.active == 4


def test_an_interrupt_still_restores_the_original_k_and_keeps_the_rows_so_far() -> None:
    lab = RecordingLab(count=4, active=2, failures={"measure K=3": KeyboardInterrupt()})
    kept: list[SweepRow] = []
    with pytest.raises(KeyboardInterrupt):
        run_sweep(lab, progress=quiet, on_row=kept.append)
    assert lab.calls[-2:] == ["measure K=3 P=16 t=10", "set K=2"]
    assert [row.active_paths for row in kept] == [1, 2]


def test_an_interrupted_change_of_k_is_undone_even_when_it_was_the_original_k() -> None:
    # Interrupted while applying K=3 (the original): the lab's K is unknown, so it is applied again.
    lab = RecordingLab(count=4, active=3, failures={"set K=3": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        run_sweep(lab, progress=quiet)
    assert lab.calls[-2:] == ["set K=3", "set K=3"]
    assert lab.active == 3


def test_the_restore_runs_inside_the_guard_the_caller_gives() -> None:
    lab = RecordingLab(count=2, active=1)
    events: list[str] = []

    class Guard:
        def __enter__(self) -> None:
            events.append(f"guard on, K={lab.active}")

        def __exit__(self, *exc: object) -> None:
            events.append(f"guard off, K={lab.active}")

    run_sweep(lab, progress=events.append, restoring=Guard)
    assert events[-4:] == ["guard on, K=2", "restoring K=1", "K=1 restored", "guard off, K=1"]


def test_progress_names_each_step() -> None:
    shown: list[str] = []
    run_sweep(RecordingLab(count=2, active=2), flows=16, seconds=10, progress=shown.append)
    assert shown == [
        "[1/2] applying K=1",
        "[1/2] iperf3: 16 flows for 10 s",
        "[1/2] K=1: 0.450 Gbit/s received, retransmits 0",
        "[2/2] applying K=2",
        "[2/2] iperf3: 16 flows for 10 s",
        "[2/2] K=2: 0.900 Gbit/s received, retransmits 0",
    ]


# -- reports from recorded data: the GK41's published sweep as if we had measured it --------------

GK41_AS_MEASURED = {1: 0.441, 2: 1.02, 3: 1.45, 4: 1.93}


def gk41_rows() -> list[SweepRow]:
    return [SweepRow(k, 16, 10, report_of(gbps, retransmits=k)) for k, gbps in GK41_AS_MEASURED.items()]


def test_estimate_is_k_instances_capped_by_the_link() -> None:
    plan = lab_plan("ms01")
    assert [estimated_gbps(plan, k) for k in (1, 4, 6, 8)] == [4.49, 17.96, 23.5, 23.5]


def test_markdown_puts_the_published_gk41_figures_beside_ours() -> None:
    table = render_sweep_markdown(sweep_report(lab_plan("gk41"), gk41_rows())).splitlines()
    assert table[0] == "### Minisforum GK41, stack gk41"
    assert table[2] == (
        "| K | flows | received Gbit/s | sent Gbit/s | retransmits | estimate Gbit/s | "
        "published, Minisforum GK41 Gbit/s | ours / published |"
    )
    assert table[4] == "| 1 | 16 | 0.441 | 0.445 | 1 | 0.393 | 0.441 | 1.00 |"
    assert table[7] == "| 4 | 16 | 1.930 | 1.949 | 4 | 1.572 | 1.93 | 1.00 |"


def test_markdown_shows_a_dash_where_nothing_was_published() -> None:
    rows = [SweepRow(7, 16, 10, report_of(20.0))]
    assert render_sweep_markdown(sweep_report(lab_plan("ms01"), rows)).splitlines()[-1] == (
        "| 7 | 16 | 20.000 | 20.200 | 0 | 23.5 | - | - |"
    )


def test_csv_has_one_line_per_run_and_empty_cells_for_missing_figures() -> None:
    rows = [SweepRow(2, 16, 10, report_of(8.0)), SweepRow(7, 16, 10, report_of(20.0))]
    lines = render_sweep_csv(sweep_report(lab_plan("ms01"), rows)).splitlines()
    assert lines[0] == (
        "active_paths,flows,seconds,received_gbps,sent_gbps,retransmits,estimated_gbps,published_gbps,received_over_published"
    )
    assert lines[1:] == ["2,16,10,8.000,8.080,0,8.98,8.38,0.955", "7,16,10,20.000,20.200,0,23.5,,"]


def test_json_keeps_per_stream_rates_and_the_published_reference() -> None:
    document = json.loads(render_sweep_json(sweep_report(lab_plan("gk41"), gk41_rows()[:1])))
    assert document["publishedReference"] == "gk41"
    assert document["runs"] == [
        {
            "activePaths": 1,
            "flows": 16,
            "seconds": 10,
            "receivedGbps": 0.441,
            "sentGbps": 0.4454,
            "retransmits": 1,
            "streamReceivedGbps": [0.2205, 0.2205],
            "estimatedGbps": 0.393,
            "publishedGbps": 0.441,
        }
    ]


def test_figure_draws_ours_the_estimate_and_the_published_sweep_of_the_same_box() -> None:
    figure = sweep_figure(sweep_report(lab_plan("gk41"), gk41_rows()))
    assert figure.unit == "Gbit/s"
    assert figure.ks == (1, 2, 3, 4)
    assert [(series.label, series.kind) for series in figure.absolute] == [
        ("estimate (plan)", "ideal"),
        ("this lab, 16 flows", "measured"),
        ("Minisforum GK41 (published)", "reference"),
    ]
    assert figure.absolute[0].points == ((1, 0.393), (2, 0.786), (3, 1.179), (4, 1.572))
    assert figure.absolute[1].points == ((1, 0.441), (2, 1.02), (3, 1.45), (4, 1.93))
    shape = {series.label: series.points for series in figure.shape}
    assert [k for k, _ in shape["this lab, 16 flows"]] == [1, 2, 3, 4]
    assert [ratio for _, ratio in shape["this lab, 16 flows"]] == pytest.approx([1.0, 1.02 / 0.441, 1.45 / 0.441, 1.93 / 0.441])
    assert shape["linear"] == ((1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0))


def test_without_a_published_reference_published_sweeps_appear_only_in_shape() -> None:
    figure = sweep_figure(
        sweep_report(lab_plan("gk41", hardware={"model": "bench", "performanceCores": 4, "instanceGbps": 0.1}), gk41_rows())
    )
    assert [series.kind for series in figure.absolute] == ["ideal", "measured"]
    assert {series.label for series in figure.shape} == {
        "this lab, 16 flows",
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
    written = write_sweep_reports(report, tmp_path, "sweep-gk41")
    assert sorted(path.relative_to(tmp_path).as_posix() for path in written) == [
        "sweep-gk41-iperf3/k1-p16.json",
        "sweep-gk41-iperf3/k2-p16.json",
        "sweep-gk41-iperf3/k3-p16.json",
        "sweep-gk41-iperf3/k4-p16.json",
        "sweep-gk41.csv",
        "sweep-gk41.json",
        "sweep-gk41.md",
        "sweep-gk41.png",
    ]
    assert png_size(tmp_path / "sweep-gk41.png") == FIGURE_PIXELS == (1440, 576)
    assert (tmp_path / "sweep-gk41.md").read_text() == render_sweep_markdown(report)
    assert json.loads((tmp_path / "sweep-gk41-iperf3/k2-p16.json").read_text()) == {"end": {"sum_received": {"bits_per_second": 1.02e9}}}


def test_command_line_defaults_are_the_reference_test() -> None:
    args = build_parser().parse_args(["sweep", "--stack", "gk41"])
    assert (args.stack, args.flows, args.seconds, args.port, args.netns) == ("gk41", 16, 10, 5201, False)


def test_command_line_needs_a_stack_or_the_namespace_lab(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sweep"])
    assert "one of the arguments --stack --netns is required" in capsys.readouterr().err


@pytest.fixture
def interrupts_raise() -> Iterator[None]:
    """SIGINT and SIGTERM as an interactive run has them, whatever this process inherited: a background job
    starts with SIGINT ignored, and Python then installs no handler of its own."""
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@pytest.mark.usefixtures("interrupts_raise")
def test_while_restoring_a_first_interrupt_only_warns_and_a_second_one_abandons() -> None:
    shown: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred(shown.append):
        signal.raise_signal(signal.SIGINT)
        assert len(shown) == 1
        assert shown[0].startswith("restoring the original K; interrupt again to abandon it")
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
