"""Every SSH connection verifies the router's pinned host key; a missing pin is a configuration error."""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from components.model.settings import ConfigError, parse_lab_config
from components.render.ssh import CONTROL_SOCKET_EXTRA_BYTES, docker_transport_options, known_hosts_line, openssh_pinning_options
from tests.support.offline_runs import DOCKER_PROVIDER, docker_run
from tests.support.stacks import lab_plan, stack_settings

GK41_R1_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOdqqvsiv81rjlgo344LkA44QZhx7tgpHABMcBL4gejd"


def test_missing_host_key_is_refused_with_how_to_obtain_it() -> None:
    settings = stack_settings("gk41")
    del settings["routers"][1]["ssh"]["hostKey"]
    with pytest.raises(ConfigError, match=r"routers\[1\]\.ssh\.hostKey: required but not set; pin .*ssh-keyscan"):
        parse_lab_config(settings)


def test_known_hosts_line_uses_the_bare_host_on_port_22() -> None:
    assert known_hosts_line(lab_plan().router("r1").ssh) == f"192.0.2.41 {GK41_R1_KEY}"


def test_known_hosts_line_brackets_other_ports() -> None:
    settings = stack_settings("gk41")
    settings["routers"][0]["ssh"]["port"] = 2222
    plan = lab_plan(routers=settings["routers"])
    assert known_hosts_line(plan.router("r1").ssh) == f"[192.0.2.41]:2222 {GK41_R1_KEY}"


def test_docker_transport_checks_the_pinned_key_strictly() -> None:
    # Provider settings reach the engine as JSON text.
    options = json.loads(docker_run("gk41").named(DOCKER_PROVIDER, "r1-zerotier-docker").inputs["sshOpts"])
    assert options[:7] == [
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
    ]
    assert options[7].startswith("KnownHostsCommand=/bin/sh -c ")
    assert options[7].endswith(f" zt-ecmp-known-hosts %d/.zt-ecmp 192.0.2.41 {GK41_R1_KEY}")


def test_openssh_accepts_the_pinning_options() -> None:
    # `ssh -G` parses options and prints the resulting configuration without connecting.
    options = openssh_pinning_options(lab_plan().router("r1").ssh)
    try:
        done = subprocess.run(["ssh", "-G", *options, "192.0.2.41"], capture_output=True, text=True, check=False, timeout=10)
    except FileNotFoundError:
        pytest.skip("no OpenSSH client on this machine")
    assert done.returncode == 0, done.stderr
    assert "stricthostkeychecking true" in done.stdout
    assert f"knownhostscommand /bin/echo 192.0.2.41 {GK41_R1_KEY}" in done.stdout


def test_docker_transport_multiplexes_every_call_over_one_connection_per_router() -> None:
    # The Docker provider starts one ssh per connection it needs; sshd's MaxStartups drops some of
    # them under Pulumi's parallelism unless they share one master connection.
    options = json.loads(docker_run("gk41").named(DOCKER_PROVIDER, "r2-zerotier-docker").inputs["sshOpts"])
    assert options[8:] == ["-o", "ControlMaster=auto", "-o", "ControlPath=%d/.zt-ecmp/%C", "-o", "ControlPersist=60"]


def _known_hosts_command(home: Path) -> list[str]:
    """The transport's KnownHostsCommand as ssh runs it: split like a shell (OpenSSH's argv_split
    splits this text, single quotes alone, the same way), then %d expanded in each word."""
    [option] = [option for option in docker_transport_options(lab_plan().router("r1").ssh) if option.startswith("KnownHostsCommand=")]
    return [word.replace("%d", str(home)) for word in shlex.split(option.removeprefix("KnownHostsCommand="))]


def test_the_known_hosts_command_makes_a_private_control_directory_for_a_user_without_dot_ssh(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(_known_hosts_command(home), capture_output=True, text=True, check=False, timeout=10)
    control = home / ".zt-ecmp"
    assert (done.returncode, done.stdout, stat.S_IMODE(control.stat().st_mode), (home / ".ssh").exists()) == (
        0,
        f"192.0.2.41 {GK41_R1_KEY}\n",
        0o700,
        False,
    )


def test_the_known_hosts_command_refuses_a_control_directory_that_is_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".zt-ecmp").symlink_to(tmp_path / "elsewhere")
    done = subprocess.run(_known_hosts_command(tmp_path), capture_output=True, text=True, check=False, timeout=10)
    assert (done.returncode, done.stdout) == (1, "")
    assert "must be a directory of this user" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another user needs root")
def test_the_known_hosts_command_refuses_a_control_directory_owned_by_someone_else(tmp_path: Path) -> None:
    (tmp_path / ".zt-ecmp").mkdir(mode=0o700)
    os.chown(tmp_path / ".zt-ecmp", 65534, 65534)
    done = subprocess.run(_known_hosts_command(tmp_path), capture_output=True, text=True, check=False, timeout=10)
    assert (done.returncode, done.stdout) == (1, "")


def test_openssh_puts_the_control_socket_in_the_control_directory_within_the_socket_path_limit() -> None:
    # `ssh -G` expands ControlPath as it would connect: %d is the home directory from passwd.
    options = docker_transport_options(lab_plan().router("r1").ssh)
    try:
        done = subprocess.run(["ssh", "-G", *options, "192.0.2.41"], capture_output=True, text=True, check=False, timeout=10)
    except FileNotFoundError:
        pytest.skip("no OpenSSH client on this machine")
    assert done.returncode == 0, done.stderr
    [control_path] = [line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("controlpath ")]
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert re.fullmatch(re.escape(home) + r"/\.zt-ecmp/[0-9a-f]{40}", control_path)
    assert len(control_path) - len(home) + len(".") + 16 == CONTROL_SOCKET_EXTRA_BYTES
