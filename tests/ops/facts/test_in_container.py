"""Getters that ask inside each instance's container: zerotier-one's own state, and the CPUs its process may use."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from components.ops.facts.in_container import PROCESS_CPUS_SCRIPT
from components.ops.facts.model import ByPath, ProcessCpus, RootContact, Unread, ZeroTierInstance, ZeroTierNetwork, ZeroTierNode
from components.ops.facts.needs import PROCESS_CPUS, ZEROTIER
from tests.ops.facts.read import asked, r1_fact
from tests.ops.validate.gk41_r1 import DOCKER


def zerotier(path: int, *cases: str) -> ZeroTierInstance:
    instances = r1_fact(ZEROTIER, *cases)
    assert isinstance(instances, ByPath)
    return instances.at(path)


def cpus(path: int, *cases: str) -> ProcessCpus | Unread:
    processes = r1_fact(PROCESS_CPUS, *cases)
    assert isinstance(processes, ByPath)
    return processes.at(path)


# -- zerotier-one ----------------------------------------------------------------------------------


def test_zerotier_cli_is_asked_for_info_networks_and_peers_at_each_instances_port_through_the_runtime() -> None:
    assert asked(ZEROTIER)[:3] == [
        f"sudo podman exec zt-ecmp-gk41-path1 zerotier-cli -p9994 -D/var/lib/zerotier-one -j {word}"
        for word in ("info", "listnetworks", "peers")
    ]
    assert "docker --context default exec zt-ecmp-gk41-path2 zerotier-cli -p9995 -D/var/lib/zerotier-one -j listnetworks" in asked(
        ZEROTIER, DOCKER
    )


def test_an_instance_says_its_node_its_network_and_when_a_root_was_last_heard() -> None:
    assert zerotier(1) == ZeroTierInstance(
        ZeroTierNode("3a5c0e21f4", 1764251406123),
        (ZeroTierNetwork("a09acf0233c1d9e2", "OK", "ztecmp1", ("10.14.0.1/30",)),),
        RootContact(12),
    )


def test_a_network_waiting_for_its_configuration_has_its_status_and_no_address() -> None:
    assert zerotier(2, "gk41-r1-path2-requesting-configuration").networks == (
        ZeroTierNetwork("a09acf0233e6b1c4", "REQUESTING_CONFIGURATION", "ztecmp2", ()),
    )


def test_every_joined_network_is_listed() -> None:
    networks = zerotier(1, "gk41-r1-path1-second-network").networks
    assert not isinstance(networks, Unread)
    assert [network.network_id for network in networks] == ["a09acf0233c1d9e2", "8056c2e21c000001"]


def test_a_root_heard_long_ago_is_counted_on_the_nodes_own_clock() -> None:
    assert zerotier(2, "gk41-r1-path2-root-heard-long-ago").roots == RootContact(75)


def test_no_root_heard_since_the_start_is_no_time_at_all() -> None:
    assert zerotier(1, "gk41-r1-path1-no-root-heard").roots == RootContact(None)


def test_a_container_the_runtime_does_not_have_leaves_the_node_unread_with_the_runtimes_complaint() -> None:
    assert zerotier(4, "gk41-r1-path4-no-container").node == Unread(
        "zerotier-cli info", "failed", 'Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container'
    )


# -- the CPUs zerotier-one may use -----------------------------------------------------------------


def test_the_cpus_are_read_inside_each_container_by_one_script() -> None:
    assert asked(PROCESS_CPUS)[3] == shlex.join(["sudo", "podman", "exec", "zt-ecmp-gk41-path4", "sh", "-c", PROCESS_CPUS_SCRIPT])


def test_a_pinned_process_may_run_on_its_one_cpu() -> None:
    assert cpus(3) == ProcessCpus(17, frozenset({2}))


def test_an_unpinned_process_may_run_on_every_cpu() -> None:
    assert cpus(3, "gk41-r1-path3-on-all-cpus") == ProcessCpus(17, frozenset({0, 1, 2, 3}))


def test_a_container_without_zerotier_one_leaves_the_cpus_unread_saying_so() -> None:
    assert cpus(2, "gk41-r1-path2-no-zerotier-process") == Unread(
        "the CPUs zerotier-one may use", "failed", "no zerotier-one process in the container"
    )


def test_a_status_read_in_full_is_read_whatever_the_exit_status() -> None:
    # The official entrypoint starts a `sleep 1` every second. One that ended while the container was
    # read made the earlier command (grep over every process's status) exit 2 after printing
    # zerotier-one's status in full: a status read in full is judged by what it says.
    assert cpus(3, "gk41-r1-path3-process-exited-while-read") == ProcessCpus(17, frozenset({2}))


# The getter's own script, run by this machine's sh in a PID namespace of its own (as a container's
# processes are): root and util-linux's unshare and taskset.
_CONTAINER_LIKE = pytest.mark.skipif(
    os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("taskset")),
    reason="running the getter's script in a PID namespace needs root, unshare and taskset",
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
    answer = _in_pid_namespace(f"taskset -c 0 {fake} 30 & sleep 0.5; sh -c {shlex.quote(PROCESS_CPUS_SCRIPT)}")
    assert (answer.returncode, answer.stdout.splitlines()[::2]) == (0, ["Name:\tzerotier-one", "Cpus_allowed_list:\t0"])


@_CONTAINER_LIKE
def test_the_script_prints_nothing_and_exits_1_without_zerotier_one() -> None:
    answer = _in_pid_namespace(f"sleep 30 & sh -c {shlex.quote(PROCESS_CPUS_SCRIPT)}")
    assert (answer.returncode, answer.stdout, answer.stderr) == (1, "", "")
