"""Container running: every path's container is up, said in the words its runtime used."""

from __future__ import annotations

from components.ops.facts.model import Absent, ByPath, Instance, Unread
from components.ops.facts.needs import INSTANCES
from components.ops.validate.checks.containers import CHECK
from tests.ops.validate.judged import verdicts


def up(index: int) -> Instance:
    """A VyOS (podman) container as `show container` lists it."""
    return Instance(f"zt-ecmp-gk41-path{index}", exists=True, running=True, state="Up 26 hours")


def path_verdicts(*changed: tuple[int, Instance | Unread]) -> list[tuple[str, str, str]]:
    by_path: dict[int, Instance | Unread] = {index: up(index) for index in range(1, 5)}
    by_path.update(changed)
    return verdicts(CHECK, {INSTANCES: ByPath(tuple(by_path.items()))})


def test_a_running_container_passes_with_podmans_status() -> None:
    assert path_verdicts()[2] == ("path 3", "pass", "zt-ecmp-gk41-path3: Up 26 hours")


def test_a_stopped_container_fails_with_its_status() -> None:
    exited = Instance("zt-ecmp-gk41-path3", exists=True, running=False, state="Exited (1) 2 minutes ago")
    assert path_verdicts((3, exited))[2] == ("path 3", "fail", "zt-ecmp-gk41-path3 is 'Exited (1) 2 minutes ago'")


def test_a_missing_container_is_named() -> None:
    missing = Instance("zt-ecmp-gk41-path4", exists=False, running=False, state="missing")
    assert path_verdicts((4, missing))[3] == ("path 4", "fail", "no container named zt-ecmp-gk41-path4")


def test_a_running_docker_container_passes_saying_since_when() -> None:
    running = Instance(
        "zt-ecmp-gk41-path1", exists=True, running=True, state="running", started_at="2025-11-26T11:02:42.50914431Z", exit_code=0
    )
    assert path_verdicts((1, running))[0] == ("path 1", "pass", "zt-ecmp-gk41-path1: running since 2025-11-26T11:02:42.50914431Z")


def test_an_exited_docker_container_fails_with_status_and_exit_code() -> None:
    exited = Instance("zt-ecmp-gk41-path2", exists=True, running=False, state="exited", exit_code=1)
    assert path_verdicts((2, exited))[1] == ("path 2", "fail", "zt-ecmp-gk41-path2 is exited, exit code 1")


def test_a_container_that_failed_to_start_fails_with_the_runtimes_error() -> None:
    failed = Instance(
        "zt-ecmp-gk41-path2", exists=True, running=False, state="created", exit_code=127, error="exec: /entrypoint.sh: no such file"
    )
    assert path_verdicts((2, failed))[1] == (
        "path 2",
        "fail",
        "zt-ecmp-gk41-path2 is created, exit code 127: exec: /entrypoint.sh: no such file",
    )


def test_a_container_that_could_not_be_read_fails_saying_what_was_asked() -> None:
    unread = Unread("show container", "unparsed", "no container table: no output")
    assert path_verdicts((1, unread))[0] == ("path 1", "fail", "show container: no container table: no output")


def test_routers_without_zerotier_get_one_not_applicable_line() -> None:
    assert verdicts(CHECK, {INSTANCES: Absent("no ZeroTier here")}) == [("paths 1-4", "n/a", "no ZeroTier here")]
