"""Both directions of the two-router namespace lab measured at once, for real: one iperf3 server per
direction, each direction over its own capped path links.

Each veth end caps what it sends (a token bucket per direction), so r1 -> r2 and r2 -> r1 do not share a
cap: run at once, each direction still gets more than K - 1 links could carry. With 2 paths, F flows
leave a path idle with probability 2 x 2^-F (layer-4 hashing puts each flow on a path at random); 21
flows make that under one in a million per direction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.cli.main import main
from components.netns.flow_coverage import coverage_probability
from components.netns.lab import NetnsLab, netns_lab
from components.netns.sweep_driver import NetnsLabDriver, netns_sweep_plan
from components.ops.iperf import IPERF_PORT
from components.ops.sweep.orchestration import run_sweep
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 2
RATE_MBIT = 100
SECONDS = 2
FLOWS = 21
BOTH_WAYS = (("r1", "r2"), ("r2", "r1"))


@pytest.fixture
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_sweep_plan(PATHS, None, RATE_MBIT), rate_mbit=RATE_MBIT) as built:
        built.apply()
        yield built


def test_the_flow_count_leaves_a_path_idle_less_than_once_in_a_million() -> None:
    assert 1 - coverage_probability(PATHS, FLOWS) < 1e-6


def test_both_directions_at_once_each_get_more_than_one_capped_link(lab: NetnsLab) -> None:
    reports = NetnsLabDriver(lab, RATE_MBIT).measure(BOTH_WAYS, FLOWS, SECONDS)
    received = {pair: report.received_bits_per_second / 1e6 for pair, report in reports.items()}
    assert list(received) == list(BOTH_WAYS)
    assert all(mbit > (PATHS - 1) * RATE_MBIT for mbit in received.values()), received


def test_both_directions_ran_at_the_same_time_on_servers_of_their_own(lab: NetnsLab) -> None:
    reports = NetnsLabDriver(lab, RATE_MBIT).measure(BOTH_WAYS, FLOWS, SECONDS)
    starts = {pair: json.loads(report.raw)["start"] for pair, report in reports.items()}
    # iperf3's own record of where each client connected and when its test began.
    assert {pair: start["connecting_to"] for pair, start in starts.items()} == {
        ("r1", "r2"): {"host": "10.0.55.2", "port": IPERF_PORT},
        ("r2", "r1"): {"host": "10.0.55.1", "port": IPERF_PORT},
    }
    began = [start["timestamp"]["timesecs"] for start in starts.values()]
    assert max(began) - min(began) < SECONDS, "the second test began before the first ended"


def test_a_sweep_of_both_directions_measures_each_k_and_returns_to_the_original(lab: NetnsLab) -> None:
    lab.apply(netns_sweep_plan(PATHS, 1, RATE_MBIT))
    rows = run_sweep(NetnsLabDriver(lab, RATE_MBIT), pairs=BOTH_WAYS, flows=FLOWS, seconds=1, progress=lambda line: None)
    assert [(row.active_paths, row.pairs) for row in rows] == [(1, BOTH_WAYS), (2, BOTH_WAYS)]
    assert all(report.received_bits_per_second > 0 for row in rows for report in row.reports.values())
    assert lab.plan.active_path_count == 1


def test_sweep_command_with_all_pairs_writes_per_pair_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "sweep",
        "--netns",
        "--all-pairs",
        "--paths",
        "2",
        "--rate-mbit",
        "50",
        "--flows",
        "8",
        "--seconds",
        "1",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "sweep-netns-all-pairs-iperf3",
        "sweep-netns-all-pairs.csv",
        "sweep-netns-all-pairs.json",
        "sweep-netns-all-pairs.md",
        "sweep-netns-all-pairs.png",
    ]
    runs = json.loads((tmp_path / "sweep-netns-all-pairs.json").read_text())["runs"]
    # The plan's model of a ZeroTier instance busy both ways (it decrypts as much as it encrypts) halves each
    # pair's estimate to 25 Mbit/s per path; the namespace links cap each direction apart, so they carry more.
    assert [[pair["estimatedGbps"] for pair in run["pairs"]] for run in runs] == [[0.025, 0.025], [0.05, 0.05]]
    assert [run["estimatedGbps"] for run in runs] == [0.05, 0.1]
    out = capsys.readouterr().out
    assert "### network-namespace lab, 2 paths of 50 Mbit/s, all 2 pairs at once" in out
    assert "validate: " in out
