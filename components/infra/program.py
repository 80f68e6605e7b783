"""The whole lab as a Pulumi program: settings -> plan -> component resources -> outputs."""

from __future__ import annotations

from typing import Any

import pulumi

from components.infra.docker_runtime import check_docker_environment
from components.infra.flavors import ROUTER_COMPONENTS, RUNTIME_INSTANCES, RouterContext
from components.infra.zerotier_path import ZeroTierPath, ZeroTierPathArgs
from components.model.naming import path_resource
from components.model.plan import LabPlan, build_plan
from components.render.plan_document import plan_document, settings_document
from components.stack.runtime import read_stack_settings, ssh_private_keys
from components.stack.settings import StackSettings


def deploy(plan: LabPlan, settings: StackSettings) -> dict[str, Any]:
    """Register every resource of the lab; returns the stack outputs."""
    keys = ssh_private_keys(settings)
    separated = plan.separated_pairs()
    paths = {
        path.index: ZeroTierPath(path_resource(path.index), ZeroTierPathArgs(path=path, stack=plan.stack, separated=separated))
        for path in plan.paths
    }
    for router in plan.routers:
        build_instances = RUNTIME_INSTANCES.get(router.runtime)
        instances = build_instances(plan, router, paths) if build_instances is not None else {}
        ROUTER_COMPONENTS[router.flavor](RouterContext(plan, router, keys.get(router.name), paths, instances))
    # Plain data from the plan, free of secrets by construction, and the ids only Central knows.
    outputs = plan_document(plan)
    outputs["networkIds"] = {path_resource(index): path.network_id for index, path in paths.items()}
    # The validated settings, so that the lab tools check the lab as deployed, not as the stack file now says.
    outputs["settings"] = settings_document(settings.lab)
    return outputs


def run() -> None:
    """Entry point of ``__main__.py``."""
    settings = read_stack_settings()
    plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
    check_docker_environment(plan)
    for key, value in deploy(plan, settings).items():
        pulumi.export(key, value)
