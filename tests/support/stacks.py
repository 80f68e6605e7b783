"""Stack settings for tests: the committed stack files, and small variations of them."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from components.model.plan import LabPlan, build_plan
from components.model.settings import NAMESPACE, LabConfig, parse_lab_config
from components.preview.plan_timing import TEMPLATE_STACK, sized_settings
from components.stack.files import PROJECT_DIR, load_stack_file, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings


@cache
def _stack_settings(stack: str) -> dict[str, Any]:
    _, values, _ = load_stack_file(stack, PROJECT_DIR)
    prefix = f"{NAMESPACE}:"
    return {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}


def stack_settings(stack: str) -> dict[str, Any]:
    """A fresh, mutable copy of one committed stack's ``zt-ecmp:`` settings."""
    return copy.deepcopy(_stack_settings(stack))


def docker_routers(stack: str) -> list[dict[str, Any]]:
    """The stack's routers with the instances on a Docker engine the operator installed on each VyOS router."""
    routers: list[dict[str, Any]] = stack_settings(stack)["routers"]
    for router in routers:
        router.update(runtime="docker", dockerInstalled=True)
    return routers


def lab_config(stack: str = "gk41", **changes: Any) -> LabConfig:
    """The stack's config with top-level settings replaced, e.g. ``paths={"count": 4, "active": 1}``."""
    raw = stack_settings(stack)
    raw.update(changes)
    return parse_lab_config(raw)


def lab_plan(stack: str = "gk41", **changes: Any) -> LabPlan:
    return build_plan(lab_config(stack, **changes), "zt-ecmp", stack)


def sized_plan(routers: int, paths: int) -> LabPlan:
    """The plan of a lab that ``zt-ecmp bench-plan`` times: its template stack's first router repeated
    ``routers`` times, with ``paths`` paths."""
    project, values, secrets = load_stack_without_secrets(TEMPLATE_STACK, PROJECT_DIR)
    return build_plan(parse_qualified_settings(sized_settings(values, routers, paths), secrets).lab, project, "bench")


def docker_plan(stack: str = "gk41", **changes: Any) -> LabPlan:
    """The stack with its instances on Docker engines the operator installed on the VyOS routers."""
    return lab_plan(stack, routers=docker_routers(stack), **changes)


def jumbo_routers(stack: str, mtu: int = 9000) -> list[dict[str, Any]]:
    """The stack's routers with jumbo frames on the underlay (a knob the reference stacks leave alone)."""
    routers: list[dict[str, Any]] = stack_settings(stack)["routers"]
    for router in routers:
        router["underlay"]["mtu"] = mtu
    return routers
