"""The lab tools over real OpenSSH: the namespace lab's routers each run sshd with a host key of their
own, reached from a namespace of their own; one connection per router and run, the pinned key."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.netns.ssh_access import UNROUTED_ADDRESS, SshAccess, ssh_access
from components.ops.collect import collect_lab
from components.ops.lab_read import reach
from components.ops.status import lab_status, render_status
from components.ops.sweep.floating import fits_one_connection, measure_floating_ips
from components.ops.validate.runner import render_results, validate_lab
from tests.support.netns import SSH_LAB

pytestmark = SSH_LAB


@pytest.fixture(scope="module")
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_lab_plan(4)) as built:
        built.apply()
        yield built


@pytest.fixture(scope="module")
def access(lab: NetnsLab) -> Iterator[SshAccess]:
    with ssh_access(lab) as reached:
        yield reached


def test_validate_over_ssh_passes_and_logs_in_once_per_router(access: SshAccess) -> None:
    before = {router: access.logins(router) for router in ("r1", "r2")}
    with access.shells() as shells:
        validation = validate_lab(access.plan, shells)
    assert {result.status for result in validation.results} == {"pass", "n/a"}
    assert validation.exit_status == 0
    assert {router: access.logins(router) - before[router] for router in ("r1", "r2")} == {"r1": 1, "r2": 1}


def test_a_sweeps_iperf3_runs_over_ssh_log_in_once_per_router(access: SshAccess) -> None:
    before = {router: access.logins(router) for router in ("r1", "r2")}
    pairs = (("r1", "r2"),)
    with access.shells() as shells:
        assert (fits_one_connection(pairs), reach(shells)) == (True, [])
        reports = measure_floating_ips(access.plan, shells, pairs, flows=2, seconds=1)
    assert reports[("r1", "r2")].received_gbps > 0
    assert {router: access.logins(router) - before[router] for router in ("r1", "r2")} == {"r1": 1, "r2": 1}


def test_a_router_at_an_address_without_a_route_is_named_its_checks_not_run_and_the_others_checked(access: SshAccess) -> None:
    plan = access.unreachable("r2")
    with access.shells(plan) as shells:
        validation = validate_lab(plan, shells)
    [unreachable] = validation.unreachable
    assert (
        unreachable.line
        == f"r2 (root@{UNROUTED_ADDRESS}:22) unreachable: ssh: connect to host {UNROUTED_ADDRESS} port 22: Network is unreachable"
    )
    assert {result.status for result in validation.results if result.router == "r2"} == {"not run"}
    assert {result.status for result in validation.results if result.router == "r1"} <= {"pass", "n/a", "fail"}
    assert validation.exit_status == 3
    assert render_results(validation).splitlines()[-1] == unreachable.line


def test_a_router_answering_with_another_host_key_than_the_pinned_one_is_not_reached(access: SshAccess) -> None:
    other = access.plan.router("r2").ssh.host_key
    r1 = access.plan.router("r1")
    plan = dataclasses.replace(access.plan, routers=(dataclasses.replace(r1, ssh=dataclasses.replace(r1.ssh, host_key=other)),))
    with access.shells(plan) as shells:
        assert shells.connect() == {"r1": "Host key verification failed."}


def test_status_over_ssh_shows_each_router_on_every_path(access: SshAccess) -> None:
    before = access.logins("r1")
    with access.shells() as shells:
        status = lab_status(access.plan, shells)
    screen = render_status(status).splitlines()
    r1 = screen.index("r1  root@10.255.255.1:22  linux, instances on docker")
    assert screen[r1 + 1 : r1 + 4] == [
        "  floating 10.0.55.1/32 on lo",
        "  path  interface  link  address        container  zerotier  cpus",
        "  1     ztecmp1    up    10.14.0.1/30   -          -         -",
    ]
    assert "  to r2 10.0.55.2/32: 4 next hops: 10.14.0.2 ztecmp1, 10.14.0.6 ztecmp2, 10.14.0.10 ztecmp3, 10.14.0.14 ztecmp4" in screen
    assert screen[-4:] == [
        "1     10.14.0.0/30   yes     on  on",
        "2     10.14.0.4/30   yes     on  on",
        "3     10.14.0.8/30   yes     on  on",
        "4     10.14.0.12/30  yes     on  on",
    ]
    assert (status.exit_status, access.logins("r1") - before) == (0, 1)


def test_collect_over_ssh_saves_each_routers_persisted_files_and_kernel_state(lab: NetnsLab, access: SshAccess, tmp_path: Path) -> None:
    with access.shells() as shells:
        collection = collect_lab(access.plan, shells, tmp_path / "netns", host_paths=lab.host_paths)
    folder = collection.folder
    sysctl_file = Path(lab.host_paths("r1").sysctl_file(lab.plan))
    assert (folder / "r1" / "sysctl.conf").read_text() == sysctl_file.read_text()
    assert "nexthop via 10.14.0.2 dev ztecmp1" in (folder / "r1" / "routes.txt").read_text()
    assert "net/ipv4/fib_multipath_hash_policy:1" in (folder / "r2" / "sysctls.txt").read_text().splitlines()
    assert not (folder / "r1" / "path1").exists()
    assert collection.exit_status == 0


def test_connect_runs_a_command_on_the_router_and_exits_with_its_status(access: SshAccess, capfd: pytest.CaptureFixture[str]) -> None:
    with access.shells() as shells:
        shown = shells["r2"].session(["ip", "-4", "-o", "address", "show", "dev", "mgmt0"])
        failed = shells["r2"].session(["exit", "7"])
    assert "inet 10.255.255.5/30" in capfd.readouterr().out
    assert (shown, failed) == (0, 7)
