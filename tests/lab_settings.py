"""Stack settings for tests: the committed stack files, and small variations of them."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from components.config import LabConfig, parse_lab_config
from components.offline import PROJECT_DIR, load_stack_file
from components.plan import LabPlan, build_plan
from components.stack_settings import NAMESPACE


@cache
def _stack_settings(stack: str) -> dict[str, Any]:
    _, values, _ = load_stack_file(stack, PROJECT_DIR)
    prefix = f"{NAMESPACE}:"
    return {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}


def stack_settings(stack: str) -> dict[str, Any]:
    """A fresh, mutable copy of one committed stack's ``zt-ecmp:`` settings."""
    return copy.deepcopy(_stack_settings(stack))


def lab_config(stack: str = "gk41", **changes: Any) -> LabConfig:
    """The stack's config with top-level settings replaced, e.g. ``paths={"count": 4, "active": 1}``."""
    raw = stack_settings(stack)
    raw.update(changes)
    return parse_lab_config(raw)


def lab_plan(stack: str = "gk41", **changes: Any) -> LabPlan:
    return build_plan(lab_config(stack, **changes), "zt-ecmp", stack)
