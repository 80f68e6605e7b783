"""The LinuxRouter component under Pulumi mocks: what it registers and what a preview shows."""

from __future__ import annotations

import difflib
import json
from typing import Any

from components.preview.offline import OfflineRun, SecretValue
from components.render.command_notes import instances_line
from components.render.linux.commands import remote_command
from components.render.linux.routing import render_linux_apply, render_linux_undo
from components.stack.files import load_stack_file
from tests.support.offline_runs import cached_run

COMMAND = "command:remote:Command"
LINUX_ROUTER = "zt-ecmp:index:LinuxRouter"
FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-SSH-KEY-0cc175b9c0f1b6a8\n-----END OPENSSH PRIVATE KEY-----\n"


def run_linux_stack(stack: str = "gk41", active: int | None = None, auth: str = "key", host_key: str | None = None) -> OfflineRun:
    project, values, secrets = load_stack_file(stack)
    routers = values["zt-ecmp:routers"]
    for router in routers:
        router["flavor"] = "linux"
        router["ssh"] = {**router["ssh"], "auth": auth, **({"hostKey": host_key} if host_key else {})}
    values["zt-ecmp:addressing"] = {"floatingOn": "loopback"}
    if active is not None:
        values["zt-ecmp:paths"] = {**values["zt-ecmp:paths"], "active": active}
    if auth == "key":
        values["zt-ecmp:sshPrivateKey"] = FAKE_SSH_KEY
        secrets.add("zt-ecmp:sshPrivateKey")
    return cached_run(project, stack, values, secrets)


def test_each_linux_router_gets_one_command_parented_to_its_component() -> None:
    run = run_linux_stack()
    assert sorted(resource.name for resource in run.of_type(LINUX_ROUTER)) == ["r1-linux", "r2-linux"]
    commands = [command for command in run.of_type(COMMAND) if command.parent_name in ("r1-linux", "r2-linux")]
    assert sorted((command.name, command.parent_name) for command in commands) == [
        ("r1-linux-routing", "r1-linux"),
        ("r2-linux-routing", "r2-linux"),
    ]


def test_create_applies_after_naming_its_instances_then_records_them_and_delete_undoes() -> None:
    run = run_linux_stack()
    command = run.named(COMMAND, "r1-linux-routing").inputs
    containers = {index: f"r1-path{index}-id" for index in range(1, 5)}
    applied = instances_line(containers) + "set -e\n" + remote_command(render_linux_apply(run.plan, "r1"), "vyos")
    assert command["create"].startswith(applied)
    recorded = command["create"].removeprefix(applied)
    assert recorded.startswith("sudo -n sh -s <<'ZT_ECMP_SCRIPT'\n#!/bin/sh\n")
    assert '\nmkdir -p "$state_dir/instances"\n' in recorded
    assert command["delete"] == remote_command(render_linux_undo(run.plan, "r1"), "vyos")


def test_an_update_runs_the_create_text_which_is_shown_once() -> None:
    # pulumi-command's Update runs `create` when `update` is unset: a preview shows the script once.
    assert "update" not in run_linux_stack().named(COMMAND, "r1-linux-routing").inputs


def test_a_replaced_container_runs_the_routing_again_as_an_update() -> None:
    line = instances_line({1: "old-id", 2: "b"})
    assert line == "# zt-ecmp: after the instances path1 old-id, path2 b\n"
    assert instances_line({1: "new-id", 2: "b"}) != line


def test_moving_the_router_replaces_its_command_and_shows_where_it_runs() -> None:
    command = run_linux_stack().named(COMMAND, "r2-linux-routing").inputs
    assert command["triggers"] == ["vyos@192.0.2.42:22"]


def test_scripts_run_through_sudo_for_a_non_root_user_and_directly_for_root() -> None:
    assert remote_command("echo hi\n", "vyos") == "sudo -n sh -s <<'ZT_ECMP_SCRIPT'\necho hi\nZT_ECMP_SCRIPT\n"
    assert remote_command("echo hi\n", "root").startswith("sh -s <<'ZT_ECMP_SCRIPT'\n")


def connection_of(run: OfflineRun, command: str) -> dict[str, Any]:
    """The SSH connection, which the command provider always keeps secret as a whole."""
    connection = run.named(COMMAND, command).inputs["connection"]
    assert isinstance(connection, SecretValue)
    value: dict[str, Any] = connection.value
    return value


def test_connection_uses_the_plan_ssh_target_and_carries_the_key() -> None:
    connection = connection_of(run_linux_stack(), "r2-linux-routing")
    assert connection["host"] == "192.0.2.42"
    assert connection["port"] == 22
    assert connection["user"] == "vyos"
    assert connection["privateKey"] == FAKE_SSH_KEY


def test_agent_authentication_sends_no_private_key() -> None:
    connection = connection_of(run_linux_stack(auth="agent"), "r1-linux-routing")
    assert "privateKey" not in connection


def test_host_key_is_verified_when_given() -> None:
    host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForTests"
    connection = connection_of(run_linux_stack(host_key=host_key), "r1-linux-routing")
    assert connection["hostKey"] == host_key


def test_no_key_material_in_any_visible_input() -> None:
    run = run_linux_stack()
    for resource in run.resources:
        # SecretValue prints as [secret]: this is what a preview or the plain state would show.
        visible = json.dumps(dict(resource.inputs), default=str)
        assert "FAKE-SSH-KEY" not in visible


def test_dropping_path_4_changes_only_the_lines_about_path_4_and_the_path_count() -> None:
    before = run_linux_stack(active=4).named(COMMAND, "r1-linux-routing").inputs["create"].splitlines()
    after = run_linux_stack(active=3).named(COMMAND, "r1-linux-routing").inputs["create"].splitlines()
    changed = [
        line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert sorted(set(changed)) == sorted(
        {
            "-    ip -4 -o addr show dev ztecmp4 2>/dev/null | grep -qF ' inet 10.14.0.13/30 ' || missing=\"$missing ztecmp4\"",
            # Path 4's member of the route's nexthop group, kept by keep_routes and the keeper...
            "-  if drained 4; then",
            '-    down="$down 4(drained)"',
            "-  elif usable ztecmp4 10.14.0.13; then",
            '-    has_nexthop 259511044 10.14.0.14 ztecmp4 || fix "next hop 10.14.0.14 on path 4 (ztecmp4) ready for r2\'s 10.0.55.2/32" '
            "ip nexthop replace id 259511044 via 10.14.0.14 dev ztecmp4",
            '-    members="$members/259511044"',
            '-    over="$over 4"',
            "-  else",
            '-    down="$down 4"',
            "-  fi",
            # ...and deleted by the apply once no longer wanted.
            "-  prune_nexthops '259511040 259511041 259511042 259511043 259511044'",
            "+  prune_nexthops '259511040 259511041 259511042 259511043'",
            '-echo "zt-ecmp: r1 routes 10.0.55.2/32 over 4 of 4 paths"',
            '+echo "zt-ecmp: r1 routes 10.0.55.2/32 over 3 of 4 paths"',
        }
    )
