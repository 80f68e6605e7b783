"""The benchmark's arithmetic and reports: coverage, flow recommendation, efficiency, tables, plot."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from components.netns.flow_coverage import coverage_probability, expected_coverage, recommended_flows, scaling_efficiency
from components.netns.scaling_bench import BenchRow, render_csv, render_markdown, render_plot


def test_one_path_is_always_covered() -> None:
    assert coverage_probability(1, 1) == 1.0


def test_two_flows_cover_two_paths_half_the_time() -> None:
    assert coverage_probability(2, 2) == 0.5


def test_three_flows_cover_three_paths_only_in_the_3_factorial_orders() -> None:
    assert coverage_probability(3, 3) == pytest.approx(float(Fraction(6, 27)))


def test_fewer_flows_than_paths_never_cover_them_all() -> None:
    assert coverage_probability(8, 7) == 0.0


def test_the_reference_16_flows_leave_a_path_idle_most_of_the_time_at_k_8() -> None:
    assert coverage_probability(8, 16) == pytest.approx(0.3068, abs=1e-4)


def test_expected_share_of_paths_used_by_16_flows_over_8_paths() -> None:
    assert expected_coverage(8, 16) == pytest.approx(1 - (7 / 8) ** 16)
    assert expected_coverage(8, 16) == pytest.approx(0.8819, abs=1e-4)


def test_51_flows_are_the_fewest_that_use_all_8_paths_99_percent_of_the_time() -> None:
    assert recommended_flows(8) == 51
    assert coverage_probability(8, 50) < 0.99 <= coverage_probability(8, 51)


def test_recommended_flows_grow_with_paths() -> None:
    assert [recommended_flows(k) for k in range(1, 9)] == [1, 8, 15, 21, 28, 36, 43, 51]


def test_efficiency_is_aggregate_over_k_times_r() -> None:
    assert scaling_efficiency(380.0, 4, 100) == pytest.approx(0.95)


def row(link_bytes: tuple[int, ...], aggregate: float = 190.0, flows: int = 16) -> BenchRow:
    return BenchRow(active_paths=len(link_bytes), flows=flows, rate_mbit=100, aggregate_mbit=aggregate, link_bytes=link_bytes)


def test_an_idle_path_counts_as_unused_and_makes_the_spread_zero() -> None:
    idle = row((25_000_000, 0))
    assert idle.links_used == 1
    assert idle.spread == 0.0


def test_spread_is_least_over_most_loaded_path() -> None:
    assert row((20_000_000, 25_000_000)).spread == pytest.approx(0.8)


def test_markdown_table_has_one_line_per_run() -> None:
    table = render_markdown([row((23_800_000, 23_700_000))])
    assert table.splitlines()[2] == "| 2 | 16 | 190.0 | 200 | 0.950 | 2/2 | 1.0000 | 1.00 | 23.8 / 23.7 |"


def test_csv_has_header_and_values() -> None:
    lines = render_csv([row((23_800_000, 0), aggregate=95.0)]).splitlines()
    assert lines[0] == (
        "active_paths,flows,rate_mbit,aggregate_mbit,ideal_mbit,efficiency,links_used,predicted_all_paths_used,spread_min_over_max,link_megabytes"
    )
    assert lines[1] == "2,16,100,95.0,200,0.475,1,1.0000,0.000,23.8 0.0"


def test_plot_is_written_as_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib draws the benchmark plot")
    target = tmp_path / "bench.png"
    render_plot([row((12_000_000,), aggregate=95.0), row((12_000_000, 12_000_000), aggregate=190.0)], target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
