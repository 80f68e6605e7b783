"""The whole lab as a Pulumi program: settings -> plan -> component resources -> outputs."""

from __future__ import annotations

from typing import Any

import pulumi

from components.linux_router import LinuxRouter, LinuxRouterArgs
from components.outputs import plan_outputs
from components.plan import LabPlan, build_plan
from components.stack_settings import StackSettings, read_stack_settings, ssh_private_keys
from components.vyos_router import VyosRouter, VyosRouterArgs
from components.zerotier_instance import ZeroTierHost, ZeroTierHostArgs, ZeroTierInstance, ZeroTierInstanceArgs
from components.zerotier_path import ZeroTierPath, ZeroTierPathArgs


def deploy(plan: LabPlan, settings: StackSettings) -> dict[str, Any]:
    """Register every resource of the lab; returns the stack outputs."""
    keys = ssh_private_keys(settings)
    paths = {path.index: ZeroTierPath(f"path{path.index}", ZeroTierPathArgs(path=path, stack=plan.stack)) for path in plan.paths}
    instances: dict[str, list[pulumi.Resource]] = {router.name: [] for router in plan.routers}
    for router in plan.routers:
        if router.runtime != "docker":
            continue
        host = ZeroTierHost(f"{router.name}-zerotier", ZeroTierHostArgs(router=router, image=plan.zerotier.image))
        for path in plan.paths:
            instance = ZeroTierInstance(
                f"{router.name}-path{path.index}",
                ZeroTierInstanceArgs(
                    plan=plan,
                    router=router.name,
                    path_index=path.index,
                    network_id=paths[path.index].network_id,
                    host=host,
                    identity=paths[path.index].identities.get(router.name),
                ),
                opts=pulumi.ResourceOptions(parent=host),
            )
            instances[router.name].append(instance)
    for router in plan.routers:
        if router.flavor == "linux":
            # The route names the path interfaces, which exist once the instances have joined.
            LinuxRouter(
                f"{router.name}-linux",
                LinuxRouterArgs.from_plan(plan, router.name, keys.get(router.name), depends_on=instances[router.name]),
            )
            continue
        on_vyos = router.runtime == "vyos"
        VyosRouter(
            f"{router.name}-vyos",
            VyosRouterArgs.from_plan(
                plan,
                router.name,
                keys.get(router.name),
                network_ids={index: path.network_id for index, path in paths.items()} if on_vyos else None,
                identities={index: path.identities.get(router.name) for index, path in paths.items()} if on_vyos else None,
            ),
        )
    outputs = plan_outputs(plan)
    outputs["networkIds"] = {f"path{index}": path.network_id for index, path in paths.items()}
    return outputs


def run() -> None:
    """Entry point of ``__main__.py``."""
    settings = read_stack_settings()
    plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
    for key, value in deploy(plan, settings).items():
        pulumi.export(key, value)
