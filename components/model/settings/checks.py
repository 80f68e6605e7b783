"""The cross-checks: settings valid alone but not together, each problem naming its setting.

Every problem says what was given and what would be valid; a value a problem suggests is itself
accepted (tests/model/test_config_errors.py follows every hint). What a value collides with is in
conflicts.py, the search for a value that fits in free_values.py, one router's underlay checks in
underlay_checks.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable, Sequence
from urllib.parse import urlsplit

from components.model.flavors import flavor
from components.model.settings.conflicts import LabConflicts
from components.model.settings.derived import (
    cpus_per_instance,
    floating_ips,
    path_interface_prefix,
    path_interfaces,
    path_ports,
    planned_sites,
    site_numbers,
)
from components.model.settings.free_values import FreeValues
from components.model.settings.problems import closest_name
from components.model.settings.schema import (
    IFNAME,
    LINUX_IFNAME_MAX,
    MAX_ROUTERS,
    MIN_ROUTERS,
    ZEROTIER_IGNORED_PREFIX,
    ZEROTIER_NEVER_BINDS,
    LabConfig,
    RouterConfig,
    first_duplicate,
)
from components.model.settings.underlay_checks import underlay_problems


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
    """The checks over one configuration; the values their hints suggest come from ``FreeValues``."""

    def __init__(self, config: LabConfig) -> None:
        self.config = config
        self.conflicts = LabConflicts(config)
        self.free = FreeValues(config, self.conflicts)

    def _check_paths(self) -> list[str]:
        n, k = self.config.paths.count, self.config.active_paths
        if k > n:
            return [f"paths.active: {k} is more than paths.count ({n}); choose 1..{n}"]
        return []

    def _check_addressing(self) -> list[str]:
        if sites := self._check_sites():
            return sites
        return [*self._check_supernet(), *self._check_floating_ips()]

    def _check_sites(self) -> list[str]:
        """plannedSites holds every router, and each router has a site number of its own within it."""
        routers, planned = self.config.routers, self.config.addressing.planned_sites
        if planned is not None and planned < len(routers):
            return [
                f"addressing.plannedSites: {planned} is fewer than the {len(routers)} routers; each needs a host address of its own "
                f"on every path subnet: use {len(routers)}..{MAX_ROUTERS}"
            ]
        numbers, free = site_numbers(self.config), self.free.free_site_number()
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

    def _check_supernet(self) -> list[str]:
        supernet, setting = self.config.addressing.transit_supernet, "addressing.transitSupernet"
        needed = self.conflicts.needed_supernet_prefix()
        problems: list[str] = []
        if supernet.prefixlen > needed:
            subnet = self.conflicts.path_prefix
            size = (
                f"is smaller than one /{subnet}"
                if supernet.prefixlen > subnet
                else f"holds {2 ** (subnet - supernet.prefixlen)} /{subnet}s but paths.count is {self.config.paths.count}"
            )
            sites = planned_sites(self.config)
            if self.config.addressing.planned_sites is not None:
                size += f" (each path's subnet is a /{subnet} to hold addressing.plannedSites {sites} sites)"
            else:
                size += f" (each path's subnet is a /{subnet} to hold {sites} routers)"
            problems.append(f"{setting}: {supernet} {size}; {self.free.supernet_hint(supernet.supernet(new_prefix=needed))}")
        for conflict, why in self.conflicts.supernet_conflicts(supernet):
            problems.append(f"{setting}: {supernet} {conflict}; {why}; {self.free.supernet_hint()}")
        return problems

    def _check_floating_ips(self) -> list[str]:
        problems: list[str] = []
        floating = floating_ips(self.config)
        for position, address in enumerate(floating):
            setting = f"routers[{position}].floatingIp"
            if address.network.prefixlen != 32:
                problems.append(f"{setting}: {address} is not a /32; a floating IP is a single host address: use {address.ip}/32")
            for conflict, why in self.conflicts.floating_conflicts(address.ip):
                problems.append(f"{setting}: {address.ip} {conflict}; {why}; {self.free.floating_hint(position)}")
        for later, earlier in _repeats([address.ip for address in floating]):
            problems.append(
                f"routers[{later}].floatingIp: {floating[later].ip} equals routers[{earlier}].floatingIp; each router needs its own "
                f"floating IP; {self.free.floating_hint(later)}"
            )
        return problems

    def _check_ports_and_interfaces(self) -> list[str]:
        return [*self._check_ports(), *self._check_interfaces_and_networks()]

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
            if (taken := self.conflicts.port_taken_by(port)) is not None:
                found.append(f"port {port} (path {index}) is {taken}; every instance binds its port for UDP and for its local API on TCP")
        if not found:
            return []
        hint = self.free.port_hint()
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
        return [problem for position in range(len(self.config.routers)) for problem in underlay_problems(self.config, position)]

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
