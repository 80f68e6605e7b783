"""The lab tools over real OpenSSH: the namespace lab's routers each run sshd with a host key of their
own, reached from a namespace of their own; one connection per router and run, the pinned key."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from components.netns.lab import NetnsLab, netns_lab, netns_lab_plan
from components.netns.ssh_access import UNROUTED_ADDRESS, SshAccess, ssh_access
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
