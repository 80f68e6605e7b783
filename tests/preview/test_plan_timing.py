"""The plan-time benchmark's inputs and its table; the timing itself is printed by `bench-plan`, never asserted."""

from __future__ import annotations

import pytest

from components.cli.main import main
from components.model.plan import build_plan
from components.preview.offline import OfflineRun
from components.preview.plan_timing import (
    FirstUpTiming,
    PlanTiming,
    first_up_settings,
    render_first_ups,
    render_timings,
    time_plans,
)
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings
from tests.support.stacks import sized_plan


def test_the_largest_size_is_a_valid_lab_of_sixteen_sites_on_eight_27s() -> None:
    plan = sized_plan(16, 8)
    assert (len(plan.routers), plan.path_count, str(plan.path(8).subnet)) == (16, 8, "10.14.0.224/27")


def test_the_table_reports_time_per_instance_and_per_resource() -> None:
    assert render_timings([PlanTiming(routers=16, paths=8, resources=960, seconds=19.2)]).splitlines()[2:] == [
        "| 16 | 8 | 128 | 960 | 19.20 | 150.0 | 20.00 |"
    ]


def test_below_the_table_is_how_much_dearer_a_resource_of_the_largest_lab_is() -> None:
    table = render_timings(
        [PlanTiming(routers=2, paths=8, resources=134, seconds=0.268), PlanTiming(routers=16, paths=8, resources=960, seconds=2.4)]
    )
    assert table.splitlines()[-1] == "ms per resource, 16 x 8 against 2 x 8: +25%"


def _stacks_run(sizes: list[tuple[int, int]], repeats: int) -> list[str]:
    """The stacks ``time_plans`` runs, in order, with a run that registers nothing."""
    stacks: list[str] = []

    def run(project: str, stack: str, values: object, secrets: object) -> OfflineRun:
        stacks.append(stack)
        return OfflineRun(plan=None)  # type: ignore[arg-type]

    time_plans(sizes, repeats=repeats, run=run)
    return stacks


def test_the_sizes_take_turns_after_one_untimed_run_so_a_drifting_machine_slows_them_alike() -> None:
    assert _stacks_run([(8, 8), (16, 8)], repeats=2) == [
        "bench-warm-up",
        *["bench-m8-n8"] * 2,
        "bench-m16-n8",
        *["bench-m8-n8"] * 2,
        "bench-m16-n8",
    ]


def test_a_sample_of_a_smaller_lab_runs_it_as_often_as_makes_up_the_largest_labs_instances() -> None:
    stacks = _stacks_run([(4, 8), (16, 4)], repeats=1)
    assert (stacks.count("bench-m4-n8"), stacks.count("bench-m16-n4")) == (2, 1)


def test_a_size_must_be_written_m_x_n(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench-plan", "--size", "sixteen"])
    assert "argument --size: 'sixteen': write M x N as e.g. 16x8" in capsys.readouterr().err


def test_the_first_up_table_says_how_much_longer_one_path_at_a_time_takes() -> None:
    table = render_first_ups([FirstUpTiming(paths=4, side_by_side_seconds=4.7, one_path_at_a_time_seconds=7.0)])
    assert table.splitlines()[2] == "| 4 | 4.7 | 7.0 | 2.3 |"


def test_the_first_up_is_timed_on_linux_routers_with_their_instances_on_docker() -> None:
    project, values, secrets = load_stack_without_secrets("gk41", PROJECT_DIR)
    plan = build_plan(parse_qualified_settings(first_up_settings(values, 8), secrets).lab, project, "first-up")
    assert [(router.flavor, router.runtime) for router in plan.routers] == [("linux", "docker"), ("linux", "docker")]
    assert plan.path_count == 8
