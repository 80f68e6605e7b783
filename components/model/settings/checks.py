"""The cross-checks: settings valid alone but not together, each problem naming its setting.

Every problem says what was given and what would be valid; a value a problem suggests is itself
accepted (tests/test_config_errors.py follows every hint).
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Hashable, Mapping, Sequence
from urllib.parse import urlsplit

from components.model.flavors import flavor
from components.model.settings.derived import (
    cpus_per_instance,
    default_floating_ip,
    floating_ips,
    management_addresses,
    path_interface_prefix,
    path_interfaces,
    path_ports,
    path_prefix_length,
    planned_sites,
    site_numbers,
    underlay_networks,
)
from components.model.settings.problems import closest_name
from components.model.settings.schema import (
    FLOATING_NETWORK,
    HALF_DUPLEX_MAX_GBPS,
    IFNAME,
    LINK_SPEED_GBPS,
    LINUX_IFNAME_MAX,
    MAX_ROUTERS,
    MIN_ROUTERS,
    MTU_RANGE,
    ZEROTIER_IGNORED_PREFIX,
    ZEROTIER_MIN_UNDERLAY_MTU,
    ZEROTIER_NEVER_BINDS,
    ZT_DEFAULT_PHYSMTU,
    LabConfig,
    NicConfig,
    RouterConfig,
    first_duplicate,
)

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

# Where suggested transit supernets and floating IPs are looked for: the private ranges, in order.
PRIVATE_POOLS = (ipaddress.IPv4Network("10.0.0.0/8"), ipaddress.IPv4Network("172.16.0.0/12"), ipaddress.IPv4Network("192.168.0.0/16"))

# How many candidates a suggestion tries before giving up; the first few almost always fit.
SUGGESTION_CANDIDATES = 4096

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


def cross_check(config: LabConfig) -> list[str]:
    """Every problem of a schema-valid configuration, in the order a reader meets the settings."""
    checks = _CrossChecks(config)
    return [
        *checks._check_paths(),
        *checks._check_addressing(),
        *checks._check_ports_and_interfaces(),
        *checks._check_routers(),
        *checks._check_topology(),
        *checks._check_scaling(),
        *checks._check_underlay(),
        *checks._check_underlay_is_usable(),
        *checks._check_linux_routes(),
    ]


class _CrossChecks:
    """The checks and the suggestions they make, over one configuration."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config

    def _check_paths(self) -> list[str]:
        n, k = self.config.paths.count, self.config.active_paths
        if k > n:
            return [f"paths.active: {k} is more than paths.count ({n}); choose 1..{n}"]
        return []

    def _check_addressing(self) -> list[str]:
        if sites := self._check_sites():
            return sites
        return [*self._check_supernet(), *self._check_floating_ips()]

    def _free_site_number(self) -> int | None:
        """The lowest site number no router has, within plannedSites where it is set; None if there is none."""
        taken = set(site_numbers(self.config))
        limit = self.config.addressing.planned_sites or MAX_ROUTERS
        return next((number for number in range(1, limit + 1) if number not in taken), None)

    def _check_sites(self) -> list[str]:
        """plannedSites holds every router, and each router has a site number of its own within it."""
        routers, planned = self.config.routers, self.config.addressing.planned_sites
        if planned is not None and planned < len(routers):
            return [
                f"addressing.plannedSites: {planned} is fewer than the {len(routers)} routers; each needs a host address of its own "
                f"on every path subnet: use {len(routers)}..{MAX_ROUTERS}"
            ]
        numbers, free = site_numbers(self.config), self._free_site_number()
        problems: list[str] = []
        for position, router in enumerate(routers):
            if planned is not None and router.site_number is not None and router.site_number > planned:
                instead = f"use a free number such as {free}, or " if free is not None else ""
                problems.append(
                    f"routers[{position}].siteNumber: {router.site_number} is more than addressing.plannedSites ({planned}), which sizes "
                    f"the path subnets; {instead}raise addressing.plannedSites to {router.site_number}"
                )
        for later, earlier in _repeats(numbers):
            # Name the router whose number was set: a router without siteNumber takes its place in the list.
            blamed, other = (earlier, later) if routers[later].site_number is None else (later, earlier)
            implicit = " (its place in the list)" if routers[other].site_number is None else ""
            fix = f"use a free number such as {free}" if free is not None else "raise addressing.plannedSites and use a number above it"
            problems.append(
                f"routers[{blamed}].siteNumber: {numbers[blamed]} is also the site number of routers[{other}] "
                f"({routers[other].name}){implicit}; each router needs its own; {fix}"
            )
        return problems

    @property
    def _path_prefix(self) -> int:
        """The prefix of every path's subnet: one host address per planned site."""
        return path_prefix_length(planned_sites(self.config))

    def _needed_supernet_prefix(self) -> int:
        """The longest prefix whose network still holds one path subnet per path."""
        return self._path_prefix - (self.config.paths.count - 1).bit_length()

    def _supernet_conflicts(self, supernet: ipaddress.IPv4Network, *, with_floating: bool = False) -> list[tuple[str, str]]:
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
                f"a path /{self._path_prefix} would take the route to it, and the lab would lose its way in to the router",
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

    def _free_supernet(self, prefixlen: int, preferred: ipaddress.IPv4Network | None = None) -> ipaddress.IPv4Network | None:
        """A /prefixlen the lab could use instead: ``preferred`` if it fits, else the first free one of the private ranges."""
        pools = (pool.subnets(new_prefix=prefixlen) for pool in PRIVATE_POOLS if pool.prefixlen <= prefixlen)
        candidates = itertools.chain([preferred] if preferred is not None else [], *pools)
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if not self._supernet_conflicts(candidate, with_floating=True):
                return candidate
        return None

    def _supernet_hint(self, preferred: ipaddress.IPv4Network | None = None) -> str:
        """What to use instead: any network large enough that is clear of everything, and one such network, of the current
        size where one is free and of the smallest size that fits otherwise."""
        needed = self._needed_supernet_prefix()
        current = self.config.addressing.transit_supernet.prefixlen
        free = self._free_supernet(min(current, needed), preferred) or self._free_supernet(needed)
        if free is None:
            return f"use a /{needed} or larger that overlaps no underlay, management address or floating IP"
        return f"use a /{needed} or larger that overlaps nothing else the lab uses, such as {free}"

    def _check_supernet(self) -> list[str]:
        supernet, setting = self.config.addressing.transit_supernet, "addressing.transitSupernet"
        needed = self._needed_supernet_prefix()
        problems: list[str] = []
        if supernet.prefixlen > needed:
            subnet = self._path_prefix
            size = (
                f"is smaller than one /{subnet}"
                if supernet.prefixlen > subnet
                else f"holds {2 ** (subnet - supernet.prefixlen)} /{subnet}s but paths.count is {self.config.paths.count}"
            )
            sites = planned_sites(self.config)
            if self.config.addressing.planned_sites is not None:
                size += f" (each path's subnet is a /{subnet} to hold addressing.plannedSites {sites} sites)"
            elif sites > MIN_ROUTERS:
                size += f" (each path's subnet is a /{subnet} to hold {sites} routers)"
            problems.append(f"{setting}: {supernet} {size}; {self._supernet_hint(supernet.supernet(new_prefix=needed))}")
        for conflict, why in self._supernet_conflicts(supernet):
            problems.append(f"{setting}: {supernet} {conflict}; {why}; {self._supernet_hint()}")
        return problems

    def _floating_conflicts(self, address: ipaddress.IPv4Address) -> list[tuple[str, str]]:
        """(where the address lies, why that breaks the lab) for a floating IP, apart from the two being equal."""
        conflicts = [
            (f"is {name}", "not a unicast address a router can own and route") for network, name in SPECIAL_RANGES if address in network
        ][:1]
        supernet = self.config.addressing.transit_supernet
        if address in supernet:
            conflicts.append((f"lies inside addressing.transitSupernet {supernet}", f"the path /{self._path_prefix}s are carved from it"))
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

    def _free_floating_ip(self, position: int) -> ipaddress.IPv4Interface | None:
        """A floating /32 for this router that nothing refuses: its default if it fits, else the first free private address."""
        others = {address.ip for other, address in enumerate(floating_ips(self.config)) if other != position}
        candidates = itertools.chain(
            [default_floating_ip(site_numbers(self.config)[position]).ip],
            FLOATING_NETWORK.hosts(),
            *(pool.hosts() for pool in PRIVATE_POOLS),
        )
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if candidate not in others and not self._floating_conflicts(candidate):
                return ipaddress.IPv4Interface(f"{candidate}/32")
        return None

    def _floating_hint(self, position: int) -> str:
        free = self._free_floating_ip(position)
        return "use a private /32 outside the supernet and the underlay networks" if free is None else f"use a free address such as {free}"

    def _check_floating_ips(self) -> list[str]:
        problems: list[str] = []
        floating = floating_ips(self.config)
        for position, address in enumerate(floating):
            setting = f"routers[{position}].floatingIp"
            if address.network.prefixlen != 32:
                problems.append(f"{setting}: {address} is not a /32; a floating IP is a single host address: use {address.ip}/32")
            for conflict, why in self._floating_conflicts(address.ip):
                problems.append(f"{setting}: {address.ip} {conflict}; {why}; {self._floating_hint(position)}")
        for later, earlier in _repeats([address.ip for address in floating]):
            problems.append(
                f"routers[{later}].floatingIp: {floating[later].ip} equals routers[{earlier}].floatingIp; each router needs its own "
                f"floating IP; {self._floating_hint(later)}"
            )
        return problems

    def _check_ports_and_interfaces(self) -> list[str]:
        return [*self._check_ports(), *self._check_interfaces_and_networks()]

    def _port_taken_by(self, port: int) -> str | None:
        """What on a router already listens on ``port`` (and so refuses it to an instance), or None."""
        for position, router in enumerate(self.config.routers):
            if port == router.ssh.port:
                return f"routers[{position}].ssh.port, where {router.name}'s SSH server listens"
        if port in RESERVED_PORTS:
            return f"the port of {RESERVED_PORTS[port]}"
        return None

    def _port_accepted(self, port: int) -> bool:
        return 1 <= port <= 65535 and self._port_taken_by(port) is None

    def _free_base_port(self) -> int | None:
        """The basePort nearest the current one whose paths all get an accepted port."""
        n, current = self.config.paths.count, self.config.zerotier.base_port
        for distance in range(65536):
            for base in (current + distance, current - distance):
                if 1 <= base <= 65535 - n and all(self._port_accepted(base + index) for index in range(1, n + 1)):
                    return base
        return None

    def _free_ports(self) -> list[int]:
        """zerotier.ports with every refused or repeated port replaced by the next free one, one per path."""
        given = list(self.config.zerotier.ports or ())[: self.config.paths.count]
        kept: list[int | None] = []
        for port in given:
            accepted = self._port_accepted(port) and port not in kept
            kept.append(port if accepted else None)
        kept += [None] * (self.config.paths.count - len(kept))
        used = {port for port in kept if port is not None}
        candidate = max(used, default=self.config.zerotier.base_port)
        free = (port for port in itertools.chain(range(candidate + 1, 65536), range(1024, candidate + 1)) if self._port_accepted(port))
        return [port if port is not None else next(p for p in free if p not in used) for port in kept]

    def _port_hint(self) -> str:
        n = self.config.paths.count
        if self.config.zerotier.ports is not None:
            return f"use ports [{', '.join(str(port) for port in self._free_ports())}]"
        base = self._free_base_port()
        if base is None:
            return "no basePort gives every path a free port; give zerotier.ports explicitly"
        ports = f"port {base + 1}" if n == 1 else f"ports {base + 1}..{base + n}"
        return f"use basePort {base} ({ports}), which clashes with nothing"

    def _check_ports(self) -> list[str]:
        zt, n = self.config.zerotier, self.config.paths.count
        ports = path_ports(self.config)
        setting = "zerotier.ports" if zt.ports is not None else "zerotier.basePort"
        found: list[str] = []
        if zt.ports is not None and len(zt.ports) != n:
            found.append(f"{len(zt.ports)} ports given for paths.count {n}; give exactly one per path")
        outside = next((port for port in ports if not 1 <= port <= 65535), None)
        if outside is not None:
            which = "" if zt.ports is not None else f" (path ports are basePort + 1 .. basePort + {n})"
            found.append(f"port {outside} is outside 1..65535{which}")
        if (duplicate := first_duplicate(list(ports))) is not None:
            found.append(f"port {duplicate} is used by more than one path; every instance on a router needs its own UDP and TCP port")
        for index, port in enumerate(ports, start=1):
            if (taken := self._port_taken_by(port)) is not None:
                found.append(f"port {port} (path {index}) is {taken}; every instance binds its port for UDP and for its local API on TCP")
        if not found:
            return []
        hint = self._port_hint()
        return [f"{setting}: {problem}; {hint}" for problem in found]

    def _check_interfaces_and_networks(self) -> list[str]:
        problems: list[str] = []
        zt, n = self.config.zerotier, self.config.paths.count
        if zt.interfaces is not None and len(zt.interfaces) != n:
            problems.append(f"zerotier.interfaces: {len(zt.interfaces)} names given for paths.count {n}; give exactly one per path")
        names_setting = "zerotier.interfaces" if zt.interfaces is not None else "zerotier.interfacePrefix"
        for name in path_interfaces(self.config):
            if not name.startswith(ZEROTIER_IGNORED_PREFIX):
                problems.append(
                    f"{names_setting}: interface {name!r} does not start with 'zt'; zerotier-one only ignores zt* interfaces as underlays"
                )
                break
            elif len(name) > LINUX_IFNAME_MAX or not IFNAME.match(name):
                problems.append(
                    f"{names_setting}: interface {name!r} is not a Linux interface name; "
                    f"use at most {LINUX_IFNAME_MAX} of A-Z a-z 0-9 _ . -"
                )
                break
        if (duplicate := first_duplicate(list(path_interfaces(self.config)))) is not None:
            problems.append(f"{names_setting}: interface {duplicate!r} is used by more than one path; names must be unique per router")
        if zt.networks is not None and len(zt.networks) != n:
            problems.append(f"zerotier.networks: {len(zt.networks)} network ids given for paths.count {n}; give exactly one per path")
        return problems

    def _check_routers(self) -> list[str]:
        problems: list[str] = []
        routers = self.config.routers
        for later, earlier in _repeats([router.name for router in routers]):
            problems.append(f"routers[{later}].name: {routers[later].name!r} is also routers[{earlier}].name; router names must differ")
        for position, router in enumerate(self.config.routers):
            capabilities = flavor(router.flavor)
            if router.runtime == "vyos" and "vyos" not in capabilities.runtimes:
                problems.append(
                    f"routers[{position}].runtime: 'vyos' runs the instances as VyOS containers, which needs flavor 'vyos'; "
                    f"use runtime {capabilities.default_runtime!r} on a {capabilities.title} router"
                )
            if capabilities.docker_needs_installing and router.runtime == "docker" and not router.docker_installed:
                # VyOS's `container` is Podman; the Docker provider's ssh:// transport runs `docker system
                # dial-stdio` on the router, which a stock VyOS image cannot.
                problems.append(
                    f"routers[{position}].runtime: 'docker' on a VyOS router needs Docker installed on it, and stock VyOS has no "
                    f"Docker (its containers run on Podman); use runtime 'vyos' (the default on VyOS), or set "
                    f"routers[{position}].dockerInstalled: true once Docker's CLI and daemon are installed there"
                )
            if router.docker_installed and not capabilities.docker_needs_installing:
                problems.append(
                    f"routers[{position}].dockerInstalled: only meaningful on flavor 'vyos' (Linux routers are expected to run Docker); "
                    "remove it"
                )
        same_host = _repeats([(machine(router.ssh.host), router.ssh.port) for router in routers])
        for later, earlier in same_host:
            written, first = routers[later].ssh.host, routers[earlier].ssh.host
            also = (
                f"is also routers[{earlier}].ssh.host"
                if written == first
                else f"names the same host as routers[{earlier}].ssh.host {first!r} (DNS names ignore case and a final dot, "
                "IPv6 addresses have several spellings)"
            )
            problems.append(f"routers[{later}].ssh.host: {written!r} {also}; each router needs its own host")
        engines = [(position, docker_engine(router)) for position, router in enumerate(routers) if router.container_runtime == "docker"]
        for later, earlier in _repeats([engine for _, engine in engines]):
            (at, _), (before, _) = engines[later], engines[earlier]
            if (at, before) in same_host:
                continue
            setting = "dockerHost" if routers[at].docker_host is not None else "ssh.host"
            problems.append(
                f"routers[{at}].{setting}: {routers[at].docker_endpoint} is the Docker engine of routers[{before}] "
                f"({routers[before].name}) too; two sites on one engine would clash (their instances' containers, ports "
                "and interfaces are named alike), so give each router a Docker host of its own"
            )
        for position, router in enumerate(routers):
            problems += _host_address_problems(f"routers[{position}].underlay.address", router.underlay.address, routers)
        for later, earlier in _repeats([router.underlay.address.ip for router in routers]):
            problems.append(
                f"routers[{later}].underlay.address: {routers[later].underlay.address.ip} is also routers[{earlier}].underlay.address; "
                "the instances of each router bind to their router's own underlay address, so each router needs its own"
            )
        logical = self.config.hardware.logical_cpus
        needed = (
            self.config.paths.count * cpus_per_instance(self.config)
            if self.config.zerotier.mode != "multicore"
            else cpus_per_instance(self.config)
        )
        for position, router in enumerate(self.config.routers):
            if not router.cpus:
                continue
            setting = f"routers[{position}].cpus"
            if len(router.cpus) < needed:
                problems.append(
                    f"{setting}: {len(router.cpus)} CPUs listed but {needed} are needed "
                    f"({self.config.paths.count} instance(s) x {cpus_per_instance(self.config)} CPU(s) each)"
                )
            unknown = sorted(cpu for cpu in router.cpus if cpu >= logical)
            if unknown:
                model = self.config.hardware.model
                problems.append(f"{setting}: CPU {unknown[0]} does not exist on a {model} ({logical} logical CPUs: 0..{logical - 1})")
            if (duplicate := first_duplicate(list(router.cpus))) is not None:
                problems.append(f"{setting}: CPU {duplicate} is listed twice; list each CPU once")
        return problems

    def _check_topology(self) -> list[str]:
        routing, routers = self.config.routing, self.config.routers
        names = [router.name for router in routers]
        if routing.topology == "full-mesh":
            if routing.hub is None:
                return []
            return [f"routing.hub: {routing.hub!r} only applies to routing.topology hub-and-spoke; remove it, or set that topology"]
        if len(routers) == MIN_ROUTERS:
            return [
                f"routing.topology: hub-and-spoke needs at least {MIN_ROUTERS + 1} routers, and this lab has {len(routers)}; "
                "between two routers every route is already direct: use full-mesh"
            ]
        if routing.hub is None:
            return [f"routing.hub: required with routing.topology hub-and-spoke; name the router the spokes go through: {', '.join(names)}"]
        if routing.hub not in names:
            close = closest_name(routing.hub, names)
            suggestion = f"did you mean {close!r}?" if close else f"use one of {', '.join(names)}"
            return [f"routing.hub: {routing.hub!r} is not one of the routers ({', '.join(names)}); {suggestion}"]
        return []

    def _check_linux_routes(self) -> list[str]:
        if self.config.routing.linux_routes != "frr":
            return []
        return [
            f"routing.linuxRoutes: frr runs OSPF between the routers, but routers[{position}] ({router.name}) has flavor "
            f"{router.flavor}; give every router flavor linux, or use iproute2"
            for position, router in enumerate(self.config.routers)
            if "frr" not in flavor(router.flavor).route_owners
        ]

    def _check_scaling(self) -> list[str]:
        zt = self.config.zerotier
        problems: list[str] = []
        if zt.mode == "multicore" and self.config.paths.count != 1:
            # paths.active may not exceed paths.count, so a K that was set has to come down with it.
            also = " and paths.active: 1 (or remove it)" if self.config.paths.active not in (None, 1) else ""
            problems.append(
                f"paths.count: {self.config.paths.count} with zerotier.mode multicore; multicore runs one instance per router, "
                f"set paths.count: 1{also}"
            )
        if zt.mode == "multi-instance":
            if zt.concurrency is not None:
                problems.append("zerotier.concurrency: only applies to zerotier.mode multicore or hybrid; remove it or change the mode")
            if zt.cpus_per_instance not in (None, 1):
                problems.append(
                    f"zerotier.cpusPerInstance: {zt.cpus_per_instance} with mode multi-instance; each instance gets one CPU, set 1"
                )
            return problems
        # An unpinned instance sees every CPU of the box; a pinned one only its own.
        visible = (
            cpus_per_instance(self.config) if any(router.cpus for router in self.config.routers) else self.config.hardware.logical_cpus
        )
        if zt.concurrency is None:
            problems.append(f"zerotier.concurrency: required with zerotier.mode {zt.mode}; {self._concurrency_choices(visible)}")
        elif not 1 < zt.concurrency < visible:
            problems.append(
                f"zerotier.concurrency: {zt.concurrency} is not accepted by zerotier-one for an instance that sees {visible} CPU(s); "
                f"it must be more than 1 and fewer than the CPUs the instance sees: {self._concurrency_choices(visible)}"
            )
        return problems

    def _concurrency_choices(self, visible: int) -> str:
        """The concurrency values zerotier-one accepts, or what to change when there are none."""
        if visible > 2:
            return f"choose 2..{visible - 1}"
        logical = self.config.hardware.logical_cpus
        if logical < 3:
            return (
                f"nothing: a {self.config.hardware.model} has {logical} logical CPU(s), and zerotier-one needs at least 3 to run more than "
                "one thread; use zerotier.mode multi-instance and leave concurrency out"
            )
        # Only a pinned instance sees fewer CPUs than the box has.
        more = (
            "list at least 3 CPUs per router in routers[].cpus"
            if self.config.zerotier.mode == "multicore" and self.config.zerotier.cpus_per_instance is None
            else "set zerotier.cpusPerInstance to 3 or more (listing that many CPUs per instance in routers[].cpus)"
        )
        return (
            f"nothing while each instance is pinned to {visible} CPU(s): {more}, or leave routers[].cpus empty so that "
            f"each instance sees all {logical} CPUs and choose 2..{logical - 1}"
        )

    def _check_underlay(self) -> list[str]:
        return [problem for position in range(len(self.config.routers)) for problem in _underlay_problems(self.config, position)]

    def _check_underlay_is_usable(self) -> list[str]:
        """The underlay must be an interface every instance may bind: not hidden by a blacklist prefix,
        not a path interface, not one zerotier-one never binds."""
        zt = self.config.zerotier
        problems = [
            f"zerotier.blacklistPrefixes: an empty prefix matches every interface, the underlay included, so no instance "
            f"could send anything; remove entry {position}"
            for position, prefix in enumerate(zt.blacklist_prefixes)
            if not prefix.strip()
        ]
        path_prefix = path_interface_prefix(self.config)
        for position, router in enumerate(self.config.routers):
            setting = f"routers[{position}].underlay.interface"
            interface = router.underlay.interface
            never = next((prefix for prefix in ZEROTIER_NEVER_BINDS if interface.startswith(prefix)), None)
            listed = next((prefix for prefix in zt.blacklist_prefixes if prefix.strip() and interface.startswith(prefix)), None)
            if interface in path_interfaces(self.config) or interface.startswith(path_prefix):
                problems.append(
                    f"{setting}: {interface!r} is named like the path interfaces ({path_prefix}...), which every instance skips; "
                    "the underlay must be the physical interface the instances send over"
                )
            elif never is not None:
                problems.append(
                    f"{setting}: {interface!r} starts with {never!r}, and zerotier-one never sends over interfaces named "
                    f"{', '.join(ZEROTIER_NEVER_BINDS)}...; use the physical interface that carries the underlay"
                )
            elif listed is not None:
                problems.append(
                    f"{setting}: {interface!r} starts with {listed!r}, which zerotier.blacklistPrefixes lists, so no instance "
                    f"would use it; remove {listed!r} from zerotier.blacklistPrefixes or name another underlay interface"
                )
        return problems


def machine(host: str) -> str:
    """``host`` as one machine is written whatever the spelling: an IP address in its canonical form, a DNS name in
    lower case without its final dot (DNS names ignore case, RFC 4343)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def docker_engine(router: RouterConfig) -> tuple[str, str, int | str]:
    """(scheme, machine, port or socket) of the Docker engine a router's instances run on: two routers with the same
    one would put their containers side by side on one engine."""
    endpoint = urlsplit(router.docker_endpoint)
    if endpoint.scheme == "unix":
        return ("unix", "", endpoint.path)
    default_port = {"ssh": 22, "tcp": 2375}.get(endpoint.scheme, 0)
    try:
        port = endpoint.port or default_port
    except ValueError:
        port = default_port
    return (endpoint.scheme, machine(endpoint.hostname or ""), port)


def _host_address_problems(setting: str, address: ipaddress.IPv4Interface, routers: Sequence[RouterConfig]) -> list[str]:
    """A router's own address on a subnet must be a usable host of it: not the network address, not the broadcast
    address (every address of a /31 or /32 is usable, RFC 3021)."""
    network = address.network
    if network.prefixlen >= 31 or address.ip not in (network.network_address, network.broadcast_address):
        return []
    what = "network" if address.ip == network.network_address else "broadcast"
    taken = {router.underlay.address.ip for router in routers}
    free = next((host for host in network.hosts() if host not in taken), None)
    hint = f"use a host address such as {free}/{network.prefixlen}" if free is not None else f"use a host of {network}"
    first, last = network.network_address + 1, network.broadcast_address - 1
    return [f"{setting}: {address} is the {what} address of {network}, not a host of it (hosts {first}..{last}); {hint}"]


def _repeats(values: Sequence[Hashable]) -> list[tuple[int, int]]:
    """(later, earlier) for every value equal to one before it: the position repeating it and the first holding it."""
    first_at: dict[Hashable, int] = {}
    repeats: list[tuple[int, int]] = []
    for position, value in enumerate(values):
        if value in first_at:
            repeats.append((position, first_at[value]))
        else:
            first_at[value] = position
    return repeats


def _underlay_problems(config: LabConfig, position: int) -> list[str]:
    """Underlay settings the router's NIC, VyOS or a forwarding kernel cannot honour."""
    router = config.routers[position]
    underlay, nic = router.underlay, config.hardware.nic
    setting = f"routers[{position}].underlay"
    nic_name = (nic.model if nic and nic.model else None) or f"the {config.hardware.model}'s NIC"
    problems: list[str] = []
    if nic is not None and underlay.speed not in nic.speeds:
        problems.append(
            f"{setting}.speed: {underlay.speed} is not a speed {nic_name} can run at (hardware.nic.speeds: {', '.join(nic.speeds)})"
        )
    if underlay.duplex is not None and underlay.negotiation != "fixed":
        problems.append(
            f"{setting}.duplex: {underlay.duplex} needs negotiation fixed; speed and duplex are set together, both negotiated or both fixed"
        )
    if underlay.duplex == "half" and LINK_SPEED_GBPS[underlay.speed] > HALF_DUPLEX_MAX_GBPS:
        problems.append(f"{setting}.duplex: half duplex does not exist at {underlay.speed}; use full (half duplex stops at 1G)")
    if underlay.mtu is not None:
        problems += _mtu_problems(f"{setting}.mtu", underlay.mtu, nic, nic_name)
    rings = underlay.ring_buffer
    if rings is not None:
        for direction, wanted, largest in (
            ("rx", rings.rx, nic.max_rx_ring if nic else None),
            ("tx", rings.tx, nic.max_tx_ring if nic else None),
        ):
            if wanted is None or nic is None:
                continue
            if largest is None:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {nic_name} cannot change its {direction} ring "
                    f"(hardware.nic.max{direction.title()}Ring is not set)"
                )
            elif wanted > largest:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {wanted} is more than {nic_name} allows "
                    f"(hardware.nic.max{direction.title()}Ring {largest})"
                )
        if (
            flavor(router.flavor).rings_set_together
            and (rings.rx is not None or rings.tx is not None)
            and nic is not None
            and None in (nic.max_rx_ring, nic.max_tx_ring)
        ):
            problems.append(
                f"{setting}.ringBuffer: VyOS refuses any ring-buffer setting on a NIC that cannot change both rings, "
                f"and {nic_name} cannot; remove it"
            )
    if underlay.offload is not None and underlay.offload.lro:
        problems.append(
            f"{setting}.offload.lro: true is refused; LRO merges received packets beyond what can be forwarded unchanged and the kernel "
            "turns it off on forwarding interfaces; use gro"
        )
    buffers = underlay.socket_buffers
    if (
        buffers is not None
        and buffers.max_bytes is not None
        and buffers.default_bytes is not None
        and buffers.default_bytes > buffers.max_bytes
    ):
        problems.append(
            f"{setting}.socketBuffers.defaultBytes: {buffers.default_bytes} is more than maxBytes {buffers.max_bytes}; "
            "the default cannot exceed the limit"
        )
    return problems


def _mtu_problems(setting: str, mtu: int, nic: NicConfig | None, nic_name: str) -> list[str]:
    """An underlay MTU must carry zerotier-one's datagrams whole and stay within what VyOS and the NIC accept."""
    low = ZEROTIER_MIN_UNDERLAY_MTU
    high = min(MTU_RANGE[1], nic.max_mtu) if nic is not None else MTU_RANGE[1]
    choose = (
        f"choose {low}..{high}"
        if low <= high
        else f"nothing: {nic_name} (hardware.nic.maxMtu {high}) cannot carry zerotier-one's datagrams unfragmented"
    )
    if mtu < low:
        return [
            f"{setting}: {mtu} is too small for ZeroTier: zerotier-one sends UDP datagrams with up to {ZT_DEFAULT_PHYSMTU} bytes "
            f"of payload, which take an MTU of {low} with their IPv4 and UDP headers; {choose}"
        ]
    if mtu > MTU_RANGE[1]:
        return [f"{setting}: {mtu} is more than VyOS accepts ({MTU_RANGE[1]} at most); {choose}"]
    if nic is not None and mtu > nic.max_mtu:
        return [f"{setting}: {mtu} is more than {nic_name} accepts (hardware.nic.maxMtu {nic.max_mtu}); {choose}"]
    return []
