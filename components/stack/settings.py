"""Reading a stack's ``zt-ecmp:`` settings: plain ones into a LabConfig, secret ones kept secret.

Pure: the stack files (components/stack/files.py), the Pulumi runtime (components/stack/runtime.py)
and the Automation API (components/stack/automation.py) each hand their values to
``parse_qualified_settings``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from components.model.settings import (
    DEFAULT_PRIVATE_KEY_SETTING,
    NAMESPACE,
    ConfigError,
    LabConfig,
    belongs_in,
    closest_name,
    parse_lab_config,
    unknown_setting,
)

LAB_SETTINGS = frozenset(field.alias or name for name, field in LabConfig.model_fields.items())
# Provider settings that must be secrets. Pulumi.yaml cannot declare them: Pulumi accepts a key of
# another namespace only with a fixed value and never checks its secrecy
# (pulumi/pulumi sdk/go/common/workspace/project.go, Project.Validate; pkg/workspace/config.go,
# validateStackConfigValues). The ZeroTier provider does not mark its token sensitive either, so a
# token set in plain text would sit in the stack file and in state unencrypted.
PROVIDER_SECRETS = ("zerotier:zerotierCentralToken",)
# A namespace this close to ours is taken for a typo of it ("zt-ecpm", "zt_ecmp", "ztecmp"); the namespaces a stack
# legitimately sets besides ours (pulumi, zerotier, docker, command) are nowhere near it.
NAMESPACE_TYPO_CUTOFF = 0.75


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


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    meant = closest_name(name, known)
    return f"; did you mean {meant}?" if meant is not None else ""


def parse_stack_settings(values: Mapping[str, Any], secret_names: Collection[str]) -> StackSettings:
    """Validate the namespace's settings (keys without ``zt-ecmp:``); secrets are only checked for presence."""
    secret_lab_settings = sorted(LAB_SETTINGS & set(secret_names))
    if secret_lab_settings:
        # Lab settings are topology, not secrets: they reach the routers' scripts and the stack outputs
        # (the `settings` output the lab tools read) as plain data, and offline readers never decrypt.
        # Kept secret, they would leak into plain state or fail to parse as "[secret ...]" placeholders.
        raise ConfigError([secret_lab_setting(name) for name in secret_lab_settings])
    others = {key for key in values if key not in LAB_SETTINGS}
    try:
        lab = parse_lab_config({key: _decode(value) for key, value in values.items() if key in LAB_SETTINGS})
    except ConfigError as error:
        # Which other settings are legitimate (key secrets) depends on the routers: judge them once those parse.
        # A plain setting that looks like a misspelt lab setting is named now, since it may be why the lab fails.
        misspelt = [
            f"{name}: unknown setting{_did_you_mean(name, LAB_SETTINGS)}"
            if closest_name(name, LAB_SETTINGS) is not None
            else unknown_setting((name,))
            for name in sorted(others - set(secret_names))
            if closest_name(name, LAB_SETTINGS) is not None or belongs_in((name,)) is not None
        ]
        raise ConfigError([*misspelt, *error.problems]) from None
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
        # Pulumi.yaml declares the default key setting as a secret, so preview and up insist that every
        # stack sets it, even a stack whose routers all authenticate with the agent and so never read it.
        if name == DEFAULT_PRIVATE_KEY_SETTING and name in secret_names and name not in wanted.values():
            continue
        if name not in wanted.values() and name not in secret_names and belongs_in((name,)) is not None:
            problems.append(unknown_setting((name,)))
        elif name not in wanted.values():
            kind = "secret setting; no router's ssh.privateKeyConfig names it" if name in secret_names else "setting (a typo?)"
            meant = _did_you_mean(name, LAB_SETTINGS | set(wanted.values())) or "; see the configuration reference in README.md"
            problems.append(f"{name}: unknown {kind}{meant}")
        elif name not in secret_names:
            problems.append(f"{name}: stored in plain text; store the private key as a secret with `pulumi config set --secret {name} ...`")
    if problems:
        raise ConfigError(problems)
    return StackSettings(lab=lab, private_key_settings=wanted)


def secret_lab_setting(name: str) -> str:
    """The problem of a lab setting stored with ``pulumi config set --secret``."""
    return (
        f"{name}: stored as a secret, but lab settings are plain data that router scripts and the stack outputs "
        f"show in the clear; only SSH private keys are secrets here. Run `pulumi config rm {name}` and set it again "
        f"without --secret (`pulumi config set {name} ...`, or in the stack file)"
    )


def misplaced_settings(keys: Iterable[str]) -> list[str]:
    """A problem for every ``namespace:key`` whose namespace looks like a misspelling of ours, naming the key it meant."""
    problems = []
    for key in sorted(keys):
        namespace, separator, name = key.partition(":")
        if not separator or namespace == NAMESPACE:
            continue
        closeness = difflib.SequenceMatcher(None, namespace.lower().replace("_", "-"), NAMESPACE).ratio()
        if closeness < NAMESPACE_TYPO_CUTOFF:
            continue
        meant = name if name in LAB_SETTINGS else (closest_name(name, LAB_SETTINGS) or name)
        problems.append(
            f"{key}: namespace {namespace!r} is not this project's ({NAMESPACE}), so nothing reads it; did you mean {NAMESPACE}:{meant}?"
        )
    return problems


def parse_qualified_settings(values: Mapping[str, Any], secret_keys: Collection[str]) -> StackSettings:
    """Like ``parse_stack_settings``, for keys with their namespace (``zt-ecmp:paths``, ``zerotier:...``) as Pulumi
    holds them: keys of other namespaces are the providers' and the engine's, unless they look like ours misspelt."""
    prefix = f"{NAMESPACE}:"
    ours = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
    secrets = {key.removeprefix(prefix) for key in secret_keys if key.startswith(prefix)}
    elsewhere = [*misplaced_settings(values), *plain_provider_secrets(values, secret_keys)]
    try:
        settings = parse_stack_settings(ours, secrets)
    except ConfigError as error:
        raise ConfigError([*elsewhere, *error.problems]) from None
    if elsewhere:
        raise ConfigError(elsewhere)
    return settings


def plain_provider_secrets(keys: Collection[str], secret_keys: Collection[str]) -> list[str]:
    """Problems for provider settings that must be secrets but were set in plain text (fully qualified keys)."""
    return [
        f"{key}: stored in plain text; store it as a secret with `pulumi config set --secret {key}`, or unset it "
        f"(`pulumi config rm {key}`) and export its environment variable instead"
        for key in PROVIDER_SECRETS
        if key in keys and key not in secret_keys
    ]
