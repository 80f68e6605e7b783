"""The reports of a sweep of three sites: per pair and in total for each K, beside the plan's estimate."""

from __future__ import annotations

import json
from pathlib import Path

from components.ops.iperf import IperfReport
from components.ops.sweep.orchestration import Pair, SweepRow, all_pairs
from components.ops.sweep.reports import (
    pair_estimate_gbps,
    render_sweep_csv,
    render_sweep_json,
    render_sweep_markdown,
    sweep_figure,
    sweep_report,
    write_sweep_reports,
)
from tests.support.stacks import lab_plan

SITES = ("hq", "br1", "br2")
EVERY_PAIR = all_pairs(SITES)
# What each pair received at K = 1, Gbit/s, in the order of EVERY_PAIR; at K = 2 twice as much.
AT_ONE_PATH = (0.10, 0.11, 0.12, 0.13, 0.14, 0.16)


def report_of(gbps: float, retransmits: int) -> IperfReport:
    rate = gbps * 1e9
    return IperfReport(16, 10.0, rate * 1.01, rate, retransmits, (rate / 2, rate / 2), raw=json.dumps({"received": gbps}))


def every_pair_rows() -> list[SweepRow]:
    """K = 1 and 2, every pair at once; pair i has i + 1 retransmits."""
    return [
        SweepRow(
            k,
            16,
            10,
            {pair: report_of(gbps * k, position + 1) for position, (pair, gbps) in enumerate(zip(EVERY_PAIR, AT_ONE_PATH, strict=True))},
        )
        for k in (1, 2)
    ]


def one_pair_rows(pair: Pair) -> list[SweepRow]:
    # The GK41's published figures for K = 1 and 2, as if this pair had measured them.
    return [SweepRow(k, 16, 10, {pair: report_of(gbps, k)}) for k, gbps in ((1, 0.441), (2, 1.02))]


def test_while_every_pair_is_busy_each_pair_expects_half_an_instance_per_path_shared_by_two_peers() -> None:
    # 0.393 Gbit/s per instance, half of it for sending while it decrypts as much, over 2 peers.
    plan = lab_plan("gk41-sites")
    assert [pair_estimate_gbps(plan, ("hq", "br1"), k, all_busy=True) for k in (1, 2, 4)] == [0.099, 0.197, 0.393]


def test_one_pair_alone_expects_what_one_router_sending_does() -> None:
    plan = lab_plan("gk41-sites")
    assert [pair_estimate_gbps(plan, ("br2", "hq"), k, all_busy=False) for k in (1, 2, 4)] == [0.393, 0.786, 1.572]


def test_two_spokes_alone_expect_half_as_much_the_hub_decrypting_and_encrypting_again() -> None:
    plan = lab_plan("gk41-sites", routing={"topology": "hub-and-spoke", "hub": "hq"})
    assert [pair_estimate_gbps(plan, ("br1", "br2"), k, all_busy=False) for k in (1, 2, 4)] == [0.197, 0.393, 0.786]
    assert [pair_estimate_gbps(plan, ("br1", "hq"), k, all_busy=False) for k in (1, 2, 4)] == [0.393, 0.786, 1.572]


def test_through_a_hub_every_pair_busy_shares_the_hubs_instances_among_all_four_peer_pairings() -> None:
    plan = lab_plan("gk41-sites", routing={"topology": "hub-and-spoke", "hub": "hq"})
    report = sweep_report(plan, every_pair_rows())
    assert report.pair_estimates_gbps[("br1", "br2")] == {1: 0.049, 2: 0.098, 3: 0.147, 4: 0.197}
    assert report.estimates_gbps == {1: 0.294, 2: 0.588, 3: 0.882, 4: 1.182}


def test_markdown_of_every_pair_shows_each_pair_then_the_total_per_k() -> None:
    table = render_sweep_markdown(sweep_report(lab_plan("gk41-sites"), every_pair_rows())).splitlines()
    assert table[:2] == ["### Minisforum GK41, stack gk41-sites, all 6 pairs at once", ""]
    # No published column: the published figures are one pair alone, not comparable with pairs sharing the routers.
    assert table[2:11] == [
        "| K | pair | flows | received Gbit/s | sent Gbit/s | retransmits | estimate Gbit/s |",
        "|---:|:---|---:|---:|---:|---:|---:|",
        "| 1 | hq -> br1 | 16 | 0.100 | 0.101 | 1 | 0.099 |",
        "| 1 | hq -> br2 | 16 | 0.110 | 0.111 | 2 | 0.099 |",
        "| 1 | br1 -> hq | 16 | 0.120 | 0.121 | 3 | 0.099 |",
        "| 1 | br1 -> br2 | 16 | 0.130 | 0.131 | 4 | 0.099 |",
        "| 1 | br2 -> hq | 16 | 0.140 | 0.141 | 5 | 0.099 |",
        "| 1 | br2 -> br1 | 16 | 0.160 | 0.162 | 6 | 0.099 |",
        "| 1 | total | 16 | 0.760 | 0.768 | 21 | 0.594 |",
    ]
    assert table[-1] == "| 2 | total | 16 | 1.520 | 1.535 | 21 | 1.182 |"


def test_csv_of_every_pair_has_a_line_per_pair_and_a_total_line_per_k() -> None:
    lines = render_sweep_csv(sweep_report(lab_plan("gk41-sites"), every_pair_rows())).splitlines()
    assert lines[0] == "active_paths,pair,flows,seconds,received_gbps,sent_gbps,retransmits,estimated_gbps"
    assert lines[1:8] == [
        "1,hq->br1,16,10,0.100,0.101,1,0.099",
        "1,hq->br2,16,10,0.110,0.111,2,0.099",
        "1,br1->hq,16,10,0.120,0.121,3,0.099",
        "1,br1->br2,16,10,0.130,0.131,4,0.099",
        "1,br2->hq,16,10,0.140,0.141,5,0.099",
        "1,br2->br1,16,10,0.160,0.162,6,0.099",
        "1,total,16,10,0.760,0.768,21,0.594",
    ]
    assert len(lines) == 1 + 2 * 7


def test_json_of_every_pair_holds_the_totals_and_each_pair_with_its_streams() -> None:
    document = json.loads(render_sweep_json(sweep_report(lab_plan("gk41-sites"), every_pair_rows())))
    assert document["pairs"][:2] == [{"sender": "hq", "receiver": "br1"}, {"sender": "hq", "receiver": "br2"}]
    assert document["allBusy"] is True
    first = document["runs"][0]
    assert {key: value for key, value in first.items() if key != "pairs"} == {
        "activePaths": 1,
        "flows": 16,
        "seconds": 10,
        "receivedGbps": 0.76,
        "sentGbps": 0.7676,
        "retransmits": 21,
        "estimatedGbps": 0.594,
    }
    assert first["pairs"][5] == {
        "sender": "br2",
        "receiver": "br1",
        "receivedGbps": 0.16,
        "sentGbps": 0.1616,
        "retransmits": 6,
        "streamReceivedGbps": [0.08, 0.08],
        "estimatedGbps": 0.099,
    }


def test_figure_of_every_pair_draws_the_total_beside_its_estimate_and_each_pair() -> None:
    figure = sweep_figure(sweep_report(lab_plan("gk41-sites"), every_pair_rows()))
    assert [(series.label, series.kind, series.points) for series in figure.absolute[:3]] == [
        ("estimate (plan), total", "ideal", ((1, 0.594), (2, 1.182))),
        ("this lab, 6 pairs in total, 16 flows each", "measured", ((1, 0.76), (2, 1.52))),
        ("hq -> br1, 16 flows", "measured", ((1, 0.1), (2, 0.2))),
    ]
    assert [series.label for series in figure.absolute[3:]] == [
        "hq -> br2, 16 flows",
        "br1 -> hq, 16 flows",
        "br1 -> br2, 16 flows",
        "br2 -> hq, 16 flows",
        "br2 -> br1, 16 flows",
    ]
    # The published sweep is one pair alone: beside every pair's total, only its shape compares.
    assert "Minisforum GK41 (published)" in {series.label for series in figure.shape}


def test_reports_of_every_pair_keep_each_pairs_raw_iperf3_json(tmp_path: Path) -> None:
    written = write_sweep_reports(sweep_report(lab_plan("gk41-sites"), every_pair_rows()), tmp_path, "sweep-gk41-sites-all-pairs")
    raw = sorted(path.name for path in written if path.parent.name == "sweep-gk41-sites-all-pairs-iperf3")
    assert raw[:6] == [
        "k1-p16-br1-to-br2.json",
        "k1-p16-br1-to-hq.json",
        "k1-p16-br2-to-br1.json",
        "k1-p16-br2-to-hq.json",
        "k1-p16-hq-to-br1.json",
        "k1-p16-hq-to-br2.json",
    ]
    assert len(raw) == 12
    assert json.loads((tmp_path / "sweep-gk41-sites-all-pairs-iperf3/k2-p16-br2-to-br1.json").read_text()) == {"received": 0.32}
    assert (tmp_path / "sweep-gk41-sites-all-pairs.png").stat().st_size > 0


def test_one_pair_of_three_sites_is_named_and_set_beside_the_published_figures() -> None:
    table = render_sweep_markdown(sweep_report(lab_plan("gk41-sites"), one_pair_rows(("hq", "br1")))).splitlines()
    assert table[0] == "### Minisforum GK41, stack gk41-sites, hq -> br1"
    assert table[2] == (
        "| K | pair | flows | received Gbit/s | sent Gbit/s | retransmits | estimate Gbit/s | "
        "published, Minisforum GK41 Gbit/s | ours / published |"
    )
    assert table[4:] == [
        "| 1 | hq -> br1 | 16 | 0.441 | 0.445 | 1 | 0.393 | 0.441 | 1.00 |",
        "| 2 | hq -> br1 | 16 | 1.020 | 1.030 | 2 | 0.786 | 1.02 | 1.00 |",
    ]


def test_csv_of_one_pair_of_three_sites_names_it() -> None:
    lines = render_sweep_csv(sweep_report(lab_plan("gk41-sites"), one_pair_rows(("br2", "hq")))).splitlines()
    assert lines == [
        "active_paths,pair,flows,seconds,received_gbps,sent_gbps,retransmits,estimated_gbps,published_gbps,received_over_published",
        "1,br2->hq,16,10,0.441,0.445,1,0.393,0.441,1.000",
        "2,br2->hq,16,10,1.020,1.030,2,0.786,1.02,1.000",
    ]


def test_both_directions_of_two_routers_at_once_each_expect_half_an_instance_per_path() -> None:
    rows = [SweepRow(1, 16, 10, {("r1", "r2"): report_of(0.2, 0), ("r2", "r1"): report_of(0.19, 0)})]
    lines = render_sweep_csv(sweep_report(lab_plan("gk41"), rows)).splitlines()
    assert lines[1:] == [
        "1,r1->r2,16,10,0.200,0.202,0,0.197",
        "1,r2->r1,16,10,0.190,0.192,0,0.197",
        "1,total,16,10,0.390,0.394,0,0.394",
    ]


def test_the_other_direction_of_two_routers_alone_is_named_in_the_title() -> None:
    report = sweep_report(lab_plan("gk41"), one_pair_rows(("r2", "r1")))
    assert report.title == "Minisforum GK41, stack gk41, r2 -> r1"
    assert report.estimates_gbps[1] == 0.393
