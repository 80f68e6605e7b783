"""What a path tells each router's instance of the others: the node ids of the routers before it, at a cost that grows with M, not M x M."""

from __future__ import annotations

from typing import Any

import pulumi

from components.infra.zerotier_path import ZeroTierPath, ZeroTierPathArgs
from components.model.naming import path_member_resource
from components.model.plan import LabPlan
from components.preview.offline import LabMocks, register_offline
from components.render.zerotier import introduced_routers
from tests.support.output_count import counting_outputs
from tests.support.stacks import sized_plan


def _node_id(router: str) -> str:
    node_id, _ = LabMocks().new_resource(
        pulumi.runtime.MockResourceArgs("zerotier:index/identity:Identity", path_member_resource(1, router), {})
    )
    assert node_id is not None
    return node_id


def _told(plan: LabPlan) -> dict[str, Any]:
    """What each router is told on path 1."""
    told: dict[str, Any] = {}

    def build() -> None:
        path = ZeroTierPath("path1", ZeroTierPathArgs(path=plan.path(1), stack="bench"))
        for router in plan.routers:
            if (ids := path.node_ids(introduced_routers(plan, router.name))) is not None:
                ids.apply(lambda known, name=router.name: told.__setitem__(name, known))  # type: ignore[misc]

    register_offline(build)
    return told


def _outputs_made(plan: LabPlan, *, telling: bool) -> int:
    """The Outputs a run with path 1 alone makes, and with every router told the node ids it needs."""

    def build() -> None:
        path = ZeroTierPath("path1", ZeroTierPathArgs(path=plan.path(1), stack="bench"))
        for router in plan.routers if telling else ():
            path.node_ids(introduced_routers(plan, router.name))

    with counting_outputs() as count:
        register_offline(build)
    return count.made


def test_each_router_is_told_the_node_ids_of_the_routers_before_it_and_no_others() -> None:
    told = _told(sized_plan(16, 1))
    assert "site1" not in told
    assert told["site3"] == {"site1": _node_id("site1"), "site2": _node_id("site2")}
    assert list(told["site16"]) == [f"site{number}" for number in range(1, 16)]


def test_telling_sixteen_routers_makes_two_outputs_per_router_not_some_per_peer() -> None:
    # 15 routers are told: the ids of each are the previous router's and one more (two Outputs; the
    # first router's, one). Gathering each router's peers anew, Output.all over them, made 255 for
    # the 120 peers of those 15 routers.
    plan = sized_plan(16, 1)
    assert _outputs_made(plan, telling=True) - _outputs_made(plan, telling=False) == 2 * 15 - 1
