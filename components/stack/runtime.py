"""The stack's settings as the Pulumi runtime hands them to the running program.

The one module that reads Pulumi's runtime configuration: which settings are secret is only kept in
the SDK's private registry of secret keys, which no public call returns.
"""

from __future__ import annotations

import pulumi
import pulumi.runtime.config as runtime_config

from components.model.settings import NAMESPACE
from components.stack.settings import StackSettings, parse_qualified_settings


def read_stack_settings() -> StackSettings:
    """The stack's settings as the Pulumi runtime hands them to the program."""
    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    return parse_qualified_settings(values, secret_keys)


def ssh_private_keys(settings: StackSettings) -> dict[str, pulumi.Output[str]]:
    """Each key-authenticated router's private key, as a secret Output."""
    config = pulumi.Config(NAMESPACE)
    return {router: config.require_secret(setting) for router, setting in settings.private_key_settings.items()}
