"""Cpu pin: the CPUs the running zerotier-one process may use, whatever the runtime did to pin it."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import failures, healthy_r1, results
from tests.support.stacks import lab_plan, stack_settings


def test_a_pinned_instance_is_checked_from_the_cpus_its_process_may_use() -> None:
    assert failures(healthy_r1("gk41-r1-path3-on-all-cpus")) == [("cpu pin", "path 3", "may run on CPUs 0,1,2,3, planned 2")]


def test_a_container_without_zerotier_running_fails_the_pin_check() -> None:
    assert failures(healthy_r1("gk41-r1-path2-no-zerotier-process")) == [
        ("cpu pin", "path 2", "cannot read the CPUs zerotier-one may use: no zerotier-one process in the container")
    ]


def test_an_unpinned_instance_reports_where_it_may_run() -> None:
    routers = stack_settings("gk41")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("gk41", routers=routers)
    [pin] = [result for result in results("cpu pin", healthy_r1("gk41-r1-path1-on-all-cpus"), plan) if result.subject == "path 1"]
    assert (pin.status, pin.detail) == ("pass", "not pinned: may run on CPUs 0,1,2,3")


def test_a_process_that_exits_while_the_container_is_read_leaves_the_pin_judged_by_what_was_read() -> None:
    # The official entrypoint starts a `sleep 1` every second: one that ends between the shell's glob
    # and grep's read makes grep exit 2 although zerotier-one's status was printed in full.
    assert failures(healthy_r1("gk41-r1-path3-process-exited-while-read")) == []
