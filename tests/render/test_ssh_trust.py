"""Every SSH connection verifies the router's pinned host key; a missing pin is a configuration error."""

from __future__ import annotations

import json
import subprocess

import pytest

from components.model.settings import ConfigError, parse_lab_config
from components.render.ssh import known_hosts_line, openssh_pinning_options
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
    assert options[:8] == [
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        f"KnownHostsCommand=/bin/echo 192.0.2.41 {GK41_R1_KEY}",
    ]


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
    assert options[8:] == ["-o", "ControlMaster=auto", "-o", "ControlPath=%d/.ssh/zt-ecmp-%C", "-o", "ControlPersist=60"]
