"""Secret audit: recognisable fake secrets go in; none may come out anywhere a person or a log can see."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.preview.offline import OfflineRun, SecretValue, revealed
from components.preview.report import render_plan_json, render_plan_text
from components.stack.files import load_stack_file
from tests.support.offline_runs import CONTAINER, cached_run, upload

FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-SSH-KEY-d41d8cd98f00b204\n-----END OPENSSH PRIVATE KEY-----\n"
FAKE_CENTRAL_TOKEN = "FAKE-CENTRAL-TOKEN-9e107d9d372bb682"
FAKE_PASSPHRASE = "FAKE-PASSPHRASE-e4d909c290d0fb1c"


# Every committed stack file.
REFERENCE_STACKS = ["gk41", "ms01", "gk41-sites"]


def _audited_run(stack: str, monkeypatch: pytest.MonkeyPatch) -> OfflineRun:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", FAKE_PASSPHRASE)
    project, values, secrets = load_stack_file(stack)
    values["zt-ecmp:sshPrivateKey"] = FAKE_SSH_KEY
    values["zerotier:zerotierCentralToken"] = FAKE_CENTRAL_TOKEN
    secrets |= {"zt-ecmp:sshPrivateKey", "zerotier:zerotierCentralToken"}
    return cached_run(project, stack, values, secrets)


def _visible(value: Any) -> Any:
    """What Pulumi shows in previews and keeps in plain state: everything but secret values."""
    if isinstance(value, SecretValue):
        return "[secret]"
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


def _secrets(run: OfflineRun) -> list[str]:
    identities = [upload(container, "identity.secret")["content"] for container in run.of_type(CONTAINER)]
    # The secret half of an identity is the part after the public key.
    return [FAKE_SSH_KEY.splitlines()[1], FAKE_CENTRAL_TOKEN, FAKE_PASSPHRASE, *(secret.rsplit(":", 1)[1] for secret in identities)]


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_no_secret_in_any_visible_resource_input(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _audited_run(stack, monkeypatch)
    for resource in run.resources:
        visible = json.dumps(_visible(resource.inputs), default=str)
        leaked = [secret for secret in _secrets(run) if secret in visible]
        assert leaked == [], f"{resource.type} {resource.name} shows a secret"


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_no_secret_in_stack_outputs(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _audited_run(stack, monkeypatch)
    outputs = json.dumps(revealed(run.outputs), default=str)
    assert [secret for secret in _secrets(run) if secret in outputs] == []


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_no_secret_in_the_plan_commands_text_or_json(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _audited_run(stack, monkeypatch)
    shown = render_plan_text(run) + render_plan_json(run)
    assert [secret for secret in _secrets(run) if secret in shown] == []


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_no_secret_in_log_lines(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _audited_run(stack, monkeypatch)
    logs = "\n".join(run.logs)
    assert [secret for secret in _secrets(run) if secret in logs] == []


def test_the_audit_would_see_a_leak() -> None:
    run_like = {"uploads": [{"content": FAKE_CENTRAL_TOKEN}]}
    assert FAKE_CENTRAL_TOKEN in json.dumps(_visible(run_like))
    assert FAKE_CENTRAL_TOKEN not in json.dumps(_visible({"uploads": SecretValue(run_like["uploads"])}))
