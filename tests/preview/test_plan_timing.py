"""The plan-time benchmark's inputs and its table; the timing itself is printed by `bench-plan`, never asserted."""

from __future__ import annotations

import pytest

from components.cli.main import main
from components.model.plan import LabPlan, build_plan
from components.preview.plan_timing import (
    TEMPLATE_STACK,
    FirstUpTiming,
    PlanTiming,
    first_up_settings,
    render_first_ups,
    render_timings,
    sized_settings,
)
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings


def _sized_plan(routers: int, paths: int) -> LabPlan:
    project, values, secrets = load_stack_without_secrets(TEMPLATE_STACK, PROJECT_DIR)
    return build_plan(parse_qualified_settings(sized_settings(values, routers, paths), secrets).lab, project, "bench")


def test_the_largest_size_is_a_valid_lab_of_sixteen_sites_on_eight_27s() -> None:
    plan = _sized_plan(16, 8)
    assert (len(plan.routers), plan.path_count, str(plan.path(8).subnet)) == (16, 8, "10.14.0.224/27")


def test_the_table_reports_time_per_instance_and_per_resource() -> None:
    assert render_timings([PlanTiming(routers=16, paths=8, resources=960, seconds=19.2)]).splitlines()[2] == (
        "| 16 | 8 | 128 | 960 | 19.20 | 150.0 | 20.0 |"
    )


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
