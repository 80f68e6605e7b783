"""The settings and plan a namespace lab is built from: M Linux routers r1..rM in local namespaces."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from components.model.plan import LabPlan, build_plan
from components.model.settings import LabConfig, parse_lab_config

# The underlay the namespace routers are said to have: the paths are veth pairs, so nothing sends over it.
UNDERLAY_INTERFACE = "ulnk0"
UNUSED_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPu8J6W5f0z5lS0Jb2H9q1m1q8x5m7mCzK0fQ7YbQ6oU"


def netns_lab_settings(
    paths: int, active: int | None = None, stack_settings: Mapping[str, object] | None = None, routers: int = 2
) -> dict[str, Any]:
    """The stack settings (``zt-ecmp:`` keys without the namespace) of ``routers`` Linux routers r1..rM
    reached as local namespaces; floating IPs on lo (this kernel has no dummy driver)."""

    def router(name: str, position: int) -> dict[str, object]:
        return {
            "name": name,
            "flavor": "linux",
            # Reached with `ip netns exec`, never over SSH: the pinned key only satisfies the model.
            "ssh": {"host": f"{name}.netns.invalid", "user": "root", "auth": "agent", "hostKey": UNUSED_HOST_KEY},
            # No ZeroTier runs here, and nothing in the underlay is tuned unless a test asks for it.
            "underlay": {"interface": UNDERLAY_INTERFACE, "speed": "10G", "address": f"192.0.2.{position + 1}/24"},
        }

    return {
        "hardware": {"model": "network namespaces on this host", "performanceCores": os.cpu_count() or 1, "instanceGbps": 0.1},
        "routers": [router(f"r{position + 1}", position) for position in range(routers)],
        "paths": {"count": paths, "active": active if active is not None else paths},
        "addressing": {"floatingOn": "loopback"},
        **(stack_settings or {}),
    }


def netns_lab_config(
    paths: int, active: int | None = None, stack_settings: Mapping[str, object] | None = None, routers: int = 2
) -> LabConfig:
    return parse_lab_config(netns_lab_settings(paths, active, stack_settings, routers))


def netns_lab_plan(
    paths: int, active: int | None = None, stack: str = "netns", routers: int = 2, stack_settings: Mapping[str, object] | None = None
) -> LabPlan:
    return build_plan(netns_lab_config(paths, active, stack_settings, routers), "zt-ecmp", stack)
