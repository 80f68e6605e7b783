"""The infra layer's tables have one entry per router flavor the model knows."""

from __future__ import annotations

from typing import get_args

from components.infra.flavors import ROUTER_COMPONENTS, linux_router, vyos_router
from components.infra.rolling import DRAINS
from components.model.flavors import RouterFlavor


def test_every_router_flavor_has_its_component() -> None:
    assert dict(ROUTER_COMPONENTS) == {"vyos": vyos_router, "linux": linux_router}
    assert sorted(ROUTER_COMPONENTS) == sorted(get_args(RouterFlavor))


def test_only_linux_routers_drain_a_path_before_its_instances_restart() -> None:
    assert sorted(DRAINS) == ["linux"]
