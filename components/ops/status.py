"""The running lab on one screen, shown and not judged: per router its instances (container, ZeroTier
network, CPUs allowed, path interface), its routes to each peer with the next hops in use and its
floating IP; per path whether every router is on it.

Built on the facts validate reads (components/ops/facts), through the same getters, so a router of
any flavor or runtime shows the same way; ``lab_status`` reads every router once, one connection each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.model.plan import LabPlan, PathPlan, RoutePlan, RouterPlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, Addresses, Instance, Links, ProcessCpus, Routes, Unread, ZeroTierInstance
from components.ops.facts.needs import ADDRESSES, INSTANCES, LINKS, PROCESS_CPUS, ZEROTIER, AnyNeed, RoutesNeed
from components.ops.lab_read import Progress, Unreachable, quiet, read_lab
from components.ops.shell import RouterSession
from components.render.linux.routing import floating_interface


def status_needs(router: RouterPlan) -> list[AnyNeed]:
    """What status shows of a router: its instances, links, addresses and routes to every peer."""
    return [INSTANCES, ZEROTIER, PROCESS_CPUS, LINKS, ADDRESSES, *(RoutesNeed(route.destination) for route in router.routes)]


@dataclass(frozen=True)
class InstanceView:
    """One path's instance on one router, and its side of the path."""

    path: int
    interface: str
    # The kernel's view of the path interface: ``up``, ``no carrier``, ``down``, ``missing``, or why it is unknown.
    link: str
    addresses: tuple[str, ...]
    # The runtime's word for the container (``Up 26 hours``, ``running``, ``missing``), or why it is unknown.
    container: str
    # ``<network id> <status>`` as zerotier-one lists its network(s), or why it is unknown.
    network: str
    # The CPUs zerotier-one may run on (``0``, ``0-3``), or why they are unknown.
    cpus: str
    # Whether the router is on the path: the interface up with its planned address, and the instance's
    # network OK with it (where the router runs instances).
    on_path: bool


@dataclass(frozen=True)
class RouteView:
    peer: str
    destination: str
    # The hub a spoke's route to another spoke goes through.
    via: str | None
    # ``10.14.0.2 ztecmp1``, with the kernel's flags where it has any (``linkdown``, ``dead``).
    next_hops: tuple[str, ...]
    # Why no next hop is shown: no route, several routes, or the route could not be read.
    note: str | None = None


@dataclass(frozen=True)
class RouterView:
    name: str
    flavor: str
    runtime: str
    address: str
    floating_ip: str
    # The interfaces holding the floating IP (the planned one on a healthy router), or why unknown.
    floating_on: tuple[str, ...] | str
    planned_floating_interface: str
    instances: tuple[InstanceView, ...] = ()
    # Why the router has no instances to show (a router of the namespace lab).
    no_instances: str | None = None
    routes: tuple[RouteView, ...] = ()
    unreachable: str | None = None


@dataclass(frozen=True)
class PathView:
    index: int
    subnet: str
    active: bool
    # By router: on the path, not on it, or None where the router was not read.
    on: Mapping[str, bool | None]


@dataclass(frozen=True)
class LabStatus:
    project: str
    stack: str
    routers: tuple[RouterView, ...]
    paths: tuple[PathView, ...]
    unreachable: tuple[Unreachable, ...] = ()

    @property
    def exit_status(self) -> int:
        """3 where a router could not be reached, else 0: status shows, it does not judge."""
        return 3 if self.unreachable else 0


def _cpu_list(cpus: frozenset[int]) -> str:
    """CPU ids as the kernel writes a list: ``0-3,8``."""
    ordered, spans = sorted(cpus), list[list[int]]()
    for cpu in ordered:
        if spans and cpu == spans[-1][1] + 1:
            spans[-1][1] = cpu
        else:
            spans.append([cpu, cpu])
    return ",".join(f"{low}" if low == high else f"{low}-{high}" for low, high in spans)


def _link(links: Links | Unread, interface: str) -> str:
    if isinstance(links, Unread):
        return f"unknown ({links.reason})"
    link = links.named(interface)
    if link is None:
        return "missing"
    if not link.up:
        return "down"
    return "up" if link.carrier else "no carrier"


def _container(instance: Instance | Unread) -> str:
    if isinstance(instance, Unread):
        return f"unknown ({instance.reason})"
    return instance.state if instance.exists else "missing"


def _network(instance: ZeroTierInstance, planned: str) -> tuple[str, bool]:
    """How the instance's network(s) read, and whether it is OK with the planned address."""
    if isinstance(instance.networks, Unread):
        return f"unknown ({instance.networks.reason})", False
    if not instance.networks:
        return "no network", False
    shown = ", ".join(f"{network.network_id} {network.status}" for network in instance.networks)
    joined = len(instance.networks) == 1 and instance.networks[0].status == "OK" and planned in instance.networks[0].addresses
    return shown, joined


def _cpus(process: ProcessCpus | Unread) -> str:
    return f"unknown ({process.reason})" if isinstance(process, Unread) else _cpu_list(process.allowed)


def _instance(plan: LabPlan, router: RouterPlan, path: PathPlan, facts: RouterFacts) -> InstanceView:
    end = path.end(router.name)
    links, addresses = facts[LINKS], facts[ADDRESSES]
    found = addresses.on(end.interface) if isinstance(addresses, Addresses) else ()
    link = _link(links, end.interface)
    on_path = link == "up" and str(end.address) in found
    instances, zerotier, processes = facts[INSTANCES], facts[ZEROTIER], facts[PROCESS_CPUS]
    container = network = cpus = "-"
    if not isinstance(instances, Absent):
        container = _container(instances.at(path.index))
    if not isinstance(zerotier, Absent):
        network, joined = _network(zerotier.at(path.index), str(end.address))
        on_path = on_path and joined
    if not isinstance(processes, Absent):
        cpus = _cpus(processes.at(path.index))
    return InstanceView(path.index, end.interface, link, found, container, network, cpus, on_path)


def _route(route: RoutePlan, facts: RouterFacts) -> RouteView:
    routes = facts[RoutesNeed(route.destination)]
    view = RouteView(route.peer, str(route.destination), route.via, ())
    if not isinstance(routes, Routes):
        return dataclasses.replace(view, note=f"unknown ({routes.reason})")
    if not routes.routes:
        return dataclasses.replace(view, note="no route")
    hops = tuple(f"{hop.gateway} {hop.device}" + "".join(f" {flag}" for flag in hop.dead_flags) for hop in routes.next_hops)
    note = f"{len(routes.routes)} routes" if len(routes.routes) > 1 else None
    return RouteView(route.peer, str(route.destination), route.via, hops, note)


def router_view(plan: LabPlan, router: RouterPlan, address: str, facts: RouterFacts) -> RouterView:
    """One router as its facts show it."""
    addresses = facts[ADDRESSES]
    floating: tuple[str, ...] | str = (
        addresses.holding(str(router.floating_ip.ip)) if isinstance(addresses, Addresses) else f"unknown ({addresses.reason})"
    )
    instances = facts[INSTANCES]
    return RouterView(
        name=router.name,
        flavor=router.flavor,
        runtime=router.runtime,
        address=address,
        floating_ip=str(router.floating_ip),
        floating_on=floating,
        planned_floating_interface=floating_interface(router),
        instances=tuple(_instance(plan, router, path, facts) for path in plan.paths),
        no_instances=instances.why if isinstance(instances, Absent) else None,
        routes=tuple(_route(route, facts) for route in router.routes),
    )


def lab_view(
    plan: LabPlan, addresses: Mapping[str, str], facts: Mapping[str, RouterFacts], unreachable: Sequence[Unreachable]
) -> LabStatus:
    """The lab from every router's facts (``facts``), and the routers that could not be read."""
    down = {found.router: found for found in unreachable}
    shown = [name for name in plan.router_names if name in facts or name in down]
    routers = []
    for name in shown:
        router = plan.router(name)
        if name in down:
            routers.append(
                RouterView(
                    name,
                    router.flavor,
                    router.runtime,
                    addresses[name],
                    str(router.floating_ip),
                    "not read",
                    floating_interface(router),
                    unreachable=down[name].error,
                )
            )
        else:
            routers.append(router_view(plan, router, addresses[name], facts[name]))
    on_path = {view.name: {instance.path: instance.on_path for instance in view.instances} for view in routers}
    paths = tuple(
        PathView(
            path.index,
            str(path.subnet),
            path.active,
            {name: (None if name in down else on_path[name][path.index]) for name in shown},
        )
        for path in plan.paths
    )
    return LabStatus(plan.project, plan.stack, tuple(routers), paths, tuple(unreachable))


def lab_status(
    plan: LabPlan, sessions: Mapping[str, RouterSession], routers: Sequence[str] | None = None, progress: Progress = quiet
) -> LabStatus:
    """Read every router named (all by default) once, one connection each, and show the lab."""
    read = read_lab(plan, sessions, status_needs, routers, progress)
    return lab_view(plan, {name: session.address for name, session in sessions.items()}, read.facts, read.unreachable)


# -- shown ---------------------------------------------------------------------------------------


def _table(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return [indent + "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]).rstrip() for row in rows]


def _floating_line(view: RouterView) -> str:
    if isinstance(view.floating_on, str):
        return f"floating {view.floating_ip}: {view.floating_on}"
    if not view.floating_on:
        return f"floating {view.floating_ip}: on no interface (planned on {view.planned_floating_interface})"
    held = ", ".join(view.floating_on)
    planned = "" if view.floating_on == (view.planned_floating_interface,) else f" (planned on {view.planned_floating_interface})"
    return f"floating {view.floating_ip} on {held}{planned}"


def _route_line(route: RouteView) -> str:
    via = f" via {route.via}" if route.via else ""
    hops = ", ".join(route.next_hops)
    if route.note and not hops:
        return f"to {route.peer} {route.destination}{via}: {route.note}"
    count = f"{len(route.next_hops)} next hop{'s' if len(route.next_hops) != 1 else ''}"
    return f"to {route.peer} {route.destination}{via}: {count}{f' ({route.note})' if route.note else ''}: {hops}"


def _router_lines(view: RouterView) -> list[str]:
    lines = [f"{view.name}  {view.address}  {view.flavor}, instances on {view.runtime}"]
    if view.unreachable is not None:
        return [*lines, f"  unreachable: {view.unreachable}"]
    lines.append(f"  {_floating_line(view)}")
    rows = [["path", "interface", "link", "address", "container", "zerotier", "cpus"]]
    rows += [[str(i.path), i.interface, i.link, ", ".join(i.addresses) or "-", i.container, i.network, i.cpus] for i in view.instances]
    lines += _table(rows, "  ")
    if view.no_instances:
        lines.append(f"  instances: {view.no_instances}")
    lines += [f"  {_route_line(route)}" for route in view.routes]
    return lines


def _on(value: bool | None) -> str:
    return "?" if value is None else "on" if value else "OFF"


def render_status(status: LabStatus) -> str:
    """One screen: each router, then every path with each router on it or not."""
    paths = len(status.paths)
    active = sum(path.active for path in status.paths)
    lines = [f"stack {status.stack}: {paths} paths, {active} active; {len(status.routers)} routers"]
    for view in status.routers:
        lines += _router_lines(view)
    names = [view.name for view in status.routers]
    rows = [["path", "subnet", "active", *names]]
    rows += [
        [str(path.index), path.subnet, "yes" if path.active else "no", *(_on(path.on[name]) for name in names)] for path in status.paths
    ]
    lines += _table(rows, "")
    lines += [found.line for found in status.unreachable]
    return "\n".join(lines) + "\n"


def status_document(status: LabStatus) -> dict[str, Any]:
    """The same as one JSON document."""
    document: dict[str, Any] = dataclasses.asdict(status)
    document["exitStatus"] = status.exit_status
    return document
