"""Stack outputs derived from the plan: plain data, free of secrets by construction."""

from __future__ import annotations

from typing import Any

from components.model.figures import PUBLISHED_STREAMS
from components.model.plan import LabPlan, PathPlan


def path_output(path: PathPlan) -> dict[str, Any]:
    return {
        "index": path.index,
        "subnet": str(path.subnet),
        "active": path.active,
        "networkName": path.network_name,
        "ends": {
            end.router: {
                "address": str(end.address.ip),
                "port": end.port,
                "interface": end.interface,
                "cpus": list(end.cpus),
            }
            for end in path.ends
        },
    }


def iperf3_commands(plan: LabPlan) -> dict[str, str]:
    """The reference test: server on the second router, client bound to the first's floating IP."""
    client, server = plan.routers
    return {
        "server": f"{server.name}: iperf3 -s -B {server.floating_ip.ip}",
        "client": f"{client.name}: iperf3 -c {server.floating_ip.ip} -B {client.floating_ip.ip} -P {PUBLISHED_STREAMS} -t 10",
    }


def plan_outputs(plan: LabPlan) -> dict[str, Any]:
    capacity = plan.capacity
    return {
        "paths": [path_output(path) for path in plan.paths],
        "routers": {
            router.name: {
                "floatingIp": str(router.floating_ip.ip),
                "flavor": router.flavor,
                "runtime": router.runtime,
                "nextHops": [str(hop.address) for hop in router.next_hops],
                "activeNextHops": [str(hop.address) for hop in router.active_next_hops],
            }
            for router in plan.routers
        },
        "scalingMode": plan.zerotier.mode,
        "scalingModeNote": plan.mode_note,
        "capacity": {
            "estimatedGbps": capacity.estimated_gbps,
            "linkGbps": capacity.link_gbps,
            "limitedBy": capacity.limited_by,
            "activePaths": capacity.active_paths,
        },
        "iperf3": iperf3_commands(plan),
    }
