"""Routing on a plain Linux router, rendered as POSIX shell scripts (iproute2 and /proc/sys).

Three texts per router: the apply script, the undo script, and what it leaves behind for boot.
The apply script is one transaction: it snapshots the live state, converges, persists, and on any
failure restores the snapshot before exiting non-zero. Its first run also records the state from
before this program touched the router; the undo script puts exactly that back. Runs on one router
exclude each other through a lock on the router itself (transaction.py).

Boot persistence is a systemd unit rather than networkd files: the path interfaces belong to the
ZeroTier instances and appear late, so the unit runs a small script that re-applies the floating
address and the routes. The sysctl is a sysctl.d drop-in.

Routes that survive an instance's death (``routing.linuxRoutes: iproute2``)
---------------------------------------------------------------------------
A multipath route installed with ``ip route`` holds its next hops itself, and the kernel deletes the
whole route when the device of one of them goes away: one stopped instance took every path down, and
nothing put the route back. Here each route is a nexthop group instead (``ip nexthop``, Linux 5.3 and
iproute2 5.3 on), one member object per active path, and the route points at the group (``nhid``).
The kernel then treats a member's device by itself (torvalds/linux net/ipv4/nexthop.c:
``nh_netdev_event`` calls ``nexthop_flush_dev`` on NETDEV_DOWN, NETDEV_UNREGISTER and on a
NETDEV_CHANGE that leaves the device without carrier; that removes the member object, and
``remove_nh_grp_entry`` takes it out of its groups and rebalances the rest; only the last member's
removal removes the group, and with it the route). So one instance's death costs only its path.

Nothing in the kernel adds a member back when its device returns, so a keeper on the router does
(keeper.sh, run by the lab's systemd unit): once a second it compares the groups with the paths
whose interface is up, has carrier and holds its address, and puts back what is missing, under the
router's lock. Groups hash as the old multipath route did (hash-threshold, RFC 2992): when a member
leaves or returns, some flows of the other paths move too, and none is lost. Resilient groups would
keep those flows in place, but they hand buckets to a returning member only once the buckets have
been idle for the group's idle timer (Documentation/networking/nexthop-group-resilient.rst), which
under steady traffic delays the path's return far beyond a few seconds.

The lab's nexthop objects take ids of a block of its own (``NexthopIds``), so that snapshot, undo and
the keeper touch no object of the operator's, and a first apply refuses a router that has any id of
the block already.
"""

from __future__ import annotations

import re
import shlex
import zlib
from dataclasses import dataclass

from components.model.kernel import HASH_POLICY_SYSCTL, LAYER4_HASH_POLICY
from components.model.naming import linux_sysctl_dropin, linux_underlay_sysctl_dropin, linux_unit
from components.model.plan import LabPlan, NextHop, RoutePlan, RouterPlan
from components.model.settings.schema import MAX_PATHS, MAX_ROUTERS
from components.render.formats import SysctlFile, Unit, sysctl_text, unit_text
from components.render.linux import PROGRAMS
from components.render.linux.transaction import lock_functions, rollback_on_failure, router_lock
from components.render.linux.underlay import (
    proc_sys,
    render_underlay_sysctl_conf,
    underlay_restore_functions,
    underlay_shell_functions,
    underlay_tune_functions,
)

# The apply script waits this long for the path interfaces to carry their /30; at boot the
# ZeroTier containers may still be joining, so the boot script of a router whose routes FRR owns
# waits longer (with iproute2 routes the keeper adds each path as it comes, and boot does not wait).
APPLY_WAIT_SECONDS = 60
BOOT_WAIT_SECONDS = 300
SAFE_PATH = re.compile(r"^/[A-Za-z0-9_./-]*$")

# The nexthop ids the lab may use: above every id FRR ever gives a group (zebra's own and its
# protocols' stay below ZEBRA_NHG_PROTO_UPPER, 250000000) and below the ids it keeps for layer-2
# groups (the top 4 bits: FRRouting/frr lib/zclient.h), and far above the ids the kernel picks for
# an `ip nexthop add` without one (counting up from 1: torvalds/linux net/ipv4/nexthop.c,
# nh_find_unused_id). Each stack gets a block of its own, chosen by its name.
NEXTHOP_ID_FLOOR = 250_000_000
NEXTHOP_ID_CEILING = 2**28
# Per peer: the group, then one member per path (path indices are 1-based).
NEXTHOP_IDS_PER_PEER = 128
NEXTHOP_BLOCK_SIZE = NEXTHOP_IDS_PER_PEER * MAX_ROUTERS
NEXTHOP_BLOCKS = (NEXTHOP_ID_CEILING - NEXTHOP_ID_FLOOR) // NEXTHOP_BLOCK_SIZE
assert MAX_PATHS < NEXTHOP_IDS_PER_PEER


@dataclass(frozen=True)
class NexthopIds:
    """The block of nexthop ids of one stack: a group per peer and a member per peer and path.

    Ids follow the peer's site number (``peer_number``), not the route's place, so appending a router
    changes no existing id, nor does removing one before a router that keeps its site number. Two
    stacks share a block one time in NEXTHOP_BLOCKS; the first apply then refuses the second, as it
    refuses any id of the block the router has already.
    """

    first: int

    @classmethod
    def of(cls, stack: str) -> NexthopIds:
        return cls(NEXTHOP_ID_FLOOR + zlib.crc32(stack.encode()) % NEXTHOP_BLOCKS * NEXTHOP_BLOCK_SIZE)

    @property
    def last(self) -> int:
        return self.first + NEXTHOP_BLOCK_SIZE - 1

    def group(self, peer_number: int) -> int:
        return self.first + (peer_number - 1) * NEXTHOP_IDS_PER_PEER

    def member(self, peer_number: int, path_index: int) -> int:
        return self.group(peer_number) + path_index


def require_safe_paths(paths: object, *settings: str) -> None:
    """Each of ``settings`` of ``paths`` is unset or an absolute path the scripts may use unquoted."""
    for setting in settings:
        value = getattr(paths, setting)
        if value is not None and not SAFE_PATH.match(value):
            raise ValueError(f"{setting}: {value!r} is not an absolute path of letters, digits and _ . / -")


@dataclass(frozen=True)
class LinuxHostPaths:
    """Where the scripts keep state and persist configuration on the router."""

    sysctl_dir: str = "/etc/sysctl.d"
    unit_dir: str = "/etc/systemd/system"
    state_root: str = "/var/lib/zt-ecmp"
    # Whether the apply and undo (re)start and stop the route keeper through systemd, where systemd
    # runs (/run/systemd/system exists). The namespace lab runs the keeper as a process of its own.
    systemd: bool = True

    def __post_init__(self) -> None:
        require_safe_paths(self, "sysctl_dir", "unit_dir", "state_root")

    def state_dir(self, plan: LabPlan) -> str:
        return f"{self.state_root}/{plan.stack}"

    def sysctl_file(self, plan: LabPlan) -> str:
        return f"{self.sysctl_dir}/{linux_sysctl_dropin(plan.stack)}"

    def underlay_sysctl_file(self, plan: LabPlan) -> str:
        return f"{self.sysctl_dir}/{linux_underlay_sysctl_dropin(plan.stack)}"

    def unit_file(self, plan: LabPlan) -> str:
        return f"{self.unit_dir}/{linux_unit(plan.stack)}"

    def unit_wants_link(self, plan: LabPlan) -> str:
        return f"{self.unit_dir}/multi-user.target.wants/{linux_unit(plan.stack)}"

    def boot_script(self, plan: LabPlan) -> str:
        return f"{self.state_dir(plan)}/boot.sh"

    def keeper_script(self, plan: LabPlan) -> str:
        return f"{self.state_dir(plan)}/keeper.sh"


DEFAULT_HOST_PATHS = LinuxHostPaths()


def _router(plan: LabPlan, router: str) -> RouterPlan:
    found = plan.router(router)
    if found.flavor != "linux":
        raise ValueError(f"router {router!r} has flavor {found.flavor!r}; the Linux scripts are for routers with flavor 'linux'")
    return found


def floating_interface(router: RouterPlan) -> str:
    return "lo" if router.floating_on == "loopback" else router.dummy_interface


def _member_id(plan: LabPlan, route: RoutePlan, hop: NextHop) -> int:
    return NexthopIds.of(plan.stack).member(plan.router(route.peer).site_number, hop.path_index)


def _group_id(plan: LabPlan, route: RoutePlan) -> int:
    return NexthopIds.of(plan.stack).group(plan.router(route.peer).site_number)


def wanted_nexthop_ids(plan: LabPlan, router: str) -> tuple[int, ...]:
    """Every nexthop object the router's routes are made of: each route's group and a member per
    active path. None where FRR owns the routes."""
    own = plan.router(router)
    if own.route_owner == "frr":
        return ()
    return tuple(
        nexthop_id
        for route in own.routes
        for nexthop_id in (_group_id(plan, route), *(_member_id(plan, route, hop) for hop in route.active_next_hops))
    )


def _route_block(plan: LabPlan, router: RouterPlan, route: RoutePlan) -> list[str]:
    """keep_routes' lines for one route: a member per active path that is not drained (drain.sh) and whose
    interface is usable, then its group."""
    text = f"{route.peer}'s {route.destination}"
    hops = PROGRAMS.each(
        "route-hop.sh",
        (
            {
                "PATH": str(hop.path_index),
                "INTERFACE": hop.interface,
                "ADDRESS": str(plan.path(hop.path_index).end(router.name).address.ip),
                "MEMBER": str(_member_id(plan, route, hop)),
                "VIA": str(hop.address),
                "TEXT": text,
            }
            for hop in route.active_next_hops
        ),
    )
    return PROGRAMS.lines("route-block.sh", TEXT=text, GROUP=str(_group_id(plan, route)), DESTINATION=str(route.destination), HOPS=hops)


def _redirect_lines(plan: LabPlan, router: RouterPlan) -> list[str]:
    """A hub sends no ICMP redirect on any path interface (no-redirects.sh)."""
    if not router.forwards:
        return []
    return PROGRAMS.each("no-redirects.sh", ({"INTERFACE": path.end(router.name).interface} for path in plan.paths))


def route_keeping(plan: LabPlan, router: RouterPlan) -> str:
    """The functions keeping the router's routes (route-keeping.sh): ``keep_routes``, ``lab_nexthops``..."""
    ids = NexthopIds.of(plan.stack)
    routes: list[str] = []
    if router.route_owner != "frr":
        routes += ["busy=no"]
        for route in router.routes:
            routes += _route_block(plan, router, route)
        routes += _redirect_lines(plan, router)
    return PROGRAMS.text("route-keeping.sh", ROUTES=routes or [":"], FIRST_ID=str(ids.first), LAST_ID=str(ids.last), ROUTER=router.name)


def route_owner_commands(plan: LabPlan, router: str) -> tuple[str, ...]:
    """What the scripts do about the routes: keep them over the live paths (iproute2), or leave them to
    FRR (frr); then remove every nexthop object of the lab's that they no longer need.

    With FRR they only remove a route an earlier iproute2 apply left behind: the kernel would prefer
    it to FRR's (``proto ospf``), and it would never heal.
    """
    own = plan.router(router)
    prune = f"prune_nexthops '{' '.join(str(nexthop_id) for nexthop_id in wanted_nexthop_ids(plan, router))}'"
    if own.route_owner == "frr":
        return (*PROGRAMS.each("drop-boot-route.sh", ({"DESTINATION": str(route.destination)} for route in own.routes)), prune)
    return ("keep_routes", prune)


def routes_text(router: RouterPlan) -> str:
    """``r2's 10.0.55.2/32``, ``r2's 10.0.55.2/32 and r3's 10.0.55.3/32``: where a router's routes go."""
    return " and ".join(f"{route.peer}'s {route.destination}" for route in router.routes)


def destinations_text(router: RouterPlan) -> str:
    return " and ".join(str(route.destination) for route in router.routes)


def _route_file(position: int) -> str:
    """The state file of a router's route number ``position``: route, route2, route3..."""
    return "route" if position == 0 else f"route{position + 1}"


def render_sysctl_conf(plan: LabPlan) -> str:
    why = f"zt-ecmp {plan.stack}: ECMP over the ZeroTier paths hashes on ports, so parallel flows spread."
    return sysctl_text(SysctlFile(settings=((HASH_POLICY_SYSCTL, str(LAYER4_HASH_POLICY)),), why=(why,)))


def _wait_function(plan: LabPlan, router: RouterPlan, *, every_path: bool) -> str:
    """``wait_for_paths SECONDS``: until each path interface holds its /30, that is, until its instance
    has joined. The apply waits for every built path, so that `pulumi up` returns with all instances
    joined; the boot script only for the active ones, which the route needs."""
    ends = [path.end(router.name) for path in plan.paths if every_path or path.active]
    checks = PROGRAMS.each("wait-check.sh", ({"INTERFACE": end.interface, "ADDRESS": str(end.address)} for end in ends))
    return "\n".join(PROGRAMS.lines("wait-for-paths.sh", CHECKS=checks))


def _converge_function(plan: LabPlan, router: RouterPlan) -> str:
    device = floating_interface(router)
    return PROGRAMS.text(
        "converge.sh",
        DEVICE_UP=[] if device == "lo" else PROGRAMS.lines("dummy-up.sh", DEVICE=device),
        FLOATING_IP=str(router.floating_ip),
        DEVICE=device,
        HASH_POLICY=str(LAYER4_HASH_POLICY),
        POLICY_FILE=proc_sys(HASH_POLICY_SYSCTL),
        ROUTE_OWNER=route_owner_commands(plan, router.name),
        REDIRECTS=_redirect_lines(plan, router) if router.route_owner == "frr" else [],
    ).removesuffix("\n")


def _state_functions(router: RouterPlan) -> tuple[str, str]:
    """Shell functions: ``snapshot DIR`` records what the router holds now; ``restore DIR`` puts it back."""
    device = floating_interface(router)
    address = str(router.floating_ip)
    states = [(f"$1/{_route_file(position)}", str(route.destination)) for position, route in enumerate(router.routes)]
    snapshot = PROGRAMS.text(
        "snapshot.sh",
        POLICY_FILE=proc_sys(HASH_POLICY_SYSCTL),
        ROUTES=PROGRAMS.each("snapshot-route.sh", ({"STATE": state, "DESTINATION": destination} for state, destination in states)),
        DEVICE=device,
        ADDRESS=address,
        DUMMY=[] if device == "lo" else PROGRAMS.lines("snapshot-dummy.sh", DEVICE=device),
    )
    restore = PROGRAMS.text(
        "restore.sh",
        FLUSH_ROUTES=PROGRAMS.each("restore-flush.sh", ({"DESTINATION": destination} for _, destination in states)),
        ROUTES_BACK=PROGRAMS.each("restore-route.sh", ({"STATE": state, "DESTINATION": destination} for state, destination in states)),
        ADDRESS_BACK=PROGRAMS.lines("restore-address-lo.sh", ADDRESS=address)
        if device == "lo"
        else PROGRAMS.lines("restore-address-dummy.sh", DEVICE=device, ADDRESS=address),
        POLICY_FILE=proc_sys(HASH_POLICY_SYSCTL),
    )
    return snapshot.removesuffix("\n"), restore.removesuffix("\n")


def _refuse_operator_route(plan: LabPlan, router: RouterPlan) -> list[str]:
    """Before the first apply changes anything, a route to a peer's floating /32 or a nexthop object of
    the lab's block that the router already has is refused (refuse-operator-routes.sh)."""
    ids = NexthopIds.of(plan.stack)
    routes = PROGRAMS.each(
        "refuse-operator-route.sh", ({"ROUTER": router.name, "DESTINATION": str(route.destination)} for route in router.routes)
    )
    return PROGRAMS.lines(
        "refuse-operator-routes.sh", ROUTES=routes, ROUTER=router.name, STACK=plan.stack, FIRST_ID=str(ids.first), LAST_ID=str(ids.last)
    )


def _needs_nexthops(router: RouterPlan) -> list[str]:
    """iproute2 routes are nexthop groups: a kernel or iproute2 without them is refused before anything changes."""
    if router.route_owner == "frr":
        return []
    return PROGRAMS.lines("needs-nexthops.sh", ROUTER=router.name)


def _persisted_files(plan: LabPlan, paths: LinuxHostPaths) -> tuple[str, ...]:
    return (
        paths.sysctl_file(plan),
        paths.boot_script(plan),
        paths.unit_file(plan),
        paths.unit_wants_link(plan),
        paths.underlay_sysctl_file(plan),
        paths.keeper_script(plan),
    )


def keeps_routes(router: RouterPlan) -> bool:
    """Whether the router runs the route keeper: where iproute2 owns its routes (FRR heals its own)."""
    return router.route_owner != "frr"


def _keeper_control(plan: LabPlan, router: RouterPlan, paths: LinuxHostPaths) -> tuple[list[str], list[str]]:
    """Shell lines that stop the route keeper (before the apply or undo changes the routes) and that
    start it again (once the apply has written the unit and the keeper). Through systemd where it runs;
    else (and after systemd, for a keeper started by hand) by the pid the keeper recorded, checked
    against its command line first, so a reused pid is never killed."""
    unit = linux_unit(plan.stack)
    systemd = PROGRAMS.lines("stop-keeper-unit.sh", UNIT=unit) if paths.systemd else []
    stop = PROGRAMS.lines("stop-keeper.sh", SYSTEMD=systemd, KEEPER=paths.keeper_script(plan))
    start = []
    if paths.systemd and keeps_routes(router):
        start = PROGRAMS.lines("start-keeper-unit.sh", UNIT=unit)
    elif paths.systemd:
        start = PROGRAMS.lines("reload-units.sh")
    return stop, start


def _title(plan: LabPlan, what: str) -> str:
    """The first line after the shebang of a file the lab leaves on a router: which stack's it is and
    what it does, for whoever finds it there. A value, since a program's own comments never reach a router."""
    return f"# zt-ecmp {plan.stack}: {what}."


def render_boot_script(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """What the systemd unit runs at boot: tune the underlay, converge again and say what it put back.
    Where FRR owns the routes, it waits for the active paths first; with iproute2 routes the keeper
    adds each path as its instance comes up, so nothing waits for a path that may never come."""
    own = _router(plan, router)
    wait = [] if keeps_routes(own) else PROGRAMS.lines("boot-wait.sh", SECONDS=str(BOOT_WAIT_SECONDS))
    peers = " and ".join(route.peer for route in own.routes)
    return PROGRAMS.text(
        "boot.sh",
        TITLE=_title(plan, f"{own.name}'s floating address and ECMP route to {peers}, re-applied at boot"),
        ROUTER=own.name,
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        WAIT_FOR_PATHS=_wait_function(plan, own, every_path=False),
        ROUTE_KEEPING=route_keeping(plan, own),
        CONVERGE=_converge_function(plan, own),
        TUNE_UNDERLAY=underlay_tune_functions(own),
        WAIT=wait,
        LOCK=router_lock(f"boot of zt-ecmp stack {plan.stack} on {own.name}"),
        FLOATING_IP=str(own.floating_ip),
        FLOATING_INTERFACE=floating_interface(own),
        ROUTE_OWNER="the route keeper keeps the routes from now on" if keeps_routes(own) else "FRR owns the routes",
    )


def render_keeper(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """The route keeper (keeper.sh): runs for as long as the lab is on the router."""
    own = _router(plan, router)
    if not keeps_routes(own):
        raise ValueError(f"router {router!r}: FRR owns its routes, and it runs no route keeper")
    return PROGRAMS.text(
        "keeper.sh",
        TITLE=_title(plan, f"keeps {own.name}'s routes to {destinations_text(own)} over every live path"),
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        LOCK_FUNCTIONS=lock_functions(),
        KEEP_ROUTES=route_keeping(plan, own),
    )


def render_boot_unit(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """The lab's systemd unit. With iproute2 routes it runs the boot script, then the keeper for as long
    as the router runs (restarted if it ever exits); with FRR, the boot script once."""
    own = _router(plan, router)
    service: tuple[tuple[str, str], ...]
    if keeps_routes(own):
        service = (
            ("Type", "simple"),
            ("ExecStartPre", f"/bin/sh {paths.boot_script(plan)}"),
            ("ExecStart", f"/bin/sh {paths.keeper_script(plan)}"),
            ("Restart", "always"),
            ("RestartSec", "2"),
        )
    else:
        service = (
            ("Type", "oneshot"),
            ("RemainAfterExit", "yes"),
            ("TimeoutStartSec", str(BOOT_WAIT_SECONDS + 30)),
            ("ExecStart", f"/bin/sh {paths.boot_script(plan)}"),
        )
    description = f"zt-ecmp {plan.stack}: floating {own.floating_ip} and ECMP route to {destinations_text(own)}"
    unit = Unit(
        (
            ("Unit", (("Description", description), ("Wants", "network-online.target"), ("After", "network-online.target docker.service"))),
            ("Service", service),
            ("Install", (("WantedBy", "multi-user.target"),)),
        )
    )
    return unit_text(unit)


def _heredoc_write(target: str, text: str, marker: str) -> str:
    return PROGRAMS.text("replace-file.sh", TARGET_WORD=shlex.quote(target), TEXT=text.rstrip("\n"), MARKER=marker)


def render_linux_apply(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """The apply script for one router: idempotent, all or nothing."""
    own = _router(plan, router)
    files = _persisted_files(plan, paths)
    sysctl_file, boot_script, unit_file, wants_link, underlay_sysctl, keeper_script = files
    file_values = [{"PATH_WORD": shlex.quote(path), "INDEX": str(index)} for index, path in enumerate(files)]
    underlay_sysctl_conf = render_underlay_sysctl_conf(plan, router)
    snapshot, restore = _state_functions(own)
    stop_keeper, start_keeper = _keeper_control(plan, own, paths)
    return PROGRAMS.text(
        "routing-apply.sh",
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
        ACTIVE=str(plan.active_path_count),
        TOTAL=str(plan.path_count),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        NEEDS_NEXTHOPS=_needs_nexthops(own),
        WAIT_FOR_PATHS=_wait_function(plan, own, every_path=True),
        ROUTE_KEEPING=route_keeping(plan, own),
        CONVERGE=_converge_function(plan, own),
        UNDERLAY_FUNCTIONS=underlay_shell_functions(own),
        SNAPSHOT=snapshot,
        RESTORE=restore,
        RESTORE_FILES=PROGRAMS.each("restore-file.sh", file_values),
        APPLY_WAIT_SECONDS=str(APPLY_WAIT_SECONDS),
        LOCK=router_lock(f"apply of zt-ecmp stack {plan.stack} on {own.name}"),
        REFUSE_OPERATOR_ROUTE=_refuse_operator_route(plan, own),
        BACKUP_FILES=PROGRAMS.each("backup-file.sh", file_values),
        ROLLBACK=rollback_on_failure(
            "apply",
            PROGRAMS.lines("routing-restore.sh"),
            take_lock=False,
        ),
        STOP_KEEPER=stop_keeper,
        START_KEEPER=start_keeper,
        SYSCTL_DIR_WORD=shlex.quote(paths.sysctl_dir),
        UNIT_DIR_WORD=shlex.quote(paths.unit_dir),
        WRITE_SYSCTL=_heredoc_write(sysctl_file, render_sysctl_conf(plan), "ZT_ECMP_SYSCTL"),
        WRITE_BOOT_SCRIPT=_heredoc_write(boot_script, render_boot_script(plan, router, paths), "ZT_ECMP_BOOT"),
        WRITE_KEEPER=_heredoc_write(keeper_script, render_keeper(plan, router, paths), "ZT_ECMP_KEEPER")
        if keeps_routes(own)
        else PROGRAMS.text("remove-file.sh", TARGET_WORD=shlex.quote(keeper_script)),
        WRITE_UNIT=_heredoc_write(unit_file, render_boot_unit(plan, router, paths), "ZT_ECMP_UNIT"),
        UNIT_FILE_WORD=shlex.quote(unit_file),
        WANTS_LINK_WORD=shlex.quote(wants_link),
        WRITE_UNDERLAY_SYSCTL=_heredoc_write(underlay_sysctl, underlay_sysctl_conf, "ZT_ECMP_UNDERLAY_SYSCTL")
        if underlay_sysctl_conf
        else PROGRAMS.text("remove-file.sh", TARGET_WORD=shlex.quote(underlay_sysctl)),
    )


def render_linux_undo(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """The undo script for one router: back to exactly the state before the first apply."""
    own = _router(plan, router)
    stop_keeper, _ = _keeper_control(plan, own, paths)
    return PROGRAMS.text(
        "routing-undo.sh",
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        LOCK=router_lock(f"undo of zt-ecmp stack {plan.stack} on {own.name}"),
        STOP_KEEPER=stop_keeper,
        UNDERLAY_RESTORE=underlay_restore_functions(),
        ROUTE_KEEPING=route_keeping(plan, own),
        RESTORE=_state_functions(own)[1],
        PERSISTED_FILES_WORDS=" ".join(shlex.quote(path) for path in _persisted_files(plan, paths)),
        RELOAD_UNITS=PROGRAMS.lines("reload-units.sh") if paths.systemd else [],
        STATE_ROOT_WORD=shlex.quote(paths.state_root),
    )
