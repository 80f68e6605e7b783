"""The offline diff between two versions of a stack: replacements marked the way the engine decides them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from components.cli.main import main
from components.preview.diff import ResourceChange, diff_runs, render_diff_text
from components.preview.offline import revealed
from components.stack.files import PROJECT_DIR
from tests.support.offline_runs import CONTAINER, DOCKER_PROVIDER, changed_docker_run, changed_run, committed_run, docker_run
from tests.support.stacks import docker_routers

COMMAND = "command:remote:Command"


def by_change(changes: list[ResourceChange], kind: str) -> set[str]:
    return {f"{change.type}::{change.name}" for change in changes if change.change == kind}


def test_a_new_image_tag_replaces_every_container_delete_first() -> None:
    # Only the image's name differs between the two runs, but every container takes the new image's id.
    changes = diff_runs(docker_run("gk41"), changed_docker_run("gk41", zerotier={"image": "zerotier/zerotier:1.14.3"}))
    replaced = by_change(changes, "replace, delete first")
    assert {name for name in replaced if name.startswith(CONTAINER)} == {
        f"{CONTAINER}::{router}-path{index}" for router in ("r1", "r2") for index in range(1, 5)
    }
    assert by_change(changes, "replace") == {
        "docker:index/remoteImage:RemoteImage::r1-zerotier-image",
        "docker:index/remoteImage:RemoteImage::r2-zerotier-image",
    }


def test_changing_k_updates_only_the_router_commands() -> None:
    changes = diff_runs(committed_run("gk41"), changed_run("gk41", paths={"count": 4, "active": 2}))
    assert by_change(changes, "replace") == by_change(changes, "replace, delete first") == set()
    assert by_change(changes, "update") == {
        f"{COMMAND}::r1-vyos-apply",
        f"{COMMAND}::r1-vyos-confirm",
        f"{COMMAND}::r2-vyos-apply",
        f"{COMMAND}::r2-vyos-confirm",
    }


def test_the_confirm_step_is_an_update_never_a_replacement() -> None:
    changes = diff_runs(committed_run("ms01"), changed_run("ms01", paths={"count": 8, "active": 5}))
    [confirm] = [change for change in changes if change.name == "r1-vyos-confirm"]
    assert (confirm.change, confirm.because) == ("update", ("create",))


def test_one_paths_new_port_replaces_its_two_containers_and_updates_the_routes_after_them() -> None:
    changes = diff_runs(docker_run("gk41"), changed_docker_run("gk41", zerotier={"ports": [9994, 9995, 19996, 9997]}))
    assert {change.name for change in changes if change.change == "replace, delete first"} == {"r1-path3", "r2-path3"}
    # The router command names the containers it follows, so it runs again after them.
    assert f"{COMMAND}::r1-vyos-apply" in by_change(changes, "update")


def test_moving_a_router_replaces_its_commands_provider_and_containers_and_nothing_of_the_other() -> None:
    routers = docker_routers("gk41")
    routers[0]["ssh"]["host"] = "192.0.2.141"
    changes = diff_runs(docker_run("gk41"), changed_docker_run("gk41", routers=routers))
    replaced = by_change(changes, "replace, delete first")
    assert f"{DOCKER_PROVIDER}::r1-zerotier-docker" in replaced
    assert {f"{CONTAINER}::r1-path{index}" for index in range(1, 5)} <= replaced
    assert {f"{COMMAND}::r1-vyos-apply", f"{COMMAND}::r1-vyos-confirm"} <= replaced
    assert not any("r2-" in name for name in replaced)


def test_a_new_identity_replaces_its_member() -> None:
    before, after = docker_run("gk41"), docker_run("gk41")
    member = next(resource for resource in after.resources if resource.name == "path1-r1" and resource.type.endswith("Member"))
    moved = [
        resource if resource is not member else type(member)(**{**member.__dict__, "inputs": {**member.inputs, "memberId": "0123456789"}})
        for resource in after.resources
    ]
    changes = diff_runs(before, type(after)(plan=after.plan, resources=moved))
    assert [(change.name, change.change) for change in changes if change.change != "same"] == [("path1-r1", "replace")]
    assert "  replace  path1-r1: node id changed, which replaces it\n" in render_diff_text(changes, "main", "gk41")


def test_the_diff_command_compares_a_stack_file_with_an_earlier_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Pulumi.yaml", "Pulumi.gk41.yaml"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    earlier = tmp_path / "earlier.yaml"
    shutil.copy(PROJECT_DIR / "Pulumi.gk41.yaml", earlier)
    document = yaml.safe_load((tmp_path / "Pulumi.gk41.yaml").read_text())
    document["config"]["zt-ecmp:paths"]["active"] = 2
    (tmp_path / "Pulumi.gk41.yaml").write_text(yaml.safe_dump(document))
    assert main(["diff", "--stack", "gk41", "--before", str(earlier), "--project-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"zt-ecmp diff for stack gk41: {earlier} -> this working copy"
    assert "\n  update  r1-vyos-apply: create script changed\n" in out
    assert "\n  +set protocols static route 10.0.55.2/32 next-hop 10.14.0.10 disable\n" in out
    assert "\n0 to replace, 4 to update, 0 to create, 0 to delete, 74 unchanged (78 resources, components included)\n" in out


def test_the_diff_counts_what_plan_counts_components_included() -> None:
    before, after = committed_run("gk41-sites"), changed_run("gk41-sites", paths={"count": 3, "active": 3})
    changes = diff_runs(before, after)
    assert len(changes) == len({resource.urn for resource in [*before.resources, *after.resources]}) == len(before.resources)
    assert ("zt-ecmp:index:ZeroTierPath", "path4", "delete") in [(change.type, change.name, change.change) for change in changes]


def test_a_changed_script_shows_its_changed_lines_as_a_unified_diff() -> None:
    before, after = committed_run("gk41"), changed_run("gk41", paths={"count": 4, "active": 3})
    text = render_diff_text(diff_runs(before, after), "main", "gk41", (before.plan, after.plan))
    assert "\n  update  r2-vyos-apply: create script changed\n" in text
    assert ("Files and scripts that change\n  --- r1/vyos-apply.vbash (main)\n  +++ r1/vyos-apply.vbash (this working copy)\n") in text
    assert "\n  +set protocols static route 10.0.55.1/32 next-hop 10.14.0.13 disable\n" in text


def test_a_changed_file_of_a_container_shows_its_lines_and_never_a_secret() -> None:
    before = docker_run("gk41")
    after = changed_docker_run("gk41", zerotier={"ports": [9994, 9995, 19996, 9997]})
    text = render_diff_text(diff_runs(before, after), "main", "gk41", (before.plan, after.plan))
    assert "  replace, delete first  r1-path3: labels, files uploaded changed, which replaces it\n" in text
    assert "  --- r1/path3-local.conf (main)\n  +++ r1/path3-local.conf (this working copy)\n" in text
    assert '\n  -    "primaryPort": 9996,\n  -    "secondaryPort": 9996,\n  +    "primaryPort": 19996,\n' in text
    secrets = [revealed(upload["content"]) for upload in revealed(after.named(CONTAINER, "r1-path3").inputs["uploads"])]
    identity = next(content for content in secrets if content.count(":") == 3)
    assert identity not in text


def test_an_unknown_earlier_version_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--stack", "gk41", "--before", "no-such-revision-zz"]) == 2
    assert "--before no-such-revision-zz: neither a file nor a git revision" in capsys.readouterr().err


def test_new_ssh_options_of_the_docker_transport_update_its_provider_in_place_and_replace_no_container() -> None:
    # What the transport's options were before its control sockets left ~/.ssh.
    pinning = json.loads(docker_run("gk41").named(DOCKER_PROVIDER, "r1-zerotier-docker").inputs["sshOpts"])[:6]
    multiplexing = ["-o", "ControlMaster=auto", "-o", "ControlPath=%d/.ssh/zt-ecmp-%C", "-o", "ControlPersist=60"]
    old_options = json.dumps([*pinning, "-o", "KnownHostsCommand=/bin/echo 192.0.2.41 key", *multiplexing])
    now = docker_run("gk41")
    before = type(now)(
        plan=now.plan,
        resources=[
            type(resource)(**{**resource.__dict__, "inputs": {**resource.inputs, "sshOpts": old_options}})
            if resource.type == DOCKER_PROVIDER
            else resource
            for resource in now.resources
        ],
    )
    changes = [(change.type, change.name, change.change) for change in diff_runs(before, now) if change.change != "same"]
    assert changes == [(DOCKER_PROVIDER, "r1-zerotier-docker", "update"), (DOCKER_PROVIDER, "r2-zerotier-docker", "update")]
