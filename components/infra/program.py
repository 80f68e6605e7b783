"""The whole lab as a Pulumi program: settings -> plan -> component resources -> outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from components.infra.connection import RouterConnection
from components.infra.container_reclaim import check_reclaim_tools
from components.infra.docker_runtime import check_docker_environment
from components.infra.flavors import ROUTER_COMPONENTS, RouterContext
from components.infra.rolling import DRAINS, DrainScript, GateScript, rolled_instances
from components.infra.zerotier_path import ZeroTierPath, ZeroTierPathArgs
from components.model.flavors import RouterFlavor
from components.model.naming import path_resource
from components.model.plan import LabPlan, build_plan
from components.model.settings import ConfigError
from components.render.plan_document import plan_document, settings_document
from components.stack.runtime import read_stack_settings, ssh_private_keys
from components.stack.settings import StackSettings


def deploy(
    plan: LabPlan, settings: StackSettings, drains: Mapping[RouterFlavor, tuple[DrainScript, GateScript]] = DRAINS
) -> dict[str, Any]:
    """Register every resource of the lab; returns the stack outputs. ``drains``: the router flavors
    whose routes take a path out while its instances restart (components/infra/rolling.py)."""
    keys = ssh_private_keys(settings)
    separated = plan.separated_pairs()
    paths = {
        path.index: ZeroTierPath(path_resource(path.index), ZeroTierPathArgs(path=path, stack=plan.stack, separated=separated))
        for path in plan.paths
    }
    connections = {router.name: RouterConnection(router.ssh, keys.get(router.name)) for router in plan.routers}
    rolled = rolled_instances(plan, paths, connections, drains)
    by_path = {path.index: {name: per_path[path.index] for name, per_path in rolled.keys.items()} for path in plan.paths}
    for router in plan.routers:
        instances = rolled.instances.get(router.name, {})
        context = RouterContext(plan, router, keys.get(router.name), paths, instances, rolled.last_gates, by_path)
        ROUTER_COMPONENTS[router.flavor](context)
    # Plain data from the plan, free of secrets by construction, and the ids only Central knows.
    outputs = plan_document(plan)
    outputs["networkIds"] = {path_resource(index): path.network_id for index, path in paths.items()}
    # The validated settings, so that the lab tools check the lab as deployed, not as the stack file now says.
    outputs["settings"] = settings_document(settings.lab)
    return outputs


def run() -> None:
    """Entry point of ``__main__.py``."""
    try:
        settings = read_stack_settings()
        plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
        check_docker_environment(plan)
        if not pulumi.runtime.is_dry_run():
            # A preview never runs the hooks that need it.
            check_reclaim_tools(plan)
    except ConfigError as error:
        # Pulumi's Python language host prints a RunError's message alone, any other exception with
        # its traceback (sdk/python/cmd/pulumi-language-python-exec: `except pulumi.RunError`).
        raise pulumi.RunError(str(error)) from None
    for key, value in deploy(plan, settings).items():
        pulumi.export(key, value)
