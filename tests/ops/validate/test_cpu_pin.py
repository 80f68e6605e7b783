"""Cpu pin: the CPUs the running zerotier-one process may use, whatever the runtime did to pin it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from components.ops.validate.checks.cpu_pin import PROCESS_CPUS
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
    # The official entrypoint starts a `sleep 1` every second. One that ended while the container was
    # read made the earlier command (grep over every process's status) exit 2 after printing
    # zerotier-one's status in full: a status read in full is judged by what it says.
    assert failures(healthy_r1("gk41-r1-path3-process-exited-while-read")) == []


# The check's own script, run by this machine's sh in a PID namespace of its own (as a container's
# processes are): root and util-linux's unshare and taskset.
_CONTAINER_LIKE = pytest.mark.skipif(
    os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("taskset")),
    reason="running the check's script in a PID namespace needs root, unshare and taskset",
)


def _in_pid_namespace(script: str) -> subprocess.CompletedProcess[str]:
    # The namespace's first process is this sh: when it ends, the kernel ends every other one in it.
    return subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script], capture_output=True, text=True, timeout=30, check=False
    )


@_CONTAINER_LIKE
def test_the_script_prints_the_status_of_the_process_named_zerotier_one_and_nothing_else(tmp_path: Path) -> None:
    fake = tmp_path / "zerotier-one"
    shutil.copy("/bin/sleep", fake)
    answer = _in_pid_namespace(f"taskset -c 0 {fake} 30 & sleep 0.5; sh -c {shlex.quote(PROCESS_CPUS)}")
    assert (answer.returncode, answer.stdout.splitlines()[::2]) == (0, ["Name:\tzerotier-one", "Cpus_allowed_list:\t0"])


@_CONTAINER_LIKE
def test_the_script_prints_nothing_and_exits_1_without_zerotier_one() -> None:
    answer = _in_pid_namespace(f"sleep 30 & sh -c {shlex.quote(PROCESS_CPUS)}")
    assert (answer.returncode, answer.stdout, answer.stderr) == (1, "", "")
