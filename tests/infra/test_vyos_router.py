"""The VyosRouter component under Pulumi's mocks: which Commands it registers, in what order, with what secrets."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

from components.infra.connection import RouterConnection
from components.infra.vyos_router import VyosRouter, instance_homes, vyos_router_args
from components.infra.zerotier_path import InstanceIdentity
from components.model.plan import LabPlan
from components.preview.offline import RegisteredResource, SecretValue, register_offline, run_stack_offline
from components.render.vyos.configuration import desired_set_lines
from components.render.vyos.scripts import apply_digest, remote_command, render_apply_script, render_delete_script
from tests.support.stacks import docker_plan
from tests.support.variants import FAKE_IDENTITY_SECRET, FAKE_SSH_KEY, network_ids, vyos_runtime_plan
from tests.support.vyos_standin import Router, run_command

COMMAND = "command:remote:Command"


def register(build: Callable[[], object]) -> list[RegisteredResource]:
    return register_offline(build, stack="gk41")


def commands(registered: list[RegisteredResource]) -> list[RegisteredResource]:
    return [resource for resource in registered if resource.type == COMMAND]


def docker_runtime_router(plan: LabPlan, private_key: pulumi.Output[str] | None) -> Callable[[], object]:
    router = plan.router("r1")
    return lambda: VyosRouter("r1-vyos", vyos_router_args(plan, router, RouterConnection(router.ssh, private_key)))


def vyos_runtime_router() -> Callable[[], object]:
    plan = vyos_runtime_plan("gk41")

    def build() -> object:
        identities = {
            index: InstanceIdentity(
                node_id=pulumi.Output.from_input(f"c0ffee000{index}"),
                public=pulumi.Output.from_input(f"c0ffee000{index}:0:FAKEPUBLIC"),
                secret=pulumi.Output.secret(FAKE_IDENTITY_SECRET),
            )
            for index in range(1, 5)
        }
        router = plan.router("r1")
        ids: dict[int, pulumi.Input[str]] = dict(network_ids(4))
        homes = instance_homes(plan, router, ids, identities, {})
        connection = RouterConnection(router.ssh, pulumi.Output.secret(FAKE_SSH_KEY))
        return VyosRouter("r1-vyos", vyos_router_args(plan, router, connection, network_ids=ids, homes=homes))

    return build


def plain_strings(value: Any) -> list[str]:
    """Every string in a registration that is not marked secret."""
    if isinstance(value, SecretValue):
        return []
    if isinstance(value, dict):
        return [text for item in value.values() for text in plain_strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in plain_strings(item)]
    return [value] if isinstance(value, str) else []


def test_docker_runtime_registers_apply_then_confirm_under_the_component() -> None:
    registered = register(docker_runtime_router(docker_plan("gk41"), pulumi.Output.secret(FAKE_SSH_KEY)))
    component = next(resource for resource in registered if resource.type == "zt-ecmp:index:VyosRouter")
    assert [command.name for command in commands(registered)] == ["r1-vyos-apply", "r1-vyos-confirm"]
    assert all(command.parent_urn == component.urn for command in commands(registered))


def test_the_apply_command_shows_its_scripts_in_full_and_once() -> None:
    plan = docker_plan("gk41", paths={"count": 4, "active": 1})
    apply = commands(register(docker_runtime_router(plan, None)))[0]
    assert apply.inputs["create"] == remote_command(render_apply_script(plan, "r1"))
    # An update runs `create` again (pulumi-command falls back to it), so the text is not repeated.
    assert "update" not in apply.inputs
    assert apply.inputs["delete"] == remote_command(render_delete_script(plan, "r1"))
    assert "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6 disable" in apply.inputs["create"]


def test_confirm_runs_after_apply_and_is_updated_whenever_apply_changes() -> None:
    plan = docker_plan("gk41")
    apply, confirm = commands(register(docker_runtime_router(plan, None)))
    assert apply.urn in confirm.dependencies
    # Not through triggers, which always replace: its own text names the apply script's version.
    assert f"# apply digest {apply_digest(plan, 'r1')}" in confirm.inputs["create"]
    assert "delete" not in confirm.inputs


def test_every_command_on_the_router_is_replaced_when_the_router_moves() -> None:
    for command in commands(register(vyos_runtime_router())):
        assert command.inputs["triggers"] == ["vyos@192.0.2.41:22"], command.name


def test_a_replaced_container_changes_the_apply_text_so_it_runs_again() -> None:
    def build(container: str) -> Callable[[], object]:
        ids: dict[int, pulumi.Input[str]] = {index: f"{container}{index}" for index in range(1, 5)}
        plan = docker_plan("gk41")
        router = plan.router("r1")
        args = vyos_router_args(plan, router, RouterConnection(router.ssh, None), instance_ids=ids)
        return lambda: VyosRouter("r1-vyos", args)

    before = commands(register(build("old")))[0].inputs["create"]
    after = commands(register(build("new")))[0].inputs["create"]
    assert before.startswith("# zt-ecmp: after the instances path1 old1, path2 old2")
    assert before.split("\n", 1)[1] == after.split("\n", 1)[1]


def test_the_private_key_travels_only_inside_the_secret_connection() -> None:
    registered = register(docker_runtime_router(docker_plan("gk41"), pulumi.Output.secret(FAKE_SSH_KEY)))
    for command in commands(registered):
        connection = command.inputs["connection"]
        assert isinstance(connection, SecretValue)
        assert connection.value["privateKey"] == FAKE_SSH_KEY
        assert (connection.value["host"], connection.value["port"], connection.value["user"]) == ("192.0.2.41", 22, "vyos")
    for resource in registered:
        assert not any("FAKE-SSH-KEY" in text for text in plain_strings(resource.inputs))


def test_without_a_key_the_connection_uses_the_agent() -> None:
    for command in commands(register(docker_runtime_router(docker_plan("gk41"), None))):
        assert command.inputs["connection"].value.get("privateKey") is None


def test_runtime_vyos_writes_each_home_before_apply_one_command_after_another() -> None:
    registered = commands(register(vyos_runtime_router()))
    names = [command.name for command in registered]
    assert names[:7] == [
        "r1-vyos-path1-home",
        "r1-vyos-path1-local-conf",
        "r1-vyos-path1-devicemap",
        "r1-vyos-path1-start",
        "r1-vyos-path1-identity-public",
        "r1-vyos-path1-identity-secret",
        "r1-vyos-path2-home",
    ]
    assert names[-2:] == ["r1-vyos-apply", "r1-vyos-confirm"]
    assert len(names) == 4 * 6 + 2
    for previous, command in itertools.pairwise(registered):
        assert command.dependencies == (previous.urn,), command.name


def test_identity_secret_goes_by_secret_stdin_into_an_owner_only_file() -> None:
    registered = commands(register(vyos_runtime_router()))
    secret_file = next(command for command in registered if command.name == "r1-vyos-path3-identity-secret")
    assert secret_file.inputs["stdin"] == SecretValue(FAKE_IDENTITY_SECRET)
    assert secret_file.inputs["create"].startswith("umask 077 && cat > ")
    assert "/config/zt-ecmp/gk41/path3/identity.secret" in secret_file.inputs["create"]


def test_no_fake_secret_appears_in_any_plain_input() -> None:
    for resource in register(vyos_runtime_router()):
        for text in plain_strings(resource.inputs):
            assert "FAKE-SSH-KEY" not in text
            assert "FAKE-IDENTITY-SECRET" not in text


def test_runtime_vyos_apply_carries_the_network_ids() -> None:
    apply = next(command for command in commands(register(vyos_runtime_router())) if command.name == "r1-vyos-apply")
    assert "set container name zt-ecmp-gk41-path4 arguments '8056c2e21c000004'" in apply.inputs["create"]


def test_a_pinned_instances_start_script_is_written_executable_by_its_owner_only() -> None:
    start = next(command for command in commands(register(vyos_runtime_router())) if command.name == "r1-vyos-path2-start")
    assert "chmod 700" in start.inputs["create"]
    assert start.inputs["stdin"].endswith('exec taskset -c 1 /entrypoint.sh "$@"\n')


def home_file_update(registered: list[RegisteredResource], name: str) -> str:
    command = next(command for command in commands(registered) if command.name == name)
    update: str = command.inputs["update"]
    return update


def test_a_changed_home_file_restarts_its_container_and_checks_podman_says_so(tmp_path: Path) -> None:
    update = home_file_update(register(vyos_runtime_router()), "r1-vyos-path2-local-conf")
    router = Router.with_config(["set container name zt-ecmp-gk41-path2 image 'zerotier/zerotier:1.14.2'"])
    router.containers = {"zt-ecmp-gk41-path2": 1}
    home = tmp_path / "config" / "zt-ecmp" / "gk41" / "path2"
    home.mkdir(parents=True)
    run = run_command(update.replace("/config/zt-ecmp", str(tmp_path / "config" / "zt-ecmp")), router, home.parent.parent)
    assert run.status == 0, run.stderr
    assert router.containers == {"zt-ecmp-gk41-path2": 2}


def test_a_restart_podman_does_not_show_fails_naming_the_container(tmp_path: Path) -> None:
    # vyatta-op's _vyatta_op_run exits 0, and `restart container X` says "restarted!" for a container
    # podman does not have (its image was never pulled, so VyOS never started it).
    update = home_file_update(register(vyos_runtime_router()), "r1-vyos-path2-local-conf")
    router = Router.with_config(["set container name zt-ecmp-gk41-path2 image 'zerotier/zerotier:1.14.2'"])
    home = tmp_path / "config" / "zt-ecmp" / "gk41" / "path2"
    home.mkdir(parents=True)
    run = run_command(update.replace("/config/zt-ecmp", str(tmp_path / "config" / "zt-ecmp")), router, home.parent.parent)
    assert run.status == 1
    assert 'Container "zt-ecmp-gk41-path2" restarted!' in run.stdout
    assert (
        "zt-ecmp: container zt-ecmp-gk41-path2 was not restarted: podman says 'Error: no such container zt-ecmp-gk41-path2'" in run.stderr
    )


def test_the_last_home_takes_the_stack_folder_and_the_state_folder_with_it() -> None:
    home = next(command for command in commands(register(vyos_runtime_router())) if command.name == "r1-vyos-path1-home")
    assert (
        home.inputs["delete"]
        == 'sudo rm -rf "/config/zt-ecmp/gk41/path1"\nrmdir "/config/zt-ecmp/gk41" "/config/zt-ecmp" 2>/dev/null || true\n'
    )


def test_a_vyos_router_keeps_the_set_lines_it_should_hold_in_its_outputs_as_one_text() -> None:
    # One text, a set line per line: the SDK serializes a list item by item, hundreds per router at 16 sites.
    run = run_stack_offline("ms01")
    router = run.named("zt-ecmp:index:VyosRouter", "r1-vyos")
    ids = {path.index: run.outputs["networkIds"][f"path{path.index}"] for path in run.plan.paths}
    assert run.component_outputs[router.urn]["configuration"] == "\n".join(desired_set_lines(run.plan, "r1", ids))
