"""Files each zerotier-one instance finds in its home directory: local.conf and devicemap.

What each ``local.conf`` setting does was read from zerotier-one's own source (1.14),
``service/OneService.cpp`` unless named otherwise; the comments below say which behaviour each one
relies on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from components.model.plan import LabPlan, PathEnd, RouterPlan

# Who may use the local API. It listens on every address whatever this says (0.0.0.0 and :: on the
# primary port, in startHTTPControlPlane): this only decides who is answered with 401. Closing the
# port to the network is the firewall's job (routing.openFirewall on VyOS; the README for Linux).
LOCALHOST_ONLY = ("127.0.0.1/32", "::1/128")


def local_conf_settings(plan: LabPlan, end: PathEnd) -> dict[str, Any]:
    """The ``settings`` object for one instance, before serialisation (handy for assertions)."""
    zt = plan.zerotier
    blacklist = [zt.path_interface_prefix, *(prefix for prefix in zt.blacklist_prefixes if prefix != zt.path_interface_prefix)]
    settings: dict[str, Any] = {
        "primaryPort": end.port,
        # One known port per instance. allowSecondaryPort alone does not hold: once no root has been
        # heard for a while, the main loop picks a random secondary port (and keeps moving it) unless
        # secondaryPort is set; set to the primary port, the two collapse into one binding.
        "secondaryPort": end.port,
        "allowSecondaryPort": False,
        # No UPnP/NAT-PMP mapping (the tertiary port), and no relaying over TCP through a public relay
        # when UDP looks blocked.
        "portMappingEnabled": False,
        "allowTcpFallbackRelay": False,
        "allowManagementFrom": list(LOCALHOST_ONLY),
        # The underlay and nothing else: with explicit bind addresses the Binder (osdep/Binder.hpp)
        # binds exactly those, never the router's management or LAN interfaces.
        "bind": [str(plan.router(end.router).underlay_address.ip)],
        # Not needed while bind holds; kept so that no instance can ever pick a path interface, a
        # tunnel or a container bridge should the bind list be emptied by hand.
        "interfacePrefixBlacklist": blacklist,
    }
    if zt.mode != "multi-instance":
        settings["multicoreEnabled"] = True
        settings["concurrency"] = zt.concurrency
        # cpuPinningEnabled pins the tap's receive thread i of every instance to core i of the box
        # (osdep/LinuxEthernetTap.cpp: an absolute core, not one of the instance's allowed CPUs, and
        # exit(1) if that fails; node/PacketMultiplexer.cpp never pins its own threads). Only a single
        # unpinned multicore instance gains from that; N hybrid instances would all crowd onto the
        # same first cores, and a pinned instance (a cpuset) may not even be allowed those cores.
        settings["cpuPinningEnabled"] = zt.mode == "multicore" and not end.cpus
    return settings


def introduced_routers(plan: LabPlan, router: str) -> tuple[RouterPlan, ...]:
    """The routers an instance of ``router`` is told of in its local.conf: those listed before it.

    One rule for every number of routers, because a changed local.conf restarts an instance: what an
    instance is told must not depend on routers added after its own, so that adding a site at the end
    of the list (or removing the last one) leaves every other site's instances running.
    - ``virtual``: each newcomer calls on the routers already there (its ``try`` hints); they learn the
      newcomer's address from its HELLO and answer on it, so every pair still meets directly without a
      root server.
    - ``physical``: every pair of instances has one end that blacklists both floating IPs, the later
      router's. zerotier-one checks that list against the remote address of every path and the local
      address of every socket (service/OneService.cpp: ``_globalV4Blacklist`` in nodePathCheckFunction
      and shouldBindInterface); a path over a floating IP would need the later end to bind its own
      floating IP or to accept a path to the earlier one's, which its list forbids.
    """
    return plan.routers[: plan.router(router).position]


def render_local_conf(plan: LabPlan, router: str, path_index: int, peer_node_ids: Mapping[str, str] | None = None) -> str:
    """local.conf for the instance of ``router`` on path ``path_index``, as deterministic JSON.

    With the node ids of the other routers' instances on the path (``peer_node_ids``, by router; known
    where the lab manages identities), the instance is told where to find those of ``introduced_routers``
    on the underlay, so they meet directly even when no root server can be reached. Ids of any other
    router are ignored.
    """
    path = plan.path(path_index)
    end = path.end(router)
    introduced = introduced_routers(plan, router)
    # The overlay must never become an underlay: blacklist the transit supernet and the floating IPs.
    # No MTU entry, ever: zerotier-one receives at most 1500 bytes per UDP datagram on Linux
    # (osdep/Phy.hpp, RECVMMSG_BUF_SIZE), so telling it that a jumbo underlay may carry bigger
    # datagrams makes the receiving instance cut and drop every one of them.
    never_underlay = (plan.transit_supernet, *(other.floating_ip.network for other in (*introduced, plan.router(router))))
    physical: dict[str, dict[str, Any]] = {str(network): {"blacklist": True} for network in never_underlay}
    virtual: dict[str, dict[str, Any]] = {}
    for peer in introduced:
        if peer_node_ids and peer.name in peer_node_ids:
            virtual[peer_node_ids[peer.name]] = {"try": [f"{peer.underlay_address.ip}/{path.end(peer.name).port}"]}
    document = {"physical": physical, "virtual": virtual, "settings": local_conf_settings(plan, end)}
    return json.dumps(document, indent=2) + "\n"


def render_devicemap(network_id: str, interface: str) -> str:
    """devicemap: makes zerotier-one name the network's tap interface as planned."""
    return f"{network_id}={interface}\n"
