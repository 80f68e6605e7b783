"""Before each container's create, a container of its name that a killed run left behind is removed, and
any other is refused: the hook on every lab container (offline), and what it runs, against a real
Docker daemon (marker ``docker``)."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from components.infra.container_reclaim import ReclaimError, check_reclaim_tools, reclaim
from components.model.naming import instance_name
from components.model.plan import LabPlan, build_plan
from components.model.settings import ConfigError
from components.render.docker.reclaim import ReclaimCommand, reclaim_command
from tests.support.docker_engine import (
    container_id,
    create_container,
    engine_plan,
    lab_labels,
    remove_containers,
    ssh_router,
    sshd_binary,
    unavailable,
)
from tests.support.offline_runs import CONTAINER, docker_run
from tests.support.stacks import lab_config, stack_settings

_stacks = itertools.count()


def test_every_lab_container_runs_the_reclaim_check_before_its_create() -> None:
    for stack, count in (("gk41", 8), ("ms01", 16)):
        containers = docker_run(stack).of_type(CONTAINER)
        assert len(containers) == count
        assert {container.name: container.hooks for container in containers} == {
            container.name: {"before_create": (f"zt-ecmp-reclaim-{container.name}",)} for container in containers
        }


def test_no_other_resource_of_the_lab_has_a_hook() -> None:
    assert [resource.name for resource in docker_run("gk41").resources if resource.hooks and resource.type != CONTAINER] == []


def test_an_update_with_a_tcp_engine_and_no_docker_cli_here_is_refused_naming_the_router() -> None:
    with pytest.raises(ConfigError, match=r"dockerHost of r1: a tcp:// or unix:// Docker engine is checked from this machine .*docker.io"):
        check_reclaim_tools(engine_plan("t", "tcp://192.0.2.50:2375"), which=lambda _: None)


def test_engines_over_ssh_need_no_docker_cli_here() -> None:
    routers = stack_settings("gk41")["routers"]
    routers[0].update(flavor="linux")
    check_reclaim_tools(build_plan(lab_config("gk41", routers=routers), "zt-ecmp", "t"), which=lambda _: None)


# Against a real daemon.


def run_reclaim(command: ReclaimCommand) -> str:
    """What the hook does, in a loop of its own: ``asyncio.run`` would leave the thread without the
    event loop that Pulumi's mocks in later tests look for."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(reclaim(command))
    finally:
        loop.close()


def test_an_engine_that_never_answers_fails_the_create_within_the_timeout() -> None:
    hung = ReclaimCommand(argv=("sh", "-s"), script="sleep 30\n", subject="container c on r1's Docker engine (tcp://192.0.2.50:2375)")
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(
            ReclaimError,
            match=r"^zt-ecmp: looking for a leftover container c on r1's Docker engine \(tcp://[^)]*\) got no answer within 0\.5 s$",
        ):
            loop.run_until_complete(reclaim(hung, timeout_seconds=0.5))
    finally:
        loop.close()


def on_docker(test: Callable[..., None]) -> Callable[..., None]:
    """The docker tier: needs a daemon that answers here, and skips saying why otherwise."""
    marked: Callable[..., None] = pytest.mark.docker(pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))(test))
    return marked


@pytest.fixture
def plan() -> Iterator[LabPlan]:
    """A stack of its own per test, so its container names are its alone; they are removed afterwards."""
    stack = f"reclaim{os.getpid()}x{next(_stacks)}"
    plan = engine_plan(stack)
    yield plan
    remove_containers(*(instance_name(plan.project, stack, path.index) for path in plan.paths), f"{instance_name(plan.project, stack, 1)}0")


@on_docker
def test_a_container_a_killed_run_left_is_removed_and_the_create_proceeds(plan: LabPlan) -> None:
    name = instance_name(plan.project, plan.stack, 2)
    left = create_container(name, lab_labels(plan, 2))
    assert left.returncode == 0, left.stderr
    # What every later run met: the provider's create of that name fails.
    assert "is already in use" in create_container(name, lab_labels(plan, 2)).stderr
    removed = run_reclaim(reclaim_command(plan, "r1", 2))
    assert removed.startswith(f"zt-ecmp: removed container {name} ({left.stdout.strip()[:12]}) from r1's Docker engine: it carries stack ")
    assert container_id(name) is None
    created = create_container(name, lab_labels(plan, 2))
    assert created.returncode == 0, created.stderr


@pytest.mark.parametrize(
    ("case", "labels"),
    [
        ("no labels", {}),
        ("another stack's", {"zt-ecmp.project": "zt-ecmp", "zt-ecmp.stack": "other", "zt-ecmp.path": "2"}),
        ("this stack's, another path's", {"zt-ecmp.project": "zt-ecmp", "zt-ecmp.stack": "STACK", "zt-ecmp.path": "3"}),
    ],
)
@on_docker
def test_a_container_of_that_name_that_is_not_the_labs_is_refused_naming_it(plan: LabPlan, case: str, labels: dict[str, str]) -> None:
    name = instance_name(plan.project, plan.stack, 2)
    theirs = create_container(name, {key: value.replace("STACK", plan.stack) for key, value in labels.items()})
    assert theirs.returncode == 0, theirs.stderr
    with pytest.raises(ReclaimError) as refused:
        run_reclaim(reclaim_command(plan, "r1", 2))
    assert str(refused.value).startswith(f"zt-ecmp: r1's Docker engine already has a container named {name} that is not this lab's: ")
    assert f"remove or rename that one on r1 (docker rm -f {name}), then run pulumi up again" in str(refused.value)
    assert container_id(name) == theirs.stdout.strip()


@on_docker
def test_nothing_happens_when_no_container_has_that_name(plan: LabPlan) -> None:
    # Docker's name filter is a regular expression: path1's name is in path10's.
    similar = f"{instance_name(plan.project, plan.stack, 1)}0"
    other = create_container(similar, lab_labels(plan, 1))
    assert other.returncode == 0, other.stderr
    assert run_reclaim(reclaim_command(plan, "r1", 1)) == ""
    assert container_id(similar) == other.stdout.strip()


@on_docker
def test_an_engine_that_does_not_answer_fails_the_create_saying_which(plan: LabPlan, tmp_path: Path) -> None:
    silent = engine_plan(plan.stack, f"unix://{tmp_path}/docker.sock")
    with pytest.raises(
        ReclaimError,
        match=rf"^zt-ecmp: could not look for a leftover container {instance_name(plan.project, plan.stack, 1)} on r1's Docker engine \(unix://",
    ):
        run_reclaim(reclaim_command(silent, "r1", 1))


# Over ssh://, against an OpenSSH server standing in for the router, with the pinned key.


def ssh_plan(stack: str, port: int, host_key: str) -> LabPlan:
    """r1 a Linux router reached at 127.0.0.1:``port`` as root, its host key pinned to ``host_key``."""
    routers = stack_settings("gk41")["routers"]
    routers[0].update(flavor="linux", dockerHost=f"ssh://root@127.0.0.1:{port}")
    routers[0]["ssh"].update(host="127.0.0.1", port=port, user="root", hostKey=host_key)
    return build_plan(lab_config("gk41", routers=routers), "zt-ecmp", stack)


def end_control_master(command: ReclaimCommand) -> None:
    """Stops the multiplexing master the command started (ControlPersist keeps it a minute)."""
    to = command.argv.index("--")
    subprocess.run([*command.argv[:to], "-O", "exit", *command.argv[to : to + 2]], capture_output=True, check=False)


needs_sshd = pytest.mark.skipif(sshd_binary() is None, reason="no OpenSSH server to stand in for a router's (Debian: openssh-server)")


@on_docker
@needs_sshd
def test_over_ssh_the_leftover_is_removed_on_the_router_through_the_pinned_transport(
    plan: LabPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ssh_router(tmp_path) as (port, host_key, agent):
        for key, value in agent.items():
            monkeypatch.setenv(key, value)
        over_ssh = ssh_plan(plan.stack, port, host_key)
        name = instance_name(plan.project, plan.stack, 1)
        left = create_container(name, lab_labels(over_ssh, 1))
        assert left.returncode == 0, left.stderr
        command = reclaim_command(over_ssh, "r1", 1)
        try:
            removed = run_reclaim(command)
        finally:
            end_control_master(command)
        assert removed.startswith(f"zt-ecmp: removed container {name} ({left.stdout.strip()[:12]}) from r1's Docker engine: ")
        assert container_id(name) is None


@on_docker
@needs_sshd
def test_over_ssh_a_router_without_the_pinned_host_key_is_refused_before_anything_runs(
    plan: LabPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ssh_router(tmp_path) as (port, _, agent):
        for key, value in agent.items():
            monkeypatch.setenv(key, value)
        # r2's pin of the committed stack: not the key this server holds.
        impostor = ssh_plan(plan.stack, port, stack_settings("gk41")["routers"][1]["ssh"]["hostKey"])
        name = instance_name(plan.project, plan.stack, 1)
        left = create_container(name, lab_labels(impostor, 1))
        assert left.returncode == 0, left.stderr
        with pytest.raises(ReclaimError, match=r"(?s)\(exit 255\): .*Host key verification failed\.$"):
            run_reclaim(reclaim_command(impostor, "r1", 1))
        assert container_id(name) == left.stdout.strip()
