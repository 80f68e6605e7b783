"""The address and resource plan: everything the lab will be, computed from a LabConfig.

Plain, immutable and free of Pulumi: renderers and component resources read it, nothing writes
back to it. Path indices are 1-based, as operators count them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

from components.model.capacity import CapacityEstimate, estimate_capacity
from components.model.figures import ReferenceProfile
from components.model.flavors import ContainerRuntime, RouteOwner, RouterFlavor, flavor
from components.model.naming import bfd_profile_name, instance_name
from components.model.settings import (
    ConfigError,
    FloatingOn,
    LabConfig,
    LinuxRoutes,
    RouterConfig,
    ScalingMode,
    SshAuth,
    Topology,
    cpus_per_instance,
    floating_ips,
    path_interface_prefix,
    path_interfaces,
    path_ports,
    path_prefix_length,
    planned_sites,
    site_numbers,
)
from components.model.underlay import UNTOUCHED, UnderlayTuning, underlay_tuning

SCALING_MODE_NOTES: Mapping[ScalingMode, str] = {
    "multi-instance": (
        "N single-threaded instances, ECMP with layer-4 hashing across them: aggregate throughput grows "
        "with active paths; one flow stays on one path, so its ceiling is one instance (one core) and its "
        "packets stay in order."
    ),
    "multicore": (
        "One instance per router using zerotier-one's native multithreading (1.14.1+, beta): one flow can "
        "exceed one core, but its packets may arrive out of order; no ECMP."
    ),
    "hybrid": (
        "N multithreaded instances with ECMP across them: aggregate grows with paths and threads; one flow "
        "stays on one instance but may be reordered by that instance's threads."
    ),
}


@dataclass(frozen=True)
class SshTarget:
    host: str
    port: int
    user: str
    auth: SshAuth
    private_key_config: str
    host_key: str


@dataclass(frozen=True)
class PathEnd:
    """One router's side of a path: its instance, port, interface and address on the path's subnet."""

    router: str
    address: ipaddress.IPv4Interface
    port: int
    interface: str
    cpus: tuple[int, ...]


@dataclass(frozen=True)
class PathPlan:
    """One path: a ZeroTier network, a subnet of the transit supernet, and one end per router on it."""

    index: int
    network_name: str
    subnet: ipaddress.IPv4Network
    active: bool
    # By router name, in the order of the routers.
    ends: Mapping[str, PathEnd]
    existing_network_id: str | None = None

    def end(self, router: str) -> PathEnd:
        if router not in self.ends:
            raise KeyError(f"router {router!r} has no end on path {self.index}")
        return self.ends[router]

    def peers(self, router: str) -> tuple[PathEnd, ...]:
        """The other routers' ends: who ``router`` reaches over this path."""
        return tuple(end for name, end in self.ends.items() if name != router)


@dataclass(frozen=True)
class NextHop:
    path_index: int
    address: ipaddress.IPv4Address
    interface: str
    active: bool


@dataclass(frozen=True)
class RoutePlan:
    """A route of a router: another router's floating /32, with one next hop per path to it.

    The next hops are the peer's own addresses on the paths, or, where the route goes through the
    hub (``via``), the hub's addresses: the hub then forwards over the same paths.
    """

    destination: ipaddress.IPv4Network
    peer: str
    next_hops: tuple[NextHop, ...]
    via: str | None = None

    @property
    def active_next_hops(self) -> tuple[NextHop, ...]:
        return tuple(hop for hop in self.next_hops if hop.active)


@dataclass(frozen=True)
class RouterPlan:
    name: str
    # Its place in the router list (0-based): which routers an instance of it is told of (those before it).
    position: int
    # k: its host number on every path subnet and its default floating IP's; its place in the list
    # (position + 1) unless routers[].siteNumber says otherwise, so that it outlives a removal before it.
    site_number: int
    flavor: RouterFlavor
    runtime: ContainerRuntime
    ssh: SshTarget
    docker_host: str
    underlay_interface: str
    # The router's own address on the underlay: the only address its instances bind to.
    underlay_address: ipaddress.IPv4Interface
    link_speed: str
    floating_ip: ipaddress.IPv4Interface
    dummy_interface: str
    # "dummy": the floating /32 sits on dummy_interface; "loopback": on lo (kernels without a dummy driver).
    floating_on: FloatingOn
    # One per other router, in the order of the routers.
    routes: tuple[RoutePlan, ...]
    # Who installs (and, with BFD, heals) those routes.
    route_owner: RouteOwner
    underlay_tuning: UnderlayTuning = UNTOUCHED
    # The hub of a hub-and-spoke lab: it forwards between spokes, out of the path it received on, so
    # it must forward and must not tell the sender (ICMP redirect) to go straight to the other spoke.
    forwards: bool = False

    def route_to(self, peer: str) -> RoutePlan:
        for route in self.routes:
            if route.peer == peer:
                return route
        raise KeyError(f"router {self.name!r} has no route to {peer!r}")


@dataclass(frozen=True)
class ZeroTierSettings:
    image: str
    mode: ScalingMode
    concurrency: int | None
    cpus_per_instance: int
    # Covers every path interface on a router whatever N is, so growing the lab leaves
    # existing instances' local.conf (and so their containers) untouched.
    path_interface_prefix: str
    blacklist_prefixes: tuple[str, ...]
    bring_your_own_networks: bool


@dataclass(frozen=True)
class BfdSettings:
    """BFD on every path: one session per path and peer, between their addresses on it, sharing one profile."""

    enabled: bool
    interval_ms: int
    multiplier: int
    # VyOS and FRR profile name: letters, digits, - and _, at most 32 characters.
    profile: str

    @property
    def detection_ms(self) -> int:
        return self.interval_ms * self.multiplier


@dataclass(frozen=True)
class RoutingSettings:
    commit_confirm_minutes: int
    open_firewall: bool
    bfd: BfdSettings
    # Routers with flavor linux: "iproute2" installs one static multipath route; "frr" leaves the route to FRR.
    linux_routes: LinuxRoutes
    # "full-mesh": every router routes straight to every other; "hub-and-spoke": spokes go through the hub.
    topology: Topology = "full-mesh"
    hub: str | None = None

    def direct(self, first: str, second: str) -> bool:
        """Whether two routers exchange frames on the path networks (every pair but two spokes)."""
        return self.hub is None or self.hub in (first, second)


@dataclass(frozen=True)
class LabPlan:
    project: str
    stack: str
    hardware_model: str
    published_reference: ReferenceProfile | None
    transit_supernet: ipaddress.IPv4Network
    zerotier: ZeroTierSettings
    routing: RoutingSettings
    paths: tuple[PathPlan, ...]
    routers: tuple[RouterPlan, ...]
    capacity: CapacityEstimate

    @property
    def path_count(self) -> int:
        return len(self.paths)

    @property
    def active_path_count(self) -> int:
        return sum(path.active for path in self.paths)

    @property
    def mode_note(self) -> str:
        return SCALING_MODE_NOTES[self.zerotier.mode]

    @property
    def router_names(self) -> tuple[str, ...]:
        """The routers' names, in list order."""
        return tuple(router.name for router in self.routers)

    @property
    def paths_are_point_to_point(self) -> bool:
        """Whether each path network joins a single pair of routers: the one difference the router count
        makes that has a protocol behind it. Such a path is what OSPF calls a point-to-point network
        ("a network that joins a single pair of routers", RFC 2328 section 1.2), and the namespace lab can
        build it as one veth pair; with three or more routers every path is a shared LAN. Nothing
        else (outputs, reports, names) changes shape with the number of routers."""
        return len(self.routers) == 2

    def router(self, name: str) -> RouterPlan:
        for router in self.routers:
            if router.name == name:
                return router
        raise KeyError(f"no router named {name!r}")

    def path(self, index: int) -> PathPlan:
        return self.paths[index - 1]

    def interfaces_on(self, router: str) -> tuple[str, ...]:
        return tuple(path.end(router).interface for path in self.paths)

    def pairs(self) -> tuple[tuple[RouterPlan, RouterPlan], ...]:
        """Every ordered pair of routers (sender, receiver), in router order."""
        return tuple((first, second) for first in self.routers for second in self.routers if first is not second)

    def neighbours(self, path: PathPlan, router: str) -> tuple[PathEnd, ...]:
        """The ends ``router`` exchanges frames with on ``path``: every other router's, or a spoke's hub's alone."""
        return tuple(end for end in path.peers(router) if self.routing.direct(router, end.router))

    def separated_pairs(self) -> tuple[tuple[str, str], ...]:
        """The ordered pairs of routers the path networks carry no frame between: spoke to spoke."""
        return tuple((first.name, second.name) for first, second in self.pairs() if not self.routing.direct(first.name, second.name))


# What VyOS's `container name` accepts (vyos-1x grammar: ^[-a-zA-Z0-9]+$), while Pulumi project and stack
# names may also hold '_' and '.'.
VYOS_CONTAINER_NAME = re.compile(r"^[-a-zA-Z0-9]+$")


def _container_name_problems(config: LabConfig, project: str, stack: str) -> list[str]:
    """Where VyOS runs the instances, their names must be ones its `container name` accepts."""
    routers = [
        f"routers[{position}] ({router.name})" for position, router in enumerate(config.routers) if router.container_runtime == "vyos"
    ]
    names = [instance_name(project, stack, index) for index in range(1, config.path_count + 1)]
    refused = [name for name in names if not VYOS_CONTAINER_NAME.match(name)]
    if not routers or not refused:
        return []
    safe_stack = re.sub(r"[^-a-zA-Z0-9]", "-", stack)
    if VYOS_CONTAINER_NAME.match(instance_name(project, safe_stack, 1)):
        rename = f"use a stack name of letters, digits and '-' only, such as {safe_stack!r}"
    else:
        rename = f"rename the project ({project!r} in Pulumi.yaml) and the stack to letters, digits and '-' only"
    return [
        f"stack {stack!r}: {' and '.join(routers)} run the instances as VyOS containers named <project>-<stack>-path<i>, "
        f"here {refused[0]!r}, and VyOS's `container name` accepts only letters, digits and '-'; {rename}, or run the "
        "instances on Docker (runtime docker, with dockerInstalled: true on VyOS)"
    ]


def _pins(router: RouterConfig, path_position: int, per_instance: int) -> tuple[int, ...]:
    start = path_position * per_instance
    return tuple(router.cpus[start : start + per_instance])


def _path_plans(config: LabConfig, project: str, stack: str) -> tuple[PathPlan, ...]:
    """Path i carries the i-th subnet of the transit supernet, sized for the planned sites; the router of
    site number k takes its k-th host address."""
    subnets = config.addressing.transit_supernet.subnets(new_prefix=path_prefix_length(planned_sites(config)))
    numbers = site_numbers(config)
    ports, interfaces = path_ports(config), path_interfaces(config)
    per_instance = cpus_per_instance(config)
    networks = config.zerotier.networks
    plans = []
    for position in range(config.path_count):
        subnet = next(subnets)
        index = position + 1
        ends = {
            router.name: PathEnd(
                router=router.name,
                address=ipaddress.IPv4Interface(f"{subnet.network_address + number}/{subnet.prefixlen}"),
                port=ports[position],
                interface=interfaces[position],
                cpus=_pins(router, position, per_instance),
            )
            for number, router in zip(numbers, config.routers, strict=True)
        }
        plans.append(
            PathPlan(
                index=index,
                network_name=instance_name(project, stack, index),
                subnet=subnet,
                active=index <= config.active_paths,
                ends=ends,
                existing_network_id=networks[position] if networks else None,
            )
        )
    return tuple(plans)


def _routes(
    config: LabConfig, position: int, paths: tuple[PathPlan, ...], floating: tuple[ipaddress.IPv4Interface, ...]
) -> tuple[RoutePlan, ...]:
    """From router ``position`` to every other router's floating /32 (``floating``, in router order), one
    next hop per path: the peer's address on it, or the hub's where the two are spokes."""
    router = config.routers[position]
    hub = config.routing.active_hub
    routes = []
    for number, peer in enumerate(config.routers):
        if number == position:
            continue
        via = hub if hub is not None and hub not in (router.name, peer.name) else None
        gateway = via or peer.name
        next_hops = tuple(
            NextHop(
                path_index=path.index,
                address=path.end(gateway).address.ip,
                interface=path.end(router.name).interface,
                active=path.active,
            )
            for path in paths
        )
        routes.append(RoutePlan(destination=floating[number].network, peer=peer.name, next_hops=next_hops, via=via))
    return tuple(routes)


def _route_owner(config: LabConfig, router: RouterConfig) -> RouteOwner:
    """The flavor's route owner; where it offers several, the one routing.linuxRoutes names."""
    owners = flavor(router.flavor).route_owners
    return config.routing.linux_routes if config.routing.linux_routes in owners else owners[0]


@dataclass(frozen=True)
class _Sites:
    """Every router's site number and floating /32, in router order: derived once for all routers."""

    numbers: tuple[int, ...]
    floating_ips: tuple[ipaddress.IPv4Interface, ...]


def _router_plan(config: LabConfig, position: int, paths: tuple[PathPlan, ...], sites: _Sites) -> RouterPlan:
    router = config.routers[position]
    floating = sites.floating_ips
    ssh = router.ssh
    return RouterPlan(
        name=router.name,
        position=position,
        site_number=sites.numbers[position],
        flavor=router.flavor,
        runtime=router.container_runtime,
        ssh=SshTarget(ssh.host, ssh.port, ssh.user, ssh.auth, ssh.private_key_config, ssh.host_key),
        docker_host=router.docker_endpoint,
        underlay_interface=router.underlay.interface,
        underlay_address=router.underlay.address,
        link_speed=router.underlay.speed,
        floating_ip=floating[position],
        dummy_interface=config.addressing.dummy_interface,
        floating_on=config.addressing.floating_on,
        routes=_routes(config, position, paths, floating),
        route_owner=_route_owner(config, router),
        underlay_tuning=underlay_tuning(config, position),
        forwards=config.routing.active_hub == router.name,
    )


def build_plan(config: LabConfig, project: str, stack: str) -> LabPlan:
    """The plan of one stack; raises ConfigError where the stack's or project's name does not fit the config."""
    if problems := _container_name_problems(config, project, stack):
        raise ConfigError(problems)
    paths = _path_plans(config, project, stack)
    sites = _Sites(site_numbers(config), floating_ips(config))
    zt = config.zerotier
    return LabPlan(
        project=project,
        stack=stack,
        hardware_model=config.hardware.model,
        published_reference=config.hardware.published_reference,
        transit_supernet=config.addressing.transit_supernet,
        zerotier=ZeroTierSettings(
            image=zt.image,
            mode=zt.mode,
            concurrency=zt.concurrency,
            cpus_per_instance=cpus_per_instance(config),
            path_interface_prefix=path_interface_prefix(config),
            blacklist_prefixes=zt.blacklist_prefixes,
            bring_your_own_networks=zt.networks is not None,
        ),
        routing=RoutingSettings(
            commit_confirm_minutes=config.routing.commit_confirm_minutes,
            open_firewall=config.routing.open_firewall,
            bfd=BfdSettings(
                enabled=config.routing.bfd.enabled,
                interval_ms=config.routing.bfd.interval_ms,
                multiplier=config.routing.bfd.multiplier,
                profile=bfd_profile_name(project, stack),
            ),
            linux_routes=config.routing.linux_routes,
            topology=config.routing.topology,
            hub=config.routing.active_hub,
        ),
        paths=paths,
        routers=tuple(_router_plan(config, position, paths, sites) for position in range(len(config.routers))),
        capacity=estimate_capacity(config),
    )
