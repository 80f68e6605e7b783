"""Cpu pin: the CPUs the running zerotier-one process may use, whatever the runtime did to pin it."""

from __future__ import annotations

from components.ops.facts.model import Absent, ByPath, ProcessCpus, Unread
from components.ops.facts.needs import PROCESS_CPUS
from components.ops.validate.checks.cpu_pin import CHECK
from tests.ops.validate.judged import failed, verdicts
from tests.support.stacks import lab_plan, stack_settings


def processes(*changed: tuple[int, ProcessCpus | Unread]) -> ByPath[ProcessCpus | Unread]:
    """Path i's process on CPU i-1, as the gk41 plan pins it, with ``changed`` in its place."""
    by_path: dict[int, ProcessCpus | Unread] = {index: ProcessCpus(17, frozenset({index - 1})) for index in range(1, 5)}
    by_path.update(changed)
    return ByPath(tuple(by_path.items()))


def test_a_process_on_its_planned_cpus_passes() -> None:
    assert verdicts(CHECK, {PROCESS_CPUS: processes()})[2] == ("path 3", "pass", "pinned to CPUs 2")


def test_a_pinned_instance_on_other_cpus_fails_naming_both() -> None:
    assert failed(CHECK, {PROCESS_CPUS: processes((3, ProcessCpus(17, frozenset({0, 1, 2, 3}))))}) == [
        ("path 3", "may run on CPUs 0,1,2,3, planned 2")
    ]


def test_cpus_that_could_not_be_read_fail_saying_why() -> None:
    unread = Unread("the CPUs zerotier-one may use", "failed", "no zerotier-one process in the container")
    assert failed(CHECK, {PROCESS_CPUS: processes((2, unread))}) == [
        ("path 2", "cannot read the CPUs zerotier-one may use: no zerotier-one process in the container")
    ]


def test_an_unpinned_instance_reports_where_it_may_run() -> None:
    routers = stack_settings("gk41")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("gk41", routers=routers)
    all_cpus = ProcessCpus(17, frozenset({0, 1, 2, 3}))
    assert verdicts(CHECK, {PROCESS_CPUS: processes((1, all_cpus))}, plan)[0] == ("path 1", "pass", "not pinned: may run on CPUs 0,1,2,3")


def test_routers_without_zerotier_get_one_not_applicable_line() -> None:
    assert verdicts(CHECK, {PROCESS_CPUS: Absent("no ZeroTier here")}) == [("paths 1-4", "n/a", "no ZeroTier here")]
