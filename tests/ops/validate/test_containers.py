"""Container running: read from VyOS's `show container` table, or from `docker inspect` per container."""

from __future__ import annotations

from components.model.flavors import RUNTIMES
from components.ops.validate.checks.containers import LISTINGS, parse_show_container
from tests.ops.recorded_router import Recording, recorded
from tests.ops.validate.gk41_r1 import DOCKER, DOCKER_CONTAINERS, failures, healthy_r1, results

SHOW_CONTAINER = "/opt/vyatta/bin/vyatta-op-cmd-wrapper show container"


def test_every_runtime_has_a_way_to_list_its_containers() -> None:
    assert set(LISTINGS) == set(RUNTIMES)


def test_show_container_is_read_by_column() -> None:
    assert parse_show_container(healthy_r1()[SHOW_CONTAINER].stdout)["zt-ecmp-gk41-path3"] == "Up 26 hours"


def test_a_stopped_container_fails_with_its_status() -> None:
    # podman sizes each column to its widest value: the longer status widens the STATUS column.
    assert failures(healthy_r1("gk41-r1-path3-container-exited")) == [
        ("container running", "path 3", "zt-ecmp-gk41-path3 is 'Exited (1) 2 minutes ago'")
    ]


def test_a_missing_container_is_named() -> None:
    assert failures(healthy_r1("gk41-r1-path4-container-missing"))[0] == (
        "container running",
        "path 4",
        "no container named zt-ecmp-gk41-path4",
    )


def docker_results(answers: Recording) -> list[tuple[str, str, str]]:
    return [(result.subject, result.status, result.detail) for result in results("container running", answers, DOCKER)]


def test_a_running_docker_container_passes() -> None:
    assert docker_results(recorded(DOCKER_CONTAINERS))[0] == (
        "path 1",
        "pass",
        "zt-ecmp-gk41-path1: running since 2025-11-26T11:02:42.50914431Z",
    )


def test_an_exited_docker_container_fails_with_status_and_exit_code() -> None:
    answers = recorded(DOCKER_CONTAINERS, "gk41-r1-docker-path2-exited")
    assert docker_results(answers)[1] == ("path 2", "fail", "zt-ecmp-gk41-path2 is exited, exit code 1")


def test_a_missing_docker_container_fails_with_dockers_message() -> None:
    answers = recorded(DOCKER_CONTAINERS, "gk41-r1-docker-path3-missing")
    assert docker_results(answers)[2] == (
        "path 3",
        "fail",
        "docker inspect zt-ecmp-gk41-path3: Error: No such container: zt-ecmp-gk41-path3",
    )
