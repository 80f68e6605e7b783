"""The whole lab as a Pulumi program: settings -> plan -> component resources -> outputs."""

from __future__ import annotations

from typing import Any

import pulumi

from components.infra.linux_router import LinuxRouter, LinuxRouterArgs
from components.infra.vyos_router import VyosRouter, VyosRouterArgs
from components.infra.zerotier_instance import (
    ZeroTierHost,
    ZeroTierHostArgs,
    ZeroTierInstance,
    ZeroTierInstanceArgs,
    check_docker_environment,
)
from components.infra.zerotier_path import ZeroTierPath, ZeroTierPathArgs
from components.model.naming import host_resource, instance_resource, path_resource, router_resource
from components.model.plan import LabPlan, build_plan
from components.render.plan_document import plan_document
from components.stack.runtime import read_stack_settings, ssh_private_keys
from components.stack.settings import StackSettings


def deploy(plan: LabPlan, settings: StackSettings) -> dict[str, Any]:
    """Register every resource of the lab; returns the stack outputs."""
    keys = ssh_private_keys(settings)
    paths = {path.index: ZeroTierPath(path_resource(path.index), ZeroTierPathArgs(path=path, stack=plan.stack)) for path in plan.paths}

    def peer_node_ids(router: str) -> dict[int, dict[str, pulumi.Output[str]]]:
        """Per path, the node ids of the other routers' instances (where the lab manages identities)."""
        return {
            index: {name: identity.node_id for name, identity in path.identities.items() if name != router}
            for index, path in paths.items()
            if path.identities
        }

    def members(router: str) -> list[pulumi.Resource]:
        return [path.members[router] for path in paths.values() if router in path.members]

    containers: dict[str, dict[int, ZeroTierInstance]] = {router.name: {} for router in plan.routers}
    for router in plan.routers:
        if router.runtime != "docker":
            continue
        host = ZeroTierHost(host_resource(router.name), ZeroTierHostArgs(router=router, image=plan.zerotier.image))
        peers = peer_node_ids(router.name)
        for path in plan.paths:
            containers[router.name][path.index] = ZeroTierInstance(
                instance_resource(router.name, path.index),
                ZeroTierInstanceArgs(
                    plan=plan,
                    router=router.name,
                    path_index=path.index,
                    network_id=paths[path.index].network_id,
                    host=host,
                    identity=paths[path.index].identities.get(router.name),
                    peer_node_ids=peers.get(path.index, {}),
                    depends_on=[paths[path.index].members[router.name]] if router.name in paths[path.index].members else [],
                ),
                opts=pulumi.ResourceOptions(parent=host),
            )
    for router in plan.routers:
        instances = containers[router.name]
        instance_ids = {index: instance.container.id for index, instance in instances.items()}
        if router.flavor == "linux":
            # The route names the path interfaces, which exist once the instances have joined.
            LinuxRouter(
                router_resource(router.name, router.flavor),
                LinuxRouterArgs.from_plan(
                    plan,
                    router.name,
                    keys.get(router.name),
                    depends_on=[*instances.values(), *members(router.name)],
                    instance_ids=instance_ids,
                ),
            )
            continue
        on_vyos = router.runtime == "vyos"
        VyosRouter(
            router_resource(router.name, router.flavor),
            VyosRouterArgs.from_plan(
                plan,
                router.name,
                keys.get(router.name),
                network_ids={index: path.network_id for index, path in paths.items()} if on_vyos else None,
                identities={index: path.identities.get(router.name) for index, path in paths.items()} if on_vyos else None,
                peer_node_ids=peer_node_ids(router.name) if on_vyos else None,
                instance_ids=instance_ids,
                depends_on=[*instances.values(), *members(router.name)],
            ),
        )
    # Plain data from the plan, free of secrets by construction, and the ids only Central knows.
    outputs = plan_document(plan)
    outputs["networkIds"] = {f"path{index}": path.network_id for index, path in paths.items()}
    return outputs


def run() -> None:
    """Entry point of ``__main__.py``."""
    settings = read_stack_settings()
    plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
    check_docker_environment(plan)
    for key, value in deploy(plan, settings).items():
        pulumi.export(key, value)
