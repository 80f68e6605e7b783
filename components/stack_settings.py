"""Reading a stack's ``zt-ecmp:`` settings: plain ones into a LabConfig, secret ones kept secret.

The split is pure (``parse_stack_settings``); ``read_stack_settings`` is the thin part that asks
the Pulumi runtime for the values.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.runtime.config as runtime_config

from components.config import ConfigError, LabConfig, parse_lab_config

NAMESPACE = "zt-ecmp"
LAB_SETTINGS = frozenset(field.alias or name for name, field in LabConfig.model_fields.items())
# Pulumi.yaml declares this secret, so preview and up insist that every stack sets it, even a stack
# whose routers all authenticate with the agent and so never read it.
DECLARED_KEY_SETTING = "sshPrivateKey"
# Provider settings that must be secrets. Pulumi.yaml cannot declare them: Pulumi accepts a key of
# another namespace only with a fixed value and never checks its secrecy
# (pulumi/pulumi sdk/go/common/workspace/project.go, Project.Validate; pkg/workspace/config.go,
# validateStackConfigValues). The ZeroTier provider does not mark its token sensitive either, so a
# token set in plain text would sit in the stack file and in state unencrypted.
PROVIDER_SECRETS = ("zerotier:zerotierCentralToken",)


@dataclass(frozen=True)
class StackSettings:
    lab: LabConfig
    # Names of the secret settings the lab uses, by router: where its SSH private key is.
    private_key_settings: Mapping[str, str]


def _decode(value: Any) -> Any:
    """Pulumi hands structured settings to programs as JSON text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def parse_stack_settings(values: Mapping[str, Any], secret_names: Collection[str]) -> StackSettings:
    """Validate the namespace's settings (keys without ``zt-ecmp:``); secrets are only checked for presence."""
    others = {key for key in values if key not in LAB_SETTINGS}
    try:
        lab = parse_lab_config({key: _decode(value) for key, value in values.items() if key in LAB_SETTINGS})
    except ConfigError as error:
        # Which other settings are legitimate (key secrets) depends on the routers: judge them once those parse.
        raise ConfigError(error.problems) from None
    problems: list[str] = []
    wanted: dict[str, str] = {}
    for position, router in enumerate(lab.routers):
        if router.ssh.auth != "key":
            continue
        name = router.ssh.private_key_config
        wanted[router.name] = name
        if name in values or any(problem.startswith(f"{name}:") for problem in problems):
            continue
        problems.append(
            f"{name}: not set, but routers[{position}].ssh.auth is 'key'; run "
            f"`pulumi config set --secret {name} < ~/.ssh/id_ed25519` or set routers[{position}].ssh.auth to 'agent'"
        )
    for name in sorted(others):
        if name == DECLARED_KEY_SETTING and name in secret_names and name not in wanted.values():
            continue
        if name not in wanted.values():
            kind = "secret setting; no router's ssh.privateKeyConfig names it" if name in secret_names else "setting (a typo?)"
            problems.append(f"{name}: unknown {kind}; see the configuration reference in README.md")
        elif name not in secret_names:
            problems.append(f"{name}: stored in plain text; store the private key as a secret with `pulumi config set --secret {name} ...`")
    if problems:
        raise ConfigError(problems)
    return StackSettings(lab=lab, private_key_settings=wanted)


def _all_config() -> tuple[dict[str, Any], set[str]]:
    """Every setting the runtime holds (fully qualified keys), and which of them are secret."""
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    return merged, secret_keys


def _namespace_values(merged: Mapping[str, Any], secret_keys: Collection[str]) -> tuple[dict[str, Any], set[str]]:
    prefix = f"{NAMESPACE}:"
    values = {key.removeprefix(prefix): value for key, value in merged.items() if key.startswith(prefix)}
    secrets = {key.removeprefix(prefix) for key in secret_keys if key.startswith(prefix)}
    return values, secrets


def plain_provider_secrets(keys: Collection[str], secret_keys: Collection[str]) -> list[str]:
    """Problems for provider settings that must be secrets but were set in plain text (fully qualified keys)."""
    return [
        f"{key}: stored in plain text; store it as a secret with `pulumi config set --secret {key}`, or unset it "
        f"(`pulumi config rm {key}`) and export its environment variable instead"
        for key in PROVIDER_SECRETS
        if key in keys and key not in secret_keys
    ]


def read_stack_settings() -> StackSettings:
    merged, secret_keys = _all_config()
    values, secrets = _namespace_values(merged, secret_keys)
    provider_problems = plain_provider_secrets(merged, secret_keys)
    try:
        settings = parse_stack_settings(values, secrets)
    except ConfigError as error:
        raise ConfigError([*error.problems, *provider_problems]) from None
    if provider_problems:
        raise ConfigError(provider_problems)
    return settings


def ssh_private_keys(settings: StackSettings) -> dict[str, pulumi.Output[str]]:
    """Each key-authenticated router's private key, as a secret Output."""
    config = pulumi.Config(NAMESPACE)
    return {router: config.require_secret(setting) for router, setting in settings.private_key_settings.items()}
