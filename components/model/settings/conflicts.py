"""What a value of the settings collides with: the reserved ranges and ports, and the conflicts of a
transit supernet, a floating IP or a port with the rest of one configuration.

The cross-checks (components/model/settings/checks.py) report these conflicts; the free-value search
(components/model/settings/free_values.py) looks for values that have none.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from components.model.settings.derived import (
    floating_ips,
    management_addresses,
    path_prefix_length,
    planned_sites,
    underlay_networks,
)
from components.model.settings.schema import MAX_ROUTERS, LabConfig

# Addresses no floating IP or transit supernet may use: none of them is a unicast address a router can own
# and route to the other router. The broadcast address comes first so that it is named for what it is.
SPECIAL_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (ipaddress.IPv4Network("255.255.255.255/32"), "the limited broadcast address"),
    (ipaddress.IPv4Network("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local (169.254.0.0/16)"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
    (ipaddress.IPv4Network("240.0.0.0/4"), "reserved (240.0.0.0/4)"),
)

# Ports a router may already serve, which no path may take: each instance binds its port for UDP and for its
# local API on TCP, so a service on either protocol clashes. Curated: what VyOS or a lab router runs, and
# what this lab itself uses.
RESERVED_PORTS: Mapping[int, str] = {
    22: "SSH",
    53: "DNS (a router's forwarder or resolver)",
    67: "DHCP servers",
    68: "DHCP clients (a router that takes its address by DHCP)",
    123: "NTP, which VyOS serves and uses by default",
    161: "SNMP",
    162: "SNMP traps",
    179: "BGP",
    443: "VyOS's HTTPS API",
    500: "IKE (IPsec key exchange)",
    1194: "OpenVPN",
    2375: "Docker's API over TCP (a tcp:// dockerHost)",
    2376: "Docker's API over TLS (a tcp:// dockerHost)",
    3784: "BFD, which this lab runs on every path",
    3785: "BFD echo, which this lab's BFD may use",
    4500: "IKE behind NAT (IPsec)",
    4784: "multi-hop BFD",
    4789: "VXLAN",
    # components/ops/iperf.py IPERF_PORT and concurrent_ports: the sweep runs iperf3 servers on the
    # routers, one per sending router, from 5201 up (15 ports for the largest lab).
    **{5201 + offset: "iperf3, which this lab's sweep runs on the routers" for offset in range(MAX_ROUTERS - 1)},
    9993: "a system zerotier-one (its default port)",
    51820: "WireGuard (its usual port)",
}


class LabConflicts:
    """The conflicts of candidate values with one configuration."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config

    @property
    def path_prefix(self) -> int:
        """The prefix of every path's subnet: one host address per planned site."""
        return path_prefix_length(planned_sites(self.config))

    def needed_supernet_prefix(self) -> int:
        """The longest prefix whose network still holds one path subnet per path."""
        return self.path_prefix - (self.config.paths.count - 1).bit_length()

    def supernet_conflicts(self, supernet: ipaddress.IPv4Network, *, with_floating: bool = False) -> list[tuple[str, str]]:
        """(what the supernet collides with, why that breaks the lab) for everything it must stay clear of."""
        conflicts = [
            (f"overlaps {name}", "the paths need unicast addresses a router can own and route")
            for network, name in SPECIAL_RANGES
            if supernet.overlaps(network)
        ][:1]
        underlays: dict[ipaddress.IPv4Network, list[str]] = {}
        for setting, network in underlay_networks(self.config):
            if supernet.overlaps(network):
                underlays.setdefault(network, []).append(setting)
        conflicts += [
            (
                f"overlaps the underlay network {network} of {' and '.join(settings)}",
                "every instance refuses the transit supernet as a physical path, so none would send over this underlay",
            )
            for network, settings in underlays.items()
        ]
        conflicts += [
            (
                f"contains {setting} {address}",
                f"a path /{self.path_prefix} would take the route to it, and the lab would lose its way in to the router",
            )
            for setting, address in management_addresses(self.config)
            if address in supernet
        ]
        if with_floating:
            conflicts += [
                (f"contains routers[{position}].floatingIp {address.ip}", "a floating IP must lie outside the supernet")
                for position, address in enumerate(floating_ips(self.config))
                if address.ip in supernet
            ]
        return conflicts

    def floating_conflicts(self, address: ipaddress.IPv4Address) -> list[tuple[str, str]]:
        """(where the address lies, why that breaks the lab) for a floating IP, apart from the two being equal."""
        conflicts = [
            (f"is {name}", "not a unicast address a router can own and route") for network, name in SPECIAL_RANGES if address in network
        ][:1]
        supernet = self.config.addressing.transit_supernet
        if address in supernet:
            conflicts.append((f"lies inside addressing.transitSupernet {supernet}", f"the path /{self.path_prefix}s are carved from it"))
        underlays: dict[ipaddress.IPv4Network, list[str]] = {}
        for setting, network in underlay_networks(self.config):
            if address in network:
                underlays.setdefault(network, []).append(setting)
        conflicts += [
            (
                f"lies inside the underlay network {network} of {' and '.join(settings)}",
                "with every path down, traffic to it would take the underlay's own route, unencrypted and around the paths",
            )
            for network, settings in underlays.items()
        ]
        return conflicts

    def port_taken_by(self, port: int) -> str | None:
        """What on a router already listens on ``port`` (and so refuses it to an instance), or None."""
        for position, router in enumerate(self.config.routers):
            if port == router.ssh.port:
                return f"routers[{position}].ssh.port, where {router.name}'s SSH server listens"
        if port in RESERVED_PORTS:
            return f"the port of {RESERVED_PORTS[port]}"
        return None

    def port_accepted(self, port: int) -> bool:
        return 1 <= port <= 65535 and self.port_taken_by(port) is None
