"""The plan as one JSON document: what the stack outputs and the plan report's JSON both show.

camelCase keys, as Pulumi outputs use them; addresses as text. Free of secrets by construction: the
plan holds none.
"""

from __future__ import annotations

from typing import Any

from components.model.figures import PUBLISHED_STREAMS
from components.model.plan import LabPlan, PathPlan, RoutePlan, RouterPlan
from components.model.settings import LabConfig


def path_document(path: PathPlan) -> dict[str, Any]:
    return {
        "index": path.index,
        "subnet": str(path.subnet),
        "active": path.active,
        "networkName": path.network_name,
        "ends": {
            end.router: {"address": str(end.address.ip), "port": end.port, "interface": end.interface, "cpus": list(end.cpus)}
            for end in path.ends.values()
        },
    }


def route_document(route: RoutePlan) -> dict[str, Any]:
    document: dict[str, Any] = {
        "destination": str(route.destination),
        "peer": route.peer,
        "nextHops": [
            {"address": str(hop.address), "path": hop.path_index, "interface": hop.interface, "active": hop.active}
            for hop in route.next_hops
        ],
    }
    if route.via is not None:
        document["via"] = route.via
    return document


def router_document(router: RouterPlan) -> dict[str, Any]:
    return {
        "name": router.name,
        "flavor": router.flavor,
        "runtime": router.runtime,
        "floatingIp": str(router.floating_ip),
        "routes": [route_document(route) for route in router.routes],
    }


def routing_document(plan: LabPlan) -> dict[str, Any]:
    bfd = plan.routing.bfd
    return {
        "bfd": {
            "enabled": bfd.enabled,
            "intervalMs": bfd.interval_ms,
            "multiplier": bfd.multiplier,
            "detectionMs": bfd.detection_ms,
            "profile": bfd.profile,
        },
        "linuxRoutes": plan.routing.linux_routes,
    } | _topology_document(plan)


def _topology_document(plan: LabPlan) -> dict[str, Any]:
    topology: dict[str, Any] = {"topology": plan.routing.topology}
    if plan.routing.hub is not None:
        topology["hub"] = plan.routing.hub
    return topology


def _all_busy_document(plan: LabPlan) -> dict[str, Any]:
    """Every router sending to every other at once: what each router sends in total, and each pair gets."""
    capacity = plan.capacity
    document: dict[str, Any] = {
        "routerGbps": capacity.all_busy_router_gbps,
        "pairGbps": capacity.pair_gbps(all_busy=True),
    }
    if capacity.through_hub:
        document["spokePairAloneGbps"] = capacity.pair_gbps(all_busy=False, spokes=True)
    return {"allPairsBusy": document}


def iperf3_commands(plan: LabPlan) -> dict[str, str]:
    """The reference test: server on the second router, client bound to the first's floating IP."""
    client, server = plan.routers[0], plan.routers[1]
    return {
        "server": f"{server.name}: iperf3 -s -B {server.floating_ip.ip}",
        "client": f"{client.name}: iperf3 -c {server.floating_ip.ip} -B {client.floating_ip.ip} -P {PUBLISHED_STREAMS} -t 10",
    }


def plan_document(plan: LabPlan) -> dict[str, Any]:
    capacity = plan.capacity
    return {
        "project": plan.project,
        "stack": plan.stack,
        "hardware": plan.hardware_model,
        "scalingMode": {"mode": plan.zerotier.mode, "note": plan.mode_note, "concurrency": plan.zerotier.concurrency},
        "paths": [path_document(path) for path in plan.paths],
        "routers": [router_document(router) for router in plan.routers],
        "routing": routing_document(plan),
        "capacity": {
            "estimatedGbps": capacity.estimated_gbps,
            "limitedBy": capacity.limited_by,
            "linkGbps": capacity.link_gbps,
            "linkGoodputGbps": capacity.link_goodput_gbps,
            "instanceGbps": capacity.instance_gbps,
            "activePaths": capacity.active_paths,
        }
        | _all_busy_document(plan),
        "iperf3": iperf3_commands(plan),
    }


def settings_document(config: LabConfig) -> dict[str, Any]:
    """The stack's ``zt-ecmp:`` settings as validated, defaults filled in: what the lab tools rebuild the
    deployed plan from (``parse_lab_config`` takes it back as it is). Keys as in the stack file; a setting
    left unset (None) is left out. Free of secrets: the settings name the secret holding a key, never the key.
    """
    document: dict[str, Any] = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    return document
