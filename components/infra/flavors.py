"""Which component builds each router flavor: one entry each (components/model/flavors.py says what
each can do; components/render/ renders their text). The instances on Docker engines are built before
the routers, path after path, by components/infra/rolling.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import assert_never, get_args

import pulumi

from components.infra.connection import RouterConnection
from components.infra.docker_runtime import ZeroTierInstance
from components.infra.linux_router import LinuxRouter, linux_router_args
from components.infra.vyos_router import VyosRouter, instance_homes, vyos_router_args
from components.infra.zerotier_path import ZeroTierPath
from components.model.flavors import RouterFlavor, runtime
from components.model.naming import router_resource
from components.model.plan import LabPlan, RouterPlan
from components.render.zerotier import introduced_routers


@dataclass(frozen=True)
class RouterContext:
    """What a router's component is built from: the plan, the router, its SSH key, and the ZeroTier
    resources the program made before it (the paths, and the router's Docker instances if any)."""

    plan: LabPlan
    router: RouterPlan
    private_key: pulumi.Output[str] | None
    paths: Mapping[int, ZeroTierPath]
    instances: Mapping[int, ZeroTierInstance]
    # What the router's commands run after besides its own instances: the last path's gates, so that
    # its routes are applied once every path is back (components/infra/rolling.py).
    after: Sequence[pulumi.Resource] = ()
    # Every path's instance keys on Docker engines, by path then router: what a Linux apply records
    # for the drains to compare with.
    instance_keys: Mapping[int, Mapping[str, pulumi.Output[str]]] = field(default_factory=dict)

    @property
    def connection(self) -> RouterConnection:
        return RouterConnection(self.router.ssh, self.private_key)

    def waits_for(self) -> list[pulumi.Resource]:
        """The router's containers (runtime docker), its members on every path network, and ``after``."""
        members = [path.members[self.router.name] for path in self.paths.values() if self.router.name in path.members]
        return [*self.instances.values(), *members, *self.after]

    def instance_ids(self) -> dict[int, pulumi.Input[str]]:
        return {index: instance.container.id for index, instance in self.instances.items()}


def vyos_router(context: RouterContext) -> pulumi.ComponentResource:
    plan, router = context.plan, context.router
    # Runtime vyos: the router runs the instances itself, from homes written before its commit.
    runs_instances = not runtime(router.runtime).runs_own_instances
    network_ids = {index: path.network_id for index, path in context.paths.items()} if runs_instances else None
    homes = (
        instance_homes(
            plan,
            router,
            network_ids or {},
            {index: path.identities[router.name] for index, path in context.paths.items() if router.name in path.identities},
            {
                index: peers
                for index, path in context.paths.items()
                if (peers := path.node_ids(introduced_routers(plan, router.name))) is not None
            },
        )
        if runs_instances
        else []
    )
    args = vyos_router_args(
        plan,
        router,
        context.connection,
        network_ids=network_ids,
        instance_ids=context.instance_ids(),
        homes=homes,
        depends_on=context.waits_for(),
    )
    return VyosRouter(router_resource(router.name, router.flavor), args)


def linux_router(context: RouterContext) -> pulumi.ComponentResource:
    router = context.router
    args = linux_router_args(
        context.plan,
        router,
        context.connection,
        instance_ids=context.instance_ids(),
        instance_keys=context.instance_keys,
        depends_on=context.waits_for(),
    )
    return LinuxRouter(router_resource(router.name, router.flavor), args)


RouterComponent = Callable[[RouterContext], pulumi.ComponentResource]


def _router_component(flavor: RouterFlavor) -> RouterComponent:
    # One case per value of RouterFlavor, ending in assert_never: a flavor added to the Literal fails
    # the type check (mypy --strict) until it has its component here.
    match flavor:
        case "vyos":
            return vyos_router
        case "linux":
            return linux_router
        case _:
            assert_never(flavor)


ROUTER_COMPONENTS: Mapping[RouterFlavor, RouterComponent] = MappingProxyType(
    {flavor: _router_component(flavor) for flavor in get_args(RouterFlavor)}
)
