"""Files each zerotier-one instance finds in its home directory: local.conf and devicemap."""

from __future__ import annotations

import json
from typing import Any

from components.plan import LabPlan, PathEnd

# The local API is never opened beyond the router itself.
LOCALHOST_ONLY = ("127.0.0.1/32", "::1/128")
# zerotier-one's UDP payload is the underlay MTU less the IPv4 and UDP headers, within what it accepts.
IP_UDP_HEADERS = 28
ZEROTIER_PHYSICAL_MTU = (1400, 10324)


def local_conf_settings(plan: LabPlan, end: PathEnd) -> dict[str, Any]:
    """The ``settings`` object for one instance, before serialisation (handy for assertions)."""
    zt = plan.zerotier
    blacklist = [zt.path_interface_prefix, *(prefix for prefix in zt.blacklist_prefixes if prefix != zt.path_interface_prefix)]
    settings: dict[str, Any] = {
        "primaryPort": end.port,
        # One known port per instance: no random secondary port, no UPnP/NAT-PMP mapping, and no
        # relaying over TCP through a public relay when UDP looks blocked.
        "allowSecondaryPort": False,
        "portMappingEnabled": False,
        "allowTcpFallbackRelay": False,
        "allowManagementFrom": list(LOCALHOST_ONLY),
        "interfacePrefixBlacklist": blacklist,
    }
    if zt.mode != "multi-instance":
        settings["multicoreEnabled"] = True
        settings["concurrency"] = zt.concurrency
        # With a cpuset from the plan the container is already confined; zerotier-one's own pinning
        # would try CPUs outside that set.
        settings["cpuPinningEnabled"] = not end.cpus
    return settings


def render_local_conf(plan: LabPlan, router: str, path_index: int) -> str:
    """local.conf for the instance of ``router`` on path ``path_index``, as deterministic JSON."""
    end = plan.path(path_index).end(router)
    # The overlay must never become an underlay: blacklist the transit /30s and both floating IPs.
    physical: dict[str, dict[str, Any]] = {str(plan.transit_supernet): {"blacklist": True}}
    for each in plan.routers:
        physical[str(each.floating_ip.network)] = {"blacklist": True}
    router_plan = plan.router(router)
    if router_plan.underlay_network is not None and router_plan.underlay_tuning.mtu is not None:
        # Without this, zerotier-one keeps to 1432-byte packets however large the underlay's frames are.
        low, high = ZEROTIER_PHYSICAL_MTU
        physical[str(router_plan.underlay_network)] = {"mtu": max(low, min(high, router_plan.underlay_tuning.mtu - IP_UDP_HEADERS))}
    document = {"physical": physical, "virtual": {}, "settings": local_conf_settings(plan, end)}
    return json.dumps(document, indent=2) + "\n"


def render_devicemap(network_id: str, interface: str) -> str:
    """devicemap: makes zerotier-one name the network's tap interface as planned."""
    return f"{network_id}={interface}\n"
