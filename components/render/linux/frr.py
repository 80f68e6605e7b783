"""FRR's share of a Linux router with ``routing.linuxRoutes: frr``: the route that heals itself.

A route installed once with ``ip route`` is lost for good when one path interface disappears (the
kernel drops the whole multipath route), and keeps a dead path's next-hop for as long as that
interface stays up. Here FRR owns the route instead, so both failures repair themselves:

- every active path is an OSPF adjacency with each neighbour on it (point-to-point between two
  routers, point-to-multipoint between more: see ``ospf_network_type``), and each router announces
  only its floating /32; FRR installs every peer's /32 with one next-hop per path whose adjacency is
  up, and adds a next-hop back as soon as its interface (re)appears;
- BFD tracks each adjacency with the stack's profile, so a path that silently stops carrying
  packets leaves the route within ``intervalMs x multiplier``.

Why OSPF and not static routes with BFD (as on VyOS): staticd only tracks next-hops with BFD from
FRR 9.0 on, and Debian 12 ships FRR 8.4. OSPF with BFD has been in FRR since long before, so this
works with every FRR a Debian or Ubuntu router is likely to have. Every router must use it.

BFD peers are configured for every built path, active or not, so ``vtysh -c 'show bfd peers'`` shows
the health of a path before it is enabled; only active paths join OSPF and so the route.

The configuration is one marked block in ``frr.conf``, rewritten by each apply and removed by undo,
each under the router's lock from its first action (the lock of the Linux scripts, transaction.py) and
cleaned up however it ends;
FRR's own ``frr-reload.py`` brings the daemons to the file (what ``systemctl reload frr`` does), so
changes made in vtysh and never written to ``frr.conf`` do not survive an apply.

Forwarding is the kernel's, and the lab changes none of it (a hub's IPv4 forwarding is the Linux
apply's, which puts it back itself). ``frr-reload.py --reload`` would: zebra's running configuration
says ``no ip forwarding`` and ``no ipv6 forwarding`` while the kernel forwards nothing
(zebra/zebra_vty.c, config_write_forwarding), and a running line the file lacks is deleted, a
``no ...`` line by running it without its ``no`` (FRRouting/frr tools/frr-reload.py,
compare_context_objects and lines_to_config). That sets ``net.ipv4.ip_forward`` or
``net.ipv6.conf.all.forwarding`` (zebra/ipforward_proc.c), and the kernel then sets every interface's
switch of that family and ``default`` as well. So the apply writes, after the block's first line,
what forwarding the lab wants: the kernel's switches as they are (``ip forwarding`` on a hub), and
its reload changes nothing. The undo and a failed apply's rollback reload a file without the block:
each takes a snapshot of every forwarding switch first (IPv4 and IPv6: ``all``, ``default`` and every
interface's) and puts each back after the reload.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from components.model.naming import frr_block_markers, frr_path_host_filter
from components.model.plan import LabPlan, RouterPlan
from components.render.formats import FRR_SEPARATOR, FrrItem, Stanza, frr_lines, separated
from components.render.linux import PROGRAMS
from components.render.linux.routing import destinations_text, floating_interface, require_safe_paths
from components.render.linux.transaction import rollback_on_failure, router_lock

FRR_RELOAD = "/usr/lib/frr/frr-reload.py"
OSPF_AREA = "0"
# Hellos keep the adjacency when BFD is off; with BFD on, BFD declares a path dead long before this.
OSPF_HELLO_SECONDS = 1
OSPF_DEAD_SECONDS = 4
# No damping on either side of a failure: a router re-announces itself and recomputes its routes
# at once, so a path leaves the route right after BFD calls it down and returns as soon as it is up.
OSPF_TIMERS = ("timers throttle spf 0 50 1000", "timers throttle lsa all 0", "timers lsa min-arrival 0")


@dataclass(frozen=True)
class FrrHostPaths:
    """Where FRR keeps its configuration on the router, and how its daemons are reached."""

    config_dir: str = "/etc/frr"
    state_root: str = "/var/lib/zt-ecmp"
    # None: FRR is the system service; the apply enables the daemons it needs in ``daemons`` and
    # reloads the service. A directory: the daemons already run with their vty sockets there, and
    # the apply reloads them directly (the network-namespace lab).
    vty_socket_dir: str | None = None

    def __post_init__(self) -> None:
        require_safe_paths(self, "config_dir", "state_root", "vty_socket_dir")

    @property
    def config_file(self) -> str:
        return f"{self.config_dir}/frr.conf"

    @property
    def daemons_file(self) -> str:
        return f"{self.config_dir}/daemons"

    def state_dir(self, plan: LabPlan) -> str:
        return f"{self.state_root}/{plan.stack}-frr"


DEFAULT_FRR_PATHS = FrrHostPaths()


def frr_daemons(plan: LabPlan) -> tuple[str, ...]:
    """The FRR daemons the block needs besides zebra."""
    return ("ospfd", "bfdd") if plan.routing.bfd.enabled else ("ospfd",)


def _router(plan: LabPlan, router: str) -> RouterPlan:
    found = plan.router(router)
    if found.flavor != "linux" or found.route_owner != "frr":
        raise ValueError(f"router {router!r}: FRR configuration is for flavor linux with routing.linuxRoutes frr")
    return found


def ospf_network_type(plan: LabPlan) -> str:
    """How OSPF sees a path: a point-to-point link between two routers; with more, point-to-multipoint.

    Not ``broadcast``, although a path with more than two routers is a LAN: on a broadcast network the
    designated router describes the LAN as one whole, so two sites that lose each other on one path
    (while both still reach the designated router) would keep routing over it. Point-to-multipoint
    gives every neighbour its own adjacency and link: BFD takes down exactly the pair that failed, and
    a spoke that hears only its hub routes to the other spokes through it.
    """
    return "point-to-point" if plan.paths_are_point_to_point else "point-to-multipoint"


def _path_host_filter(plan: LabPlan) -> list[FrrItem]:
    """Between more than two routers: keep the /32s of path addresses that OSPF learns out of zebra.

    On a point-to-multipoint interface OSPF announces the router's own address as a host route
    (RFC 2328, 12.4.1.4), so every router learns a /32 for every other router's address on every
    path. zebra then resolves the floating routes' next hops (those very addresses) through the OSPF
    host routes instead of the connected path subnet, and where a spoke learns the other spokes'
    addresses through the hub it marks next hops inactive: a four-router hub-and-spoke lab in network
    namespaces never converged (FRR 8.4). The connected subnet reaches every neighbour already, so
    zebra is told to take no OSPF route inside the transit supernet (``ip protocol ospf route-map``,
    zebra's filter of what it installs: FRRouting/frr zebra/zebra_routemap.c). The floating /32s lie
    outside it and are untouched. This takes zebra's one OSPF filter: a router whose ``frr.conf`` has
    an ``ip protocol ospf`` line of its own gets this one instead while the lab is up.
    """
    if ospf_network_type(plan) != "point-to-multipoint":
        return []
    hosts, routes = frr_path_host_filter(plan.stack)
    return [
        f"ip prefix-list {hosts} seq 5 permit {plan.transit_supernet} ge 32",
        *separated(
            [Stanza(f"route-map {routes} deny 10", (f"match ip address prefix-list {hosts}",)), Stanza(f"route-map {routes} permit 20")]
        ),
        f"ip protocol ospf route-map {routes}",
        FRR_SEPARATOR,
    ]


# The most an OSPF interface may cost (RFC 2328, C.3: a 16-bit output cost): a drained path
# (components/render/linux/rolling.py) loses to every other path and is used only when none is left.
OSPF_DRAINED_COST = 65535


def ospf_cost_command(plan: LabPlan, router: str, path_index: int, paths: FrrHostPaths = DEFAULT_FRR_PATHS, *, drained: bool) -> str:
    """The vtysh command that gives a path's interface the cost of a drained path, or takes it back
    off (the block in frr.conf sets no cost). Running configuration only: the next reload forgets it."""
    own = _router(plan, router)
    vtysh = "vtysh" if paths.vty_socket_dir is None else f"vtysh --vty_socket {shlex.quote(paths.vty_socket_dir)}"
    cost = f"ip ospf cost {OSPF_DRAINED_COST}" if drained else "no ip ospf cost"
    interface = plan.path(path_index).end(own.name).interface
    return f"{vtysh} -c 'configure terminal' -c 'interface {interface}' -c '{cost}'"


def _bfd_section(plan: LabPlan, router: RouterPlan) -> Stanza:
    bfd = plan.routing.bfd
    profile = Stanza(
        f"profile {bfd.profile}",
        (f"detect-multiplier {bfd.multiplier}", f"receive-interval {bfd.interval_ms}", f"transmit-interval {bfd.interval_ms}"),
    )
    peers = [
        Stanza(
            f"peer {peer.address.ip} local-address {path.end(router.name).address.ip} interface {path.end(router.name).interface}",
            (f"profile {bfd.profile}",),
        )
        for path in plan.paths
        for peer in plan.neighbours(path, router.name)
    ]
    return Stanza("bfd", tuple(separated([profile, *peers])))


def _path_interface(plan: LabPlan, router: RouterPlan, interface: str) -> Stanza:
    bfd = plan.routing.bfd
    lines = [
        f"ip ospf area {OSPF_AREA}",
        f"ip ospf network {ospf_network_type(plan)}",
        f"ip ospf hello-interval {OSPF_HELLO_SECONDS}",
        f"ip ospf dead-interval {OSPF_DEAD_SECONDS}",
    ]
    if bfd.enabled:
        lines += ["ip ospf bfd", f"ip ospf bfd profile {bfd.profile}"]
    return Stanza(f"interface {interface}", tuple(lines))


def render_frr_block(plan: LabPlan, router: str) -> str:
    """The block ``router``'s ``frr.conf`` holds for the lab, markers included."""
    own = _router(plan, router)
    begin, end = frr_block_markers(plan.stack)
    active, total = plan.active_path_count, plan.path_count
    floating = own.floating_ip.ip
    stanzas = [
        *([_bfd_section(plan, own)] if plan.routing.bfd.enabled else []),
        Stanza(f"interface {floating_interface(own)}", (f"ip ospf area {OSPF_AREA} {floating}", f"ip ospf passive {floating}")),
        *(_path_interface(plan, own, path.end(own.name).interface) for path in plan.paths if path.active),
    ]
    block: list[FrrItem] = [
        f"{begin}: {own.name}'s route to {destinations_text(own)} over {active} of {total} paths (rewritten by every apply)",
        *separated(stanzas),
        *_path_host_filter(plan),
        Stanza("router ospf", (f"ospf router-id {floating}", *OSPF_TIMERS)),
        end,
    ]
    return "\n".join(frr_lines(block)) + "\n"


def _common(plan: LabPlan, own: RouterPlan, paths: FrrHostPaths) -> str:
    begin, end = frr_block_markers(plan.stack)
    if paths.vty_socket_dir is None:
        reload = "systemctl reload-or-restart frr"
    else:
        sockets = shlex.quote(paths.vty_socket_dir)
        reload = (
            f'{FRR_RELOAD} --reload --stdout --confdir {shlex.quote(paths.config_dir)} --vty_socket {sockets} --rundir "$run_dir" "$conf"'
        )
    return PROGRAMS.text(
        "frr-common.sh",
        CONF_WORD=shlex.quote(paths.config_file),
        DAEMONS_WORD=shlex.quote(paths.daemons_file),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        BEGIN_WORD=shlex.quote(begin),
        END_WORD=shlex.quote(end),
        FRR_RELOAD=FRR_RELOAD,
        RELOAD=reload,
    )


def _enable_daemons(plan: LabPlan, paths: FrrHostPaths) -> str:
    if paths.vty_socket_dir is not None:
        return ""
    enable = "".join(PROGRAMS.text("enable-daemon.sh", DAEMON=daemon) for daemon in frr_daemons(plan))
    return PROGRAMS.text("enable-daemons.sh", ENABLE=enable)


def render_frr_apply(plan: LabPlan, router: str, paths: FrrHostPaths = DEFAULT_FRR_PATHS) -> str:
    """Writes this stack's block into ``frr.conf`` and reloads FRR: idempotent, and restored on failure."""
    own = _router(plan, router)
    return PROGRAMS.text(
        "frr-apply.sh",
        COMMON=_common(plan, own, paths),
        LOCK=router_lock(f"FRR apply of zt-ecmp stack {plan.stack} on {own.name}"),
        ROLLBACK=rollback_on_failure(
            "FRR apply",
            take_lock=False,
            restore_lines=PROGRAMS.lines("frr-restore.sh"),
        ),
        ENABLE_DAEMONS=_enable_daemons(plan, paths),
        IPV4_FORWARDING_WORD=shlex.quote("ip forwarding" if own.forwards else ""),
        BLOCK=render_frr_block(plan, router),
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
        ACTIVE=str(plan.active_path_count),
        TOTAL=str(plan.path_count),
    )


def render_frr_undo(plan: LabPlan, router: str, paths: FrrHostPaths = DEFAULT_FRR_PATHS) -> str:
    """Removes this stack's block from ``frr.conf``, switches off the daemons the apply switched on, reloads."""
    own = _router(plan, router)
    return PROGRAMS.text(
        "frr-undo.sh",
        COMMON=_common(plan, own, paths),
        LOCK=router_lock(f"FRR undo of zt-ecmp stack {plan.stack} on {own.name}"),
        STATE_ROOT_WORD=shlex.quote(paths.state_root),
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
    )
