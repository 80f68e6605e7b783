"""Values the settings imply: ports, interface names, floating IPs, CPUs per instance.

The plan is built from them and the cross-checks judge them; both ask here, so each is derived once.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from components.model.settings.schema import FLOATING_NETWORK, LabConfig

# The longest prefix a path subnet may have: two routers on a point-to-point /30.
LONGEST_PATH_PREFIX = 30


def cpus_per_instance(config: LabConfig) -> int:
    zt = config.zerotier
    if zt.cpus_per_instance is not None:
        return zt.cpus_per_instance
    if zt.mode == "multicore":
        return max(1, min(len(router.cpus) for router in config.routers) or config.hardware.logical_cpus)
    return 1


def path_ports(config: LabConfig) -> tuple[int, ...]:
    zt = config.zerotier
    if zt.ports is not None:
        return zt.ports
    return tuple(zt.base_port + index for index in range(1, config.path_count + 1))


def path_interfaces(config: LabConfig) -> tuple[str, ...]:
    zt = config.zerotier
    if zt.interfaces is not None:
        return zt.interfaces
    return tuple(f"{zt.interface_prefix}{index}" for index in range(1, config.path_count + 1))


def path_interface_prefix(config: LabConfig) -> str:
    """The longest prefix all path interfaces share: at least "zt", since every name must start with it."""
    names = path_interfaces(config)
    length = 0
    while all(len(name) > length and name[length] == names[0][length] for name in names):
        length += 1
    return names[0][:length]


def site_numbers(config: LabConfig) -> tuple[int, ...]:
    """Each router's site number k, in router order: its ``siteNumber``, or its place in the list (1-based).

    Router k takes the k-th host address of every path subnet and, unless ``floatingIp`` says otherwise,
    the k-th address of FLOATING_NETWORK: a router that keeps its number keeps its addresses when a
    router listed before it leaves.
    """
    return tuple(router.site_number or position + 1 for position, router in enumerate(config.routers))


def planned_sites(config: LabConfig) -> int:
    """How many sites each path's subnet is sized for: ``addressing.plannedSites``, or else the highest
    site number (the number of routers, unless a ``siteNumber`` says more)."""
    return config.addressing.planned_sites or max(site_numbers(config))


def floating_ips(config: LabConfig) -> tuple[ipaddress.IPv4Interface, ...]:
    """Each router's floating /32, in router order: its own setting, or its site number's default."""
    numbers = site_numbers(config)
    return tuple(router.floating_ip or default_floating_ip(number) for router, number in zip(config.routers, numbers, strict=True))


def default_floating_ip(site_number: int) -> ipaddress.IPv4Interface:
    """Site ``site_number``'s default floating /32: the site_number-th address of FLOATING_NETWORK."""
    return ipaddress.IPv4Interface(f"{FLOATING_NETWORK.network_address + site_number}/32")


def path_prefix_length(sites: int) -> int:
    """Each path's subnet holds one host address per site: /30 for 2, /29 up to 6, /28 up to 14, /27 up to 30."""
    prefix = LONGEST_PATH_PREFIX
    while 2 ** (32 - prefix) - 2 < sites:
        prefix -= 1
    return prefix


def underlay_networks(config: LabConfig) -> list[tuple[str, ipaddress.IPv4Network]]:
    """(setting, network) of each router's underlay address."""
    return [(f"routers[{position}].underlay.address", router.underlay.address.network) for position, router in enumerate(config.routers)]


def management_addresses(config: LabConfig) -> list[tuple[str, ipaddress.IPv4Address]]:
    """(setting, address) of every way in to the routers that is an IPv4 address: SSH hosts and Docker endpoints."""
    found = []
    for position, router in enumerate(config.routers):
        for setting, host in (("ssh.host", router.ssh.host), ("dockerHost", _endpoint_host(router.docker_host))):
            address = _ipv4(host)
            if address is not None:
                found.append((f"routers[{position}].{setting}", address))
    return found


def _endpoint_host(endpoint: str | None) -> str | None:
    """The host of a Docker endpoint (``ssh://user@host:port``, ``tcp://host:port``); None for ``unix://`` or none."""
    if endpoint is None:
        return None
    try:
        return urlsplit(endpoint).hostname
    except ValueError:
        return None


def _ipv4(host: str | None) -> ipaddress.IPv4Address | None:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return None
    return address if isinstance(address, ipaddress.IPv4Address) else None
