"""The Docker getter: ``docker inspect`` per container, through the router's own engine."""

from __future__ import annotations

from components.ops.facts.model import ByPath, Instance, Unread
from components.ops.facts.needs import INSTANCES
from components.ops.shell import CommandOutput
from tests.ops.facts.read import asked, fact
from tests.ops.recorded_router import recorded
from tests.ops.validate.gk41_r1 import DOCKER, DOCKER_CONTAINERS

INSPECT_PATH2 = "docker --context default inspect --type container zt-ecmp-gk41-path2"


def instance(path: int, *cases: str, answers: dict[str, CommandOutput] | None = None) -> Instance | Unread:
    read = recorded(DOCKER_CONTAINERS, *cases)
    for command, output in (answers or {}).items():
        read = read.answering(command, output)
    instances = fact(INSTANCES, read, DOCKER)
    assert isinstance(instances, ByPath)
    return instances.at(path)


def test_each_container_is_inspected_through_the_routers_own_engine() -> None:
    # A DOCKER_CONTEXT or `docker context use` on the router would point the CLI at another engine.
    assert asked(INSTANCES, DOCKER) == [
        f"docker --context default inspect --type container zt-ecmp-gk41-path{path}" for path in range(1, 5)
    ]


def test_a_running_container_says_when_it_started() -> None:
    assert instance(1) == Instance(
        "zt-ecmp-gk41-path1", exists=True, running=True, state="running", started_at="2025-11-26T11:02:42.50914431Z", exit_code=0
    )


def test_an_exited_container_says_its_exit_code() -> None:
    assert instance(2, "gk41-r1-docker-path2-exited") == Instance(
        "zt-ecmp-gk41-path2", exists=True, running=False, state="exited", started_at="2025-11-26T11:02:42.50914431Z", exit_code=1
    )


def test_a_container_docker_does_not_know_does_not_exist() -> None:
    assert instance(3, "gk41-r1-docker-path3-missing") == Instance("zt-ecmp-gk41-path3", exists=False, running=False, state="missing")


def test_a_daemon_that_does_not_answer_leaves_the_container_unread() -> None:
    down = CommandOutput(1, "[]\n", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
    assert instance(2, answers={INSPECT_PATH2: down}) == Unread(
        "docker inspect zt-ecmp-gk41-path2",
        "failed",
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    )
