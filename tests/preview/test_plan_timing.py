"""The plan-time benchmark's inputs and its table; the timing itself is printed by `bench-plan`, never asserted."""

from __future__ import annotations

import pytest

from components.cli.main import main
from components.model.plan import LabPlan, build_plan
from components.preview.plan_timing import TEMPLATE_STACK, PlanTiming, render_timings, sized_settings
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
