"""Where a change restarts instances, the offline diff says which, why and how."""

from __future__ import annotations

from typing import Any

from components.preview.diff import AFTER_COMMIT, AT_ONCE, ROLLING, diff_runs, render_diff_text, render_restarts
from tests.support.offline_runs import changed_docker_run, changed_run, committed_run, docker_run
from tests.support.stacks import docker_routers, stack_settings

NEW_IMAGE = {"zerotier": {"image": "zerotier/zerotier:1.14.3"}}
NEW_TAG = "image zerotier/zerotier:1.14.2 -> zerotier/zerotier:1.14.3"


def linux(stack: str) -> list[dict[str, Any]]:
    return [{**router, "flavor": "linux"} for router in stack_settings(stack)["routers"]]


def restart_lines(before: Any, after: Any) -> list[str]:
    return render_restarts(diff_runs(before, after))


def test_with_linux_routers_a_new_image_tag_restarts_every_instance_one_path_at_a_time() -> None:
    lines = restart_lines(changed_run("gk41", routers=linux("gk41")), changed_run("gk41", routers=linux("gk41"), **NEW_IMAGE))
    assert lines == [
        f"instances that restart, {ROLLING}:",
        *(f"  restarts: {router}-path{path} ({NEW_TAG})" for path in range(1, 5) for router in ("r1", "r2")),
    ]


def test_without_a_linux_router_the_docker_instances_restart_all_at_once() -> None:
    lines = restart_lines(docker_run("gk41"), changed_docker_run("gk41", **NEW_IMAGE))
    assert lines[0] == f"instances that restart, {AT_ONCE}:"
    assert f"  restarts: r2-path4 ({NEW_TAG})" in lines


def test_on_vyos_a_new_image_tag_restarts_every_container_one_path_at_a_time_after_each_routers_commit() -> None:
    lines = restart_lines(committed_run("gk41"), changed_run("gk41", **NEW_IMAGE))
    assert AFTER_COMMIT.format(router="r1").startswith("one path at a time after r1's commit")
    assert lines[:2] == [
        f"instances that restart, {AFTER_COMMIT.format(router='r1')}:",
        f"  restarts: r1-path1 ({NEW_TAG})",
    ]
    assert len(lines) == 2 * (1 + 4)


def test_removing_a_router_from_the_middle_restarts_the_later_routers_docker_instances_for_their_local_conf() -> None:
    hq, _, br2 = linux("gk41-sites")
    lines = restart_lines(changed_run("gk41-sites", routers=linux("gk41-sites")), changed_run("gk41-sites", routers=[hq, br2]))
    assert lines == [f"instances that restart, {ROLLING}:", *(f"  restarts: br2-path{path} (local.conf)" for path in range(1, 5))]


def test_removing_a_router_from_the_middle_restarts_the_later_routers_vyos_instances_when_local_conf_is_written() -> None:
    hq, _, br2 = stack_settings("gk41-sites")["routers"]
    lines = restart_lines(committed_run("gk41-sites"), changed_run("gk41-sites", routers=[hq, {**br2, "siteNumber": 3}]))
    assert lines == [
        "instances that restart, on br2 when the file is written, each right after the other, without waiting for a path to rejoin:",
        *(f"  restarts: br2-path{path} (local.conf)" for path in range(1, 5)),
    ]


def test_adding_a_site_or_changing_k_restarts_nothing() -> None:
    routers = docker_routers("gk41-sites")
    grown = [*routers, {**routers[-1], "name": "br3", "ssh": {**routers[-1]["ssh"], "host": "192.0.2.54"}}]
    grown[-1]["underlay"] = {**routers[-1]["underlay"], "address": "198.51.100.4/29"}
    assert restart_lines(changed_docker_run("gk41-sites"), changed_docker_run("gk41-sites", routers=grown)) == []
    assert restart_lines(committed_run("gk41"), changed_run("gk41", paths={"count": 4, "active": 2})) == []


def test_the_diff_text_lists_the_restarts_before_the_counts() -> None:
    text = render_diff_text(diff_runs(docker_run("gk41"), changed_docker_run("gk41", **NEW_IMAGE)), "main", "gk41").splitlines()
    assert text[-2] == f"  restarts: r2-path4 ({NEW_TAG})"
    assert text[-1].startswith("10 to replace")
