"""The sweep: K = 1..N applied and measured in order, and the original K always put back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from components.ops.iperf import IperfError, IperfReport
from components.ops.sweep.orchestration import Pair, SweepRow, run_sweep
from tests.ops.sweep.fake_lab import FakeLab, quiet
from tests.support.sweep_rows import report_of


@dataclass
class RecordingLab(FakeLab):
    """Two routers, measured at K x 0.45 Gbit/s."""

    def routers(self) -> tuple[str, ...]:
        return ("r1", "r2")

    def measure_call(self, pairs: Sequence[Pair], flows: int, seconds: int) -> str:
        return f"measure K={self.active} P={flows} t={seconds}"

    def reports(self, pairs: Sequence[Pair]) -> dict[Pair, IperfReport]:
        return {pair: report_of(0.45 * self.active) for pair in pairs}


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
