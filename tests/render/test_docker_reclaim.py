"""The reclaim command: reclaim-container.sh, and how the machine running Pulumi reaches each kind of Docker engine with it."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

from components.model.plan import LabPlan, build_plan
from components.render.docker.reclaim import docker_cli_needed, reclaim_command, render_reclaim_script
from components.render.ssh import docker_transport_options
from tests.render.test_shellcheck import NOT_APPLICABLE, SHELLCHECK, shellcheck
from tests.support.stacks import lab_config, lab_plan, stack_settings


def plan_with(docker_host: str | None) -> LabPlan:
    """gk41 with r1 a Linux router on the Docker engine ``docker_host`` (its SSH login's when None)."""
    routers = stack_settings("gk41")["routers"]
    routers[0].update(flavor="linux", dockerHost=docker_host)
    if docker_host is None:
        del routers[0]["dockerHost"]
    return build_plan(lab_config("gk41", routers=routers), "zt-ecmp", "gk41")


def test_over_ssh_it_runs_through_the_docker_transports_own_ssh_command() -> None:
    plan = plan_with(None)
    command = reclaim_command(plan, "r1", 3)
    options = docker_transport_options(plan.router("r1").ssh)
    assert command.argv == ("ssh", *options, "-o", "ConnectTimeout=30", "-T", "-l", "vyos", "-p", "22", "--", "192.0.2.41", "sh -s")
    assert command.environment == {}
    assert command.script == render_reclaim_script(plan, "r1", 3)
    assert command.subject == "container zt-ecmp-gk41-path3 on r1's Docker engine (ssh://vyos@192.0.2.41:22)"


def test_an_ssh_url_without_user_or_port_leaves_both_to_ssh() -> None:
    argv = reclaim_command(plan_with("ssh://192.0.2.41"), "r1", 1).argv
    assert argv[-3:] == ("--", "192.0.2.41", "sh -s")
    assert "-l" not in argv and "-p" not in argv


def test_an_ssh_url_with_a_path_names_the_engines_socket_on_the_router() -> None:
    command = reclaim_command(plan_with("ssh://ops@192.0.2.41:2222/run/user/1000/docker.sock"), "r1", 1)
    assert command.argv[-7:] == ("-l", "ops", "-p", "2222", "--", "192.0.2.41", "sh -s")
    assert "\nDOCKER_HOST=unix:///run/user/1000/docker.sock\nexport DOCKER_HOST\n" in command.script


@pytest.mark.parametrize("endpoint", ["tcp://192.0.2.50:2375", "unix:///var/run/docker.sock"])
def test_a_tcp_or_unix_engine_is_reached_from_here_with_docker_host_set(endpoint: str) -> None:
    command = reclaim_command(plan_with(endpoint), "r1", 2)
    assert command.argv == ("sh", "-s")
    assert command.environment == {"DOCKER_HOST": endpoint}
    assert "DOCKER_HOST" not in command.script


def test_only_tcp_and_unix_engines_need_dockers_cli_here() -> None:
    assert docker_cli_needed(plan_with("tcp://192.0.2.50:2375")) == ["r1"]
    assert docker_cli_needed(plan_with(None)) == []
    # VyOS routers run their instances in VyOS's own containers, with no Docker engine at all.
    assert docker_cli_needed(lab_plan()) == []


def test_the_script_compares_the_three_owner_labels_as_go_quotes_them() -> None:
    script = render_reclaim_script(plan_with(None), "r1", 4)
    assert '\nname=zt-ecmp-gk41-path4\nowner=\'"zt-ecmp" "gk41" "4"\'\n' in script
    format_word = (
        """'{{printf "%q %q %q" (index .Config.Labels "zt-ecmp.project") (index .Config.Labels "zt-ecmp.stack") """
        """(index .Config.Labels "zt-ecmp.path")}}'"""
    )
    assert f'labels=$(docker container inspect --format {format_word} "$id")' in script


def ssh_configuration(argv: tuple[str, ...] | list[str]) -> list[str]:
    """What OpenSSH would use for ``argv`` (``ssh -G`` prints it and connects to nothing)."""
    return subprocess.run(["ssh", "-G", *argv[1:]], capture_output=True, text=True, check=True).stdout.splitlines()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="no OpenSSH client")
def test_openssh_uses_the_very_configuration_of_the_docker_transport() -> None:
    plan = plan_with("ssh://ops@192.0.2.41:2222")
    # The Docker provider's command for this URL (docker/cli connhelper.go with the provider's ssh_opts).
    transport = [
        "ssh",
        *docker_transport_options(plan.router("r1").ssh),
        "-o ConnectTimeout=30",
        "-T",
        "-l",
        "ops",
        "-p",
        "2222",
        "--",
        "192.0.2.41",
    ]
    reclaim = reclaim_command(plan, "r1", 1).argv[:-1]
    shown = ssh_configuration(reclaim)
    assert shown == ssh_configuration(transport)
    assert {"user ops", "port 2222", "hostname 192.0.2.41", "connecttimeout 30", "requesttty false", "stricthostkeychecking true"} <= set(
        shown
    )
    # So the same control socket: %C hashes the same user, host and port.
    assert next(line for line in shown if line.startswith("controlpath ")).startswith(
        f"controlpath {pwd.getpwuid(os.getuid()).pw_dir}/.zt-ecmp/"
    )


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck is not installed (Debian: apt-get install shellcheck)")
def test_the_rendered_script_passes_shellcheck(tmp_path: Path) -> None:
    path = tmp_path / "reclaim.sh"
    path.write_text(render_reclaim_script(plan_with(None), "r1", 1, "/run/docker.sock"))
    assert shellcheck([path], "sh", list(NOT_APPLICABLE)) == ""
