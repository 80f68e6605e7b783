"""The instances on Docker engines restart one path at a time: each path's drains on every Linux
router, then its containers, then its gates, then the next path's drains (components/infra/rolling.py).

Pulumi's mocks register resources but never diff or replace them: these tests read the dependencies
the program declares, which the engine follows (the rolling module cites where), and the offline
diff, which replays the engine's decisions.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.preview.diff import diff_runs
from components.preview.offline import OfflineRun, RegisteredResource
from tests.support.offline_runs import CONTAINER, changed_run
from tests.support.stacks import docker_routers, stack_settings

COMMAND = "command:remote:Command"


def linux_routers(stack: str = "gk41", count: int | None = None) -> list[dict[str, Any]]:
    return [{**router, "flavor": "linux"} for router in stack_settings(stack)["routers"][:count]]


def linux_run(stack: str = "gk41", **overrides: Any) -> OfflineRun:
    return changed_run(stack, routers=linux_routers(stack), **overrides)


def depends_on(run: OfflineRun, name: str) -> set[str]:
    """What the custom resource ``name`` (a container or a command) waits for, by name."""
    resource = next(resource for resource in run.resources if resource.name == name and resource.custom)
    names = {other.urn: other.name for other in run.resources}
    return {names[urn] for urn in resource.dependencies if urn in names}


def named(run: OfflineRun, name: str) -> RegisteredResource:
    return run.named(COMMAND, name)


def test_a_paths_containers_start_after_its_drains_on_every_router() -> None:
    run = linux_run()
    assert {"r1-path2-drain", "r2-path2-drain"} <= depends_on(run, "r1-path2")
    assert {"r1-path2-drain", "r2-path2-drain"} <= depends_on(run, "r2-path2")


def test_a_paths_drains_run_after_the_previous_paths_gates() -> None:
    assert {"r1-path1-gate", "r2-path1-gate"} <= depends_on(linux_run(), "r2-path2-drain")


def test_the_first_paths_drains_wait_for_nothing_of_the_chain() -> None:
    assert not any(name.endswith(("-gate", "-drain")) for name in depends_on(linux_run(), "r1-path1-drain"))


def test_a_paths_gates_run_after_its_containers_on_every_router() -> None:
    assert {"r1-path3", "r2-path3"} <= depends_on(linux_run(), "r1-path3-gate")


def test_the_routes_are_applied_after_the_last_paths_gates() -> None:
    assert {"r1-path4-gate", "r2-path4-gate"} <= depends_on(linux_run(), "r2-linux-routing")


def test_drains_and_gates_run_nothing_when_they_are_created() -> None:
    # pulumi-command's Create returns without connecting when create is unset: a first `up`, a new
    # path or a new router runs no drain and no gate (provider/pkg/provider/remote/commandController.go).
    run = linux_run()
    chain = [resource for resource in run.of_type(COMMAND) if resource.name.endswith(("-drain", "-gate"))]
    assert len(chain) == 2 * 2 * 4
    assert all("create" not in resource.inputs and "delete" not in resource.inputs for resource in chain)


def test_a_drain_holds_what_would_restart_each_instance_of_its_path() -> None:
    text = named(linux_run(), "r1-path2-drain").inputs["update"]
    lines = [line for line in text.splitlines() if line.startswith(("r1 image=", "r2 image="))]
    assert [line.split(" network=")[0] for line in lines] == ["r1 image=zerotier/zerotier:1.14.2", "r2 image=zerotier/zerotier:1.14.2"]
    assert all(f" {word}=" in line for line in lines for word in ("network", "interface", "local.conf", "identity", "host"))


def test_a_gate_names_its_paths_containers_and_the_keys_of_its_drain() -> None:
    run = linux_run()
    drain, gate = named(run, "r2-path2-drain").inputs["update"], named(run, "r2-path2-gate").inputs["update"]
    assert gate.startswith("# zt-ecmp: after the instances path2 r1-path2-id r2-path2-id\n")
    keys = [line.removeprefix("# zt-ecmp: ") for line in gate.splitlines() if line.startswith("# zt-ecmp: r")]
    assert keys and all(key in drain.splitlines() for key in keys)


def test_a_new_image_tag_replaces_the_containers_path_after_path_between_drains_and_gates() -> None:
    changes = diff_runs(linux_run(), linux_run(zerotier={"image": "zerotier/zerotier:1.14.3"}))
    order = [(change.name, change.change) for change in changes if change.type in (CONTAINER, COMMAND) and "-path" in change.name]
    assert order == [
        (name, kind)
        for path in range(1, 5)
        for name, kind in (
            (f"r1-path{path}-drain", "update"),
            (f"r2-path{path}-drain", "update"),
            (f"r1-path{path}", "replace, delete first"),
            (f"r2-path{path}", "replace, delete first"),
            (f"r1-path{path}-gate", "update"),
            (f"r2-path{path}-gate", "update"),
        )
    ]


def test_a_k_change_runs_no_drain_and_no_gate() -> None:
    changes = diff_runs(linux_run(), linux_run(paths={"count": 4, "active": 2}))
    assert {change.name for change in changes if change.change != "same"} == {"r1-linux-routing", "r2-linux-routing"}


@pytest.mark.parametrize("stack", ["gk41", "gk41-sites"])
def test_vyos_routers_with_docker_have_no_drain_and_their_containers_start_side_by_side(stack: str) -> None:
    run = changed_run(stack, routers=docker_routers(stack))
    assert not [resource.name for resource in run.of_type(COMMAND) if resource.name.endswith(("-drain", "-gate"))]
    assert not any(name.endswith("-gate") for name in depends_on(run, f"{run.plan.routers[0].name}-path2"))


def test_a_vyos_router_with_docker_beside_a_linux_router_rolls_with_it() -> None:
    vyos, linux = docker_routers("gk41")[0], linux_routers()[1]
    run = changed_run("gk41", routers=[vyos, linux])
    assert {"r2-path2-drain"} <= depends_on(run, "r1-path2")
    assert not [resource.name for resource in run.of_type(COMMAND) if resource.name.startswith("r1-") and "drain" in resource.name]


def test_the_linux_apply_records_the_keys_of_every_paths_instances() -> None:
    text = named(linux_run(), "r1-linux-routing").inputs["create"]
    records = text[text.index('mkdir -p "$state_dir/instances"') :]
    assert [line for line in records.splitlines() if line.startswith("mv ")] == [
        f'mv "$state_dir/instances/path{index}.new" "$state_dir/instances/path{index}"' for index in range(1, 5)
    ]
