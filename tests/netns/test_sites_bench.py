"""The M-router benchmark's arithmetic and tables: every pair busy at once, beside the two-router figure."""

from __future__ import annotations

import pytest

from components.cli.main import build_parser
from components.netns.sites_bench import PairThroughput, SitesRow, render_sites_csv, render_sites_markdown


def row(active: int, *mbit: float, two: float = 95.0) -> SitesRow:
    names = [("r1", "r2"), ("r1", "r3"), ("r2", "r1"), ("r2", "r3"), ("r3", "r1"), ("r3", "r2")]
    pairs = tuple(PairThroughput(sender, receiver, value) for (sender, receiver), value in zip(names, mbit, strict=True))
    return SitesRow(active_paths=active, flows=8, rate_mbit=100, routers=3, two_router_mbit=two, pairs=pairs)


def test_a_router_sends_k_times_r_in_all_so_each_of_its_two_peers_gets_half() -> None:
    assert row(2, 100, 100, 100, 100, 100, 100).ideal_pair_mbit == 100.0
    assert row(1, 50, 50, 50, 50, 50, 50).ideal_pair_mbit == 50.0


def test_the_lab_moves_m_times_k_times_r_when_every_pair_is_busy() -> None:
    busy = row(2, 95, 90, 95, 90, 95, 90)
    assert busy.ideal_total_mbit == 600.0
    assert busy.total_mbit == 555.0
    assert busy.total_efficiency == pytest.approx(0.925)


def test_pair_efficiency_is_against_its_share_of_the_senders_paths() -> None:
    assert row(2, 95, 90, 95, 90, 95, 90).pair_efficiencies == pytest.approx((0.95, 0.90, 0.95, 0.90, 0.95, 0.90))


def test_the_two_router_figure_is_against_k_times_r() -> None:
    assert row(2, 1, 1, 1, 1, 1, 1, two=190.0).two_router_efficiency == pytest.approx(0.95)


def test_markdown_puts_the_totals_beside_the_two_router_figures_and_lists_each_pair() -> None:
    text = render_sites_markdown([row(1, 48, 45, 48, 45, 48, 45, two=47.5), row(2, 95, 90, 95, 90, 95, 90, two=95.0)])
    lines = text.splitlines()
    assert lines[0] == (
        "Two routers (r1 -> r2, alone) beside 3 routers with every router sending to every other at once; "
        "R = 100 Mbit/s per path and direction."
    )
    assert lines[2] == (
        "| K | flows per pair | 2 routers: Mbit/s | K x R | efficiency | 3 routers: total Mbit/s | M x K x R | efficiency "
        "| per pair: least | most |"
    )
    assert lines[4:6] == [
        "| 1 | 8 | 47.5 | 100 | 0.475 | 279.0 | 300 | 0.930 | 0.900 | 0.960 |",
        "| 2 | 8 | 95.0 | 200 | 0.475 | 555.0 | 600 | 0.925 | 0.900 | 0.950 |",
    ]
    assert lines[7] == "Per pair, all pairs busy: efficiency against K x R / 2 each (Mbit/s in brackets)."
    assert lines[9:12] == ["| pair | K=1 | K=2 |", "|:---|---:|---:|", "| r1 -> r2 | 0.960 (48.0) | 0.950 (95.0) |"]


def test_csv_has_a_line_per_pair_then_the_total_then_the_two_router_run() -> None:
    lines = render_sites_csv([row(2, 95, 90, 95, 90, 95, 90, two=190.0)]).splitlines()
    assert lines[0] == "routers,active_paths,flows_per_pair,rate_mbit,sender,receiver,mbit,ideal_mbit,efficiency"
    assert lines[1] == "3,2,8,100,r1,r2,95.0,100.0,0.950"
    assert lines[7:] == ["3,2,8,100,all,all,555.0,600.0,0.925", "2,2,8,100,r1,r2,190.0,200.0,0.950"]


def test_bench_netns_takes_two_routers_by_default_and_up_to_sixteen(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args(["bench-netns"]).routers == 2
    assert build_parser().parse_args(["bench-netns", "--routers", "16"]).routers == 16
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench-netns", "--routers", "17"])
    assert "argument --routers: 17 is out of range; give 2..16 routers" in capsys.readouterr().err


def test_bfd_failover_takes_two_routers_by_default() -> None:
    assert build_parser().parse_args(["bfd-failover"]).routers == 2
    assert build_parser().parse_args(["bfd-failover", "--routers", "3"]).routers == 3
