"""A sweep of a lab of more than two routers: the pairs it measures at each K, all at once, and K always put back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pytest

from components.ops.iperf import IperfError, IperfReport
from components.ops.sweep.orchestration import Pair, SweepRow, all_pairs, default_pairs, pair_problems, run_sweep
from tests.ops.sweep.fake_lab import FakeLab, quiet

SITES = ("hq", "br1", "br2")
EVERY_PAIR = (("hq", "br1"), ("hq", "br2"), ("br1", "hq"), ("br1", "br2"), ("br2", "hq"), ("br2", "br1"))


def report_of(mbit: float, retransmits: int | None = 0) -> IperfReport:
    rate = mbit * 1e6
    return IperfReport(16, 10.0, rate, rate, retransmits, (rate,), raw="{}")


@dataclass
class SitesLab(FakeLab):
    """Three sites; each pair receives K x 100 Mbit/s plus its position."""

    count: int = 3
    active: int = 2
    retransmits: int | None = 1

    def routers(self) -> tuple[str, ...]:
        return SITES

    def measure_call(self, pairs: Sequence[Pair], flows: int, seconds: int) -> str:
        return f"measure K={self.active}: " + ", ".join(f"{sender}->{receiver}" for sender, receiver in pairs)

    def reports(self, pairs: Sequence[Pair]) -> dict[Pair, IperfReport]:
        return {pair: report_of(100 * self.active + position, self.retransmits) for position, pair in enumerate(pairs)}


def test_all_pairs_are_every_ordered_pair_in_router_order() -> None:
    assert all_pairs(SITES) == EVERY_PAIR


def test_a_two_router_lab_measures_its_first_router_to_its_second_by_default() -> None:
    assert default_pairs(("r1", "r2")) == (("r1", "r2"),)


def test_a_lab_of_three_routers_has_no_default_pair() -> None:
    assert default_pairs(SITES) is None


def test_every_pair_is_measured_at_once_at_each_k_then_k_is_restored() -> None:
    lab = SitesLab(active=2)
    rows = run_sweep(lab, pairs=EVERY_PAIR, flows=16, seconds=10, progress=quiet)
    every = "hq->br1, hq->br2, br1->hq, br1->br2, br2->hq, br2->br1"
    assert lab.calls == [
        "set K=1",
        f"measure K=1: {every}",
        "set K=2",
        f"measure K=2: {every}",
        "set K=3",
        f"measure K=3: {every}",
        "set K=2",
    ]
    assert [row.pairs for row in rows] == [EVERY_PAIR] * 3


def test_a_row_holds_each_pairs_report_and_their_total() -> None:
    rows = run_sweep(SitesLab(count=1), pairs=EVERY_PAIR, progress=quiet)
    assert {pair: report.received_bits_per_second / 1e6 for pair, report in rows[0].reports.items()} == {
        ("hq", "br1"): 100,
        ("hq", "br2"): 101,
        ("br1", "hq"): 102,
        ("br1", "br2"): 103,
        ("br2", "hq"): 104,
        ("br2", "br1"): 105,
    }
    # 100 + 101 + ... + 105 Mbit/s.
    assert rows[0].received_gbps == pytest.approx(0.615)
    assert rows[0].retransmits == 6


def test_a_total_has_no_retransmit_count_when_one_pair_lacks_it() -> None:
    rows = run_sweep(SitesLab(count=1, retransmits=None), pairs=EVERY_PAIR, progress=quiet)
    assert rows[0].retransmits is None


def test_one_pair_of_three_routers_is_measured_alone() -> None:
    lab = SitesLab(active=1, count=2)
    rows = run_sweep(lab, pairs=[("br2", "hq")], progress=quiet)
    assert lab.calls == ["set K=1", "measure K=1: br2->hq", "set K=2", "measure K=2: br2->hq", "set K=1"]
    assert rows[1].report.received_bits_per_second == 200e6


def test_the_report_of_a_row_of_several_pairs_is_refused_as_ambiguous() -> None:
    row = SweepRow(1, 16, 10, {("hq", "br1"): report_of(1), ("br1", "hq"): report_of(2)})
    with pytest.raises(ValueError, match="K=1 measured 2 pairs at once, not one"):
        _ = row.report


def test_a_failing_measurement_of_all_pairs_still_restores_the_original_k() -> None:
    lab = SitesLab(active=3, count=3, failures={"measure K=2": IperfError("iperf3: the server is busy running a test")})
    kept: list[SweepRow] = []
    with pytest.raises(IperfError, match="busy"):
        run_sweep(lab, pairs=EVERY_PAIR, progress=quiet, on_row=kept.append)
    assert [call.split(":")[0] for call in lab.calls] == ["set K=1", "measure K=1", "set K=2", "measure K=2", "set K=3"]
    assert lab.active == 3
    assert [row.active_paths for row in kept] == [1]


def test_an_interrupt_while_all_pairs_run_still_restores_the_original_k() -> None:
    lab = SitesLab(active=1, count=3, failures={"measure K=2": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        run_sweep(lab, pairs=EVERY_PAIR, progress=quiet)
    assert lab.calls[-1] == "set K=1"
    assert lab.active == 1


def test_without_pairs_a_lab_of_three_routers_is_refused_before_k_changes() -> None:
    lab = SitesLab()
    with pytest.raises(ValueError, match=r"^a lab of 3 routers \(hq, br1, br2\) has no default pair: name the pairs to measure$"):
        run_sweep(lab, progress=quiet)
    assert lab.calls == []


def test_a_pair_the_lab_does_not_have_is_refused_before_k_changes() -> None:
    lab = SitesLab()
    with pytest.raises(ValueError, match=r"^'br3' is not a router of this lab \(hq, br1, br2\)$"):
        run_sweep(lab, pairs=[("hq", "br3")], progress=quiet)
    assert lab.calls == []


def test_pair_problems_name_each_problem() -> None:
    assert pair_problems([("hq", "hq"), ("hq", "br1"), ("hq", "br1")], SITES) == [
        "hq cannot measure itself: a pair is two different routers",
        "a pair is named twice",
    ]
    assert pair_problems([], SITES) == ["no pair of routers to measure"]


def test_a_driver_that_leaves_a_pair_out_fails_the_sweep_and_k_is_restored() -> None:
    @dataclass
    class ForgetfulLab(SitesLab):
        def measure(self, pairs: Sequence[Pair], flows: int, seconds: int) -> Mapping[Pair, IperfReport]:
            return dict(list(super().measure(pairs, flows, seconds).items())[1:])

    lab = ForgetfulLab(active=2)
    with pytest.raises(RuntimeError, match=r"^the lab measured no report for hq -> br1$"):
        run_sweep(lab, pairs=EVERY_PAIR, progress=quiet)
    assert lab.active == 2


def test_progress_shows_the_total_then_each_pair() -> None:
    shown: list[str] = []
    run_sweep(SitesLab(count=1), pairs=EVERY_PAIR[:2], flows=8, seconds=5, progress=shown.append)
    assert shown == [
        "[1/1] applying K=1",
        "[1/1] iperf3: 2 pairs at once, 8 flows each for 5 s",
        "[1/1] K=1: 0.201 Gbit/s received in total by 2 pairs, retransmits 2",
        "[1/1]   hq -> br1: 0.100 Gbit/s received",
        "[1/1]   hq -> br2: 0.101 Gbit/s received",
        "restoring K=2",
        "K=2 restored",
    ]
