"""The real Pulumi CLI reads the project and its stacks the way the offline runner does.

These need the `pulumi` binary (`.ci/pulumi-toolchain` builds it from Go modules); the provider
plugins cannot be built on an offline machine, so no test here runs the program through the engine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.offline import PROJECT_DIR, load_stack_file
from components.stack_settings import parse_stack_settings

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(shutil.which("pulumi") is None, reason="no pulumi CLI on PATH: run .ci/pulumi-toolchain, then eval its env"),
]

FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-ENGINE-KEY-45c48cce2e2d7fbd\n-----END OPENSSH PRIVATE KEY-----"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's Pulumi files with a throwaway state backend and passphrase."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.gk41.yaml", "Pulumi.ms01.yaml"):
        shutil.copy(PROJECT_DIR / name, copy / name)
    (tmp_path / "state").mkdir()
    return copy


def _pulumi(project: Path, *args: str, stdin: str | None = None, backend: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULUMI_CONFIG_PASSPHRASE": "fake-engine-passphrase", "PULUMI_SKIP_UPDATE_CHECK": "true"}
    env.pop("PULUMI_BACKEND_URL", None)
    if backend:
        env["PULUMI_BACKEND_URL"] = f"file://{project.parent / 'state'}"
    return subprocess.run(["pulumi", *args], cwd=project, input=stdin, capture_output=True, text=True, env=env, check=False, timeout=120)


def _config(project: Path, stack: str) -> dict[str, Any]:
    done = _pulumi(project, "config", "--stack", stack, "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.mark.parametrize("stack", ["gk41", "ms01"])
def test_the_cli_reads_each_stack_as_the_offline_runner_does(project: Path, stack: str) -> None:
    assert _pulumi(project, "stack", "init", stack).returncode == 0
    seen_by_cli = {key: entry.get("objectValue", entry["value"]) for key, entry in _config(project, stack).items()}
    _, seen_offline, _ = load_stack_file(stack, project)
    assert seen_by_cli == seen_offline


def test_a_secret_setting_is_stored_encrypted_and_read_back_whole(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    stored = _pulumi(project, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY + "\n")
    assert stored.returncode == 0, stored.stderr
    stack_file = (project / "Pulumi.gk41.yaml").read_text()
    assert "FAKE-ENGINE-KEY" not in stack_file
    assert "zt-ecmp:sshPrivateKey:\n    secure: v1:" in stack_file
    read_back = _pulumi(project, "config", "get", "--stack", "gk41", "sshPrivateKey")
    assert read_back.stdout.rstrip("\n") == FAKE_SSH_KEY


def test_a_stack_with_its_secret_set_is_valid_for_the_program(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    _pulumi(project, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY)
    config = _config(project, "gk41")
    assert config["zt-ecmp:sshPrivateKey"]["secret"] is True
    values = {key.removeprefix("zt-ecmp:"): entry.get("value", "[secret]") for key, entry in config.items()}
    secrets = {key.removeprefix("zt-ecmp:") for key, entry in config.items() if entry["secret"]}
    assert parse_stack_settings(values, secrets).private_key_settings == {"r1": "sshPrivateKey", "r2": "sshPrivateKey"}


def test_the_project_defaults_to_a_local_file_backend(project: Path) -> None:
    done = _pulumi(project, "whoami", "--verbose", backend=False)
    assert "file://~/.pulumi-zt-ecmp" in done.stdout + done.stderr
