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
    group = _group_id(plan, route)
    lines = [f"# {text}: group {group}", "members='' over='' down=''"]
    for hop in route.active_next_hops:
        end = plan.path(hop.path_index).end(router.name)
        member = _member_id(plan, route, hop)
        what = f"next hop {hop.address} on path {hop.path_index} ({hop.interface}) ready for {text}"
        add = f"ip nexthop replace id {member} via {hop.address} dev {hop.interface}"
        lines += [
            f"if drained {hop.path_index}; then",
            f'  down="$down {hop.path_index}(drained)"',
            f"elif usable {hop.interface} {end.address.ip}; then",
            f'  has_nexthop {member} {hop.address} {hop.interface} || fix "{what}" {add}',
            f'  members="$members/{member}"',
            f'  over="$over {hop.path_index}"',
            "else",
            f'  down="$down {hop.path_index}"',
            "fi",
        ]
    lines.append(f'keep_group {group} "${{members#/}}" {route.destination} "{text}" "$over" "$down"')
    return lines


def _redirect_lines(plan: LabPlan, router: RouterPlan) -> list[str]:
    """A hub sends no ICMP redirect on any path interface, one created since the last run included (an
    instance that restarted): conf.all is off (tune_underlay), and a device's own switch counts too."""
    if not router.forwards:
        return []
    # dash's read returns 1 on a /proc/sys file (it reads it a byte at a time) though it has read the value.
    lines = []
    for path in plan.paths:
        switch = f"/proc/sys/net/ipv4/conf/{path.end(router.name).interface}/send_redirects"
        lines.append(f'if [ -f {switch} ]; then read -r redirects < {switch} || :; [ "$redirects" = 0 ] || echo 0 > {switch}; fi')
    return lines


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
        return (
            *(
                f'if [ -n "$(ip -4 route show table main exact {route.destination} proto boot)" ]; '
                f"then ip -4 route del {route.destination} proto boot table main; fi"
                for route in own.routes
            ),
            prune,
        )
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
    why = f"# zt-ecmp {plan.stack}: ECMP over the ZeroTier paths hashes on ports, so parallel flows spread."
    return f"{why}\n{HASH_POLICY_SYSCTL} = {LAYER4_HASH_POLICY}\n"


def _wait_function(plan: LabPlan, router: RouterPlan, *, every_path: bool) -> str:
    """``wait_for_paths SECONDS``: until each path interface holds its /30, that is, until its instance
    has joined. The apply waits for every built path, so that `pulumi up` returns with all instances
    joined; the boot script only for the active ones, which the route needs."""
    indices = [path.index for path in plan.paths] if every_path else [path.index for path in plan.paths if path.active]
    checks = []
    for index in indices:
        end = plan.path(index).end(router.name)
        has_address = f"ip -4 -o addr show dev {end.interface} 2>/dev/null | grep -qF ' inet {end.address} '"
        checks.append(f'{has_address} || missing="$missing {end.interface}"')
    return "\n".join(PROGRAMS.lines("wait-for-paths.sh", CHECKS=checks))


def _converge_function(plan: LabPlan, router: RouterPlan) -> str:
    device = floating_interface(router)
    lines = ["converge() {"]
    if device != "lo":
        lines += [
            f"  ip link show dev {device} >/dev/null 2>&1 || ip link add {device} type dummy",
            f"  ip link set dev {device} up",
        ]
    lines += [
        f"  ip addr replace {router.floating_ip} dev {device}",
        # Written through /proc/sys so that only iproute2 is needed; the drop-in persists it.
        f"  echo {LAYER4_HASH_POLICY} > {proc_sys(HASH_POLICY_SYSCTL)}",
        *(f"  {command}" for command in route_owner_commands(plan, router.name)),
    ]
    if router.forwards and router.route_owner == "frr":
        # With iproute2 routes keep_routes does this, and the keeper again whenever an instance restarts.
        lines += [f"  {line}" for line in _redirect_lines(plan, router)]
    lines.append("}")
    return "\n".join(lines)


def _state_functions(router: RouterPlan) -> tuple[str, str]:
    """Shell functions: ``snapshot DIR`` records what the router holds now; ``restore DIR`` puts it back."""
    device = floating_interface(router)
    address = router.floating_ip
    policy_file = proc_sys(HASH_POLICY_SYSCTL)
    snapshot = ["snapshot() {", '  mkdir -p "$1"', f'  cat {policy_file} > "$1/hash_policy"', '  lab_nexthops > "$1/nexthops"']
    # The lab's groups go first, and their routes with them: `ip route flush` cannot delete a route
    # that points at a group (iproute2 6.1 sends its expanded next hops back, and the kernel refuses).
    restore = ["restore() {", "  prune_nexthops ''"]
    routes_back = []
    for position, route in enumerate(router.routes):
        state = f"$1/{_route_file(position)}"
        # A route that points at a nexthop group is saved as its group's id: `ip route save` would
        # also dump its next hops (nexthop_compat_mode), and the kernel refuses a route with both.
        snapshot += [
            f'  ip -4 route show table main exact {route.destination} > "{state}.txt"',
            f'  if grep -q " nhid " "{state}.txt"; then',
            f'    awk \'{{ for (i = 1; i < NF; i++) if ($i == "nhid") {{ print $(i + 1); exit }} }}\' "{state}.txt" > "{state}.nhid"',
            f'  elif [ -s "{state}.txt" ]; then',
            f'    ip -4 route save table main exact {route.destination} > "{state}.bin"',
            "  fi",
        ]
        restore.append(f"  ip -4 route flush table main exact {route.destination}")
        routes_back += [
            f'  if [ -s "{state}.bin" ]; then ip -4 route restore < "{state}.bin"; fi',
            f'  if [ -s "{state}.nhid" ]; then ip -4 route replace {route.destination} nhid "$(cat "{state}.nhid")" || true; fi',
        ]
    restore += ['  add_nexthops "$1/nexthops"', *routes_back]
    snapshot.append(
        f"  if ip -4 -o addr show dev {device} 2>/dev/null | grep -qF ' inet {address} '; then echo yes; else echo no; fi > \"$1/address\""
    )
    if device == "lo":
        restore += [
            f"  if ip -4 -o addr show dev lo | grep -qF ' inet {address} '; then now=yes; else now=no; fi",
            f'  if [ "$now" = yes ] && [ "$(cat "$1/address")" = no ]; then ip addr del {address} dev lo; fi',
            f'  if [ "$now" = no ] && [ "$(cat "$1/address")" = yes ]; then ip addr add {address} dev lo; fi',
        ]
    else:
        snapshot += [
            f'  if ip link show dev {device} >/dev/null 2>&1; then echo yes; else echo no; fi > "$1/dummy"',
            f"  if ip -o link show dev {device} 2>/dev/null | grep -q '[<,]UP[,>]'; then echo yes; else echo no; fi > \"$1/dummy_up\"",
        ]
        restore += [
            '  if [ "$(cat "$1/dummy")" = no ]; then',
            f"    if ip link show dev {device} >/dev/null 2>&1; then ip link del {device}; fi",
            "  else",
            f"    ip link show dev {device} >/dev/null 2>&1 || ip link add {device} type dummy",
            f"    if ip -4 -o addr show dev {device} | grep -qF ' inet {address} '; then now=yes; else now=no; fi",
            f'    if [ "$now" = yes ] && [ "$(cat "$1/address")" = no ]; then ip addr del {address} dev {device}; fi',
            f'    if [ "$now" = no ] && [ "$(cat "$1/address")" = yes ]; then ip addr add {address} dev {device}; fi',
            f'    if [ "$(cat "$1/dummy_up")" = yes ]; then ip link set dev {device} up; else ip link set dev {device} down; fi',
            "  fi",
        ]
    snapshot += ['  underlay_snapshot "$1"', "}"]
    restore += [f'  cat "$1/hash_policy" > {policy_file}', '  underlay_restore "$1"', "}"]
    return "\n".join(snapshot), "\n".join(restore)


def _refuse_operator_route(plan: LabPlan, router: RouterPlan) -> list[str]:
    """Before the first apply changes anything: a route the router already has to a peer's floating
    /32 would be replaced (iproute2) or win over FRR's, and flows on its next hops would leave
    unencrypted; a nexthop object with an id of the lab's block would be taken over, and deleted by
    undo. They are the operator's: refuse, naming them."""
    ids = NexthopIds.of(plan.stack)
    lines = ['if [ "$first_apply" = yes ]; then']
    for route in router.routes:
        lines += [
            f"  existing=$(ip -4 route show table main exact {route.destination} | paste -sd ';' -)",
            '  if [ -n "$existing" ]; then',
            f'    echo "zt-ecmp: {router.name} already has a route to {route.destination} that zt-ecmp did not install ($existing); '
            'remove it or choose other floating IPs, then apply again" >&2',
            "    exit 1",
            "  fi",
        ]
    lines += [
        "  taken=$(lab_nexthops | awk '{ print $2 }' | paste -sd ' ' -)",
        '  if [ -n "$taken" ]; then',
        f'    echo "zt-ecmp: {router.name} already has nexthop objects with ids $taken, which zt-ecmp did not create: '
        f"stack {plan.stack} keeps the ids {ids.first} to {ids.last} for its routes; remove them (ip nexthop del id ...) "
        'or use another stack name, then apply again" >&2',
        "    exit 1",
        "  fi",
    ]
    return [*lines, "fi"]


def _needs_nexthops(router: RouterPlan) -> list[str]:
    """iproute2 routes are nexthop groups: a kernel or iproute2 without them is refused before anything changes."""
    if router.route_owner == "frr":
        return []
    return [
        "if ! ip nexthop show >/dev/null 2>&1; then",
        f'  echo "zt-ecmp: {router.name} has no kernel nexthop objects (ip nexthop; Linux 5.3 and iproute2 5.3 or later), '
        'which its routes need to keep their other paths when one instance stops" >&2',
        "  exit 1",
        "fi",
    ]


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
    keeper = paths.keeper_script(plan)
    stop = []
    if paths.systemd:
        stop.append(f"if [ -d /run/systemd/system ]; then systemctl stop {unit} 2>/dev/null || true; fi")
    stop += [
        'if [ -f "$state_dir/keeper.pid" ]; then',
        '  keeper=$(cat "$state_dir/keeper.pid")',
        f'  case "$(tr \'\\000\' \' \' < "/proc/$keeper/cmdline" 2>/dev/null)" in *" {keeper} "*) kill "$keeper" ;; esac',
        '  rm -f "$state_dir/keeper.pid"',
        "fi",
    ]
    start = []
    if paths.systemd and keeps_routes(router):
        # --no-block: the unit's boot script waits for this run's lock, released when the run ends.
        start.append(f"if [ -d /run/systemd/system ]; then systemctl daemon-reload && systemctl --no-block start {unit}; fi")
    elif paths.systemd:
        start.append("if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi")
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
    wait = [] if keeps_routes(own) else [f"wait_for_paths {BOOT_WAIT_SECONDS} || true"]
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
    if keeps_routes(own):
        service = [
            "Type=simple",
            f"ExecStartPre=/bin/sh {paths.boot_script(plan)}",
            f"ExecStart=/bin/sh {paths.keeper_script(plan)}",
            "Restart=always",
            "RestartSec=2",
        ]
    else:
        service = [
            "Type=oneshot",
            "RemainAfterExit=yes",
            f"TimeoutStartSec={BOOT_WAIT_SECONDS + 30}",
            f"ExecStart=/bin/sh {paths.boot_script(plan)}",
        ]
    return "\n".join(
        [
            "[Unit]",
            f"Description=zt-ecmp {plan.stack}: floating {own.floating_ip} and ECMP route to {destinations_text(own)}",
            "Wants=network-online.target",
            "After=network-online.target docker.service",
            "",
            "[Service]",
            *service,
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def _heredoc_write(target: str, text: str, marker: str) -> str:
    return PROGRAMS.text("replace-file.sh", TARGET_WORD=shlex.quote(target), TEXT=text.rstrip("\n"), MARKER=marker)


def render_linux_apply(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    """The apply script for one router: idempotent, all or nothing."""
    own = _router(plan, router)
    files = _persisted_files(plan, paths)
    sysctl_file, boot_script, unit_file, wants_link, underlay_sysctl, keeper_script = files
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
        RESTORE_FILES=[
            f'rm -f {shlex.quote(path)}; if [ -e "$run_dir/files/{index}" ] || [ -L "$run_dir/files/{index}" ]; '
            f'then cp -P "$run_dir/files/{index}" {shlex.quote(path)}; fi'
            for index, path in enumerate(files)
        ],
        APPLY_WAIT_SECONDS=str(APPLY_WAIT_SECONDS),
        LOCK=router_lock(f"apply of zt-ecmp stack {plan.stack} on {own.name}"),
        REFUSE_OPERATOR_ROUTE=_refuse_operator_route(plan, own),
        BACKUP_FILES=[
            f'if [ -e {shlex.quote(path)} ] || [ -L {shlex.quote(path)} ]; then cp -P {shlex.quote(path)} "$run_dir/files/{index}"; fi'
            for index, path in enumerate(files)
        ],
        ROLLBACK=rollback_on_failure(
            "apply",
            ['restore "$run_dir/before"', "restore_files", '[ "$first_apply" = no ] || rm -rf "$state_dir"'],
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
        else f"rm -f {shlex.quote(keeper_script)}",
        WRITE_UNIT=_heredoc_write(unit_file, render_boot_unit(plan, router, paths), "ZT_ECMP_UNIT"),
        UNIT_FILE_WORD=shlex.quote(unit_file),
        WANTS_LINK_WORD=shlex.quote(wants_link),
        WRITE_UNDERLAY_SYSCTL=_heredoc_write(underlay_sysctl, underlay_sysctl_conf, "ZT_ECMP_UNDERLAY_SYSCTL")
        if underlay_sysctl_conf
        else f"rm -f {shlex.quote(underlay_sysctl)}",
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
        RELOAD_UNITS=["if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi"] if paths.systemd else [],
        STATE_ROOT_WORD=shlex.quote(paths.state_root),
    )
