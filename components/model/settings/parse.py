"""Settings in, a validated LabConfig out, or every problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from components.model.settings.checks import cross_check
from components.model.settings.problems import ConfigError, describe
from components.model.settings.schema import LabConfig


def parse_lab_config(raw: Mapping[str, Any]) -> LabConfig:
    """Validate a stack's ``zt-ecmp:`` settings (keys without the namespace) into a LabConfig.

    Raises ConfigError listing every problem found, each naming its setting.
    """
    try:
        config = LabConfig.model_validate(dict(raw))
    except ValidationError as error:
        problems = [line for detail in error.errors() for line in describe(detail)]
        raise ConfigError(problems) from None
    if problems := cross_check(config):
        raise ConfigError(problems)
    return config
