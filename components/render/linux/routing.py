"""Routing on a plain Linux router, rendered as POSIX shell scripts (iproute2 and /proc/sys).

Three texts per router: the apply script, the undo script, and what it leaves behind for boot.
The apply script is one transaction: it snapshots the live state, converges, persists, and on any
failure restores the snapshot before exiting non-zero. Its first run also records the state from
before this program touched the router; the undo script puts exactly that back.

Boot persistence is a systemd unit rather than networkd files: the path interfaces belong to the
ZeroTier instances and appear late, so the unit runs a small script that waits for them and then
re-applies the floating address and the route. The sysctl is a sysctl.d drop-in.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from components.model.kernel import HASH_POLICY_SYSCTL, LAYER4_HASH_POLICY
from components.model.naming import linux_sysctl_dropin, linux_underlay_sysctl_dropin, linux_unit
from components.model.plan import LabPlan, RoutePlan, RouterPlan
from components.render.linux import PROGRAMS
from components.render.linux.transaction import rollback_on_failure
from components.render.linux.underlay import (
    proc_sys,
    render_underlay_sysctl_conf,
    underlay_restore_functions,
    underlay_shell_functions,
    underlay_tune_functions,
)

# The apply script waits this long for the path interfaces to carry their /30; at boot the
# ZeroTier containers may still be joining, so the boot script waits longer.
APPLY_WAIT_SECONDS = 60
BOOT_WAIT_SECONDS = 300
SAFE_PATH = re.compile(r"^/[A-Za-z0-9_./-]*$")


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


DEFAULT_HOST_PATHS = LinuxHostPaths()


def _router(plan: LabPlan, router: str) -> RouterPlan:
    found = plan.router(router)
    if found.flavor != "linux":
        raise ValueError(f"router {router!r} has flavor {found.flavor!r}; the Linux scripts are for routers with flavor 'linux'")
    return found


def floating_interface(router: RouterPlan) -> str:
    return "lo" if router.floating_on == "loopback" else router.dummy_interface


def route_command(route: RoutePlan) -> str:
    """The one command that points a peer's floating /32 at every active path."""
    hops = route.active_next_hops
    if len(hops) == 1:
        return f"ip route replace {route.destination} via {hops[0].address} dev {hops[0].interface}"
    nexthops = " ".join(f"nexthop via {hop.address} dev {hop.interface}" for hop in hops)
    return f"ip route replace {route.destination} {nexthops}"


def route_owner_commands(plan: LabPlan, router: str) -> tuple[str, ...]:
    """What the scripts do about the routes: install them (iproute2), or leave them to FRR (frr).

    With FRR they only remove a route an earlier iproute2 apply left behind: the kernel would prefer
    it to FRR's (``proto ospf``), and it would never heal.
    """
    own = plan.router(router)
    if own.route_owner == "frr":
        return tuple(
            f'if [ -n "$(ip -4 route show table main exact {route.destination} proto boot)" ]; '
            f"then ip -4 route del {route.destination} proto boot table main; fi"
            for route in own.routes
        )
    return tuple(route_command(route) for route in own.routes)


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
    if router.forwards:
        # conf.all is switched off with the other kernel settings (tune_underlay); each path interface's
        # own switch too, for those that exist yet. They go with the interfaces, so nothing to undo.
        for path in plan.paths:
            conf = f"/proc/sys/net/ipv4/conf/{path.end(router.name).interface}"
            lines.append(f"  [ ! -d {conf} ] || echo 0 > {conf}/send_redirects")
    lines.append("}")
    return "\n".join(lines)


def _state_functions(router: RouterPlan) -> tuple[str, str]:
    """Shell functions: ``snapshot DIR`` records what the router holds now; ``restore DIR`` puts it back."""
    device = floating_interface(router)
    address = router.floating_ip
    policy_file = proc_sys(HASH_POLICY_SYSCTL)
    snapshot = ["snapshot() {", '  mkdir -p "$1"', f'  cat {policy_file} > "$1/hash_policy"']
    restore = ["restore() {"]
    for position, route in enumerate(router.routes):
        state = f"$1/{_route_file(position)}"
        snapshot += [
            f'  ip -4 route show table main exact {route.destination} > "{state}.txt"',
            f'  if [ -s "{state}.txt" ]; then ip -4 route save table main exact {route.destination} > "{state}.bin"; fi',
        ]
        restore += [
            f"  ip -4 route flush table main exact {route.destination}",
            f'  if [ -s "{state}.bin" ]; then ip -4 route restore < "{state}.bin"; fi',
        ]
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


def _refuse_operator_route(router: RouterPlan) -> list[str]:
    """Before the first apply changes anything: a route the router already has to a peer's floating
    /32 would be replaced (iproute2) or win over FRR's, and flows on its next hops would leave
    unencrypted. It is the operator's: refuse, naming it."""
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
    return [*lines, "fi"]


def _persisted_files(plan: LabPlan, paths: LinuxHostPaths) -> tuple[str, ...]:
    return (
        paths.sysctl_file(plan),
        paths.boot_script(plan),
        paths.unit_file(plan),
        paths.unit_wants_link(plan),
        paths.underlay_sysctl_file(plan),
    )


def render_boot_script(plan: LabPlan, router: str) -> str:
    """What the systemd unit runs at boot: wait for the paths, then converge again."""
    own = _router(plan, router)
    return PROGRAMS.text(
        "boot.sh",
        STACK=plan.stack,
        ROUTER=own.name,
        PEERS=" and ".join(route.peer for route in own.routes),
        WAIT_FOR_PATHS=_wait_function(plan, own, every_path=False),
        CONVERGE=_converge_function(plan, own),
        TUNE_UNDERLAY=underlay_tune_functions(own),
        BOOT_WAIT_SECONDS=str(BOOT_WAIT_SECONDS),
    )


def render_boot_unit(plan: LabPlan, router: str, paths: LinuxHostPaths = DEFAULT_HOST_PATHS) -> str:
    own = _router(plan, router)
    return "\n".join(
        [
            "[Unit]",
            f"Description=zt-ecmp {plan.stack}: floating {own.floating_ip} and ECMP route to {destinations_text(own)}",
            "Wants=network-online.target",
            "After=network-online.target docker.service",
            "",
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
            f"TimeoutStartSec={BOOT_WAIT_SECONDS + 30}",
            f"ExecStart=/bin/sh {paths.boot_script(plan)}",
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
    sysctl_file, boot_script, unit_file, wants_link, underlay_sysctl = files
    underlay_sysctl_conf = render_underlay_sysctl_conf(plan, router)
    snapshot, restore = _state_functions(own)
    return PROGRAMS.text(
        "routing-apply.sh",
        STACK=plan.stack,
        ROUTER=own.name,
        FLOATING_IP=str(own.floating_ip),
        FLOATING_INTERFACE=floating_interface(own),
        ROUTES=routes_text(own),
        DESTINATIONS=destinations_text(own),
        ACTIVE=str(plan.active_path_count),
        TOTAL=str(plan.path_count),
        SYSCTL_FILE=sysctl_file,
        UNIT_FILE=unit_file,
        STATE_DIR=paths.state_dir(plan),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        WAIT_FOR_PATHS=_wait_function(plan, own, every_path=True),
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
        REFUSE_OPERATOR_ROUTE=_refuse_operator_route(own),
        BACKUP_FILES=[
            f'if [ -e {shlex.quote(path)} ] || [ -L {shlex.quote(path)} ]; then cp -P {shlex.quote(path)} "$run_dir/files/{index}"; fi'
            for index, path in enumerate(files)
        ],
        ROLLBACK=rollback_on_failure(
            "apply", ['restore "$run_dir/before"', "restore_files", '[ "$first_apply" = no ] || rm -rf "$state_dir"']
        ),
        SYSCTL_DIR_WORD=shlex.quote(paths.sysctl_dir),
        UNIT_DIR_WORD=shlex.quote(paths.unit_dir),
        WRITE_SYSCTL=_heredoc_write(sysctl_file, render_sysctl_conf(plan), "ZT_ECMP_SYSCTL"),
        WRITE_BOOT_SCRIPT=_heredoc_write(boot_script, render_boot_script(plan, router), "ZT_ECMP_BOOT"),
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
    return PROGRAMS.text(
        "routing-undo.sh",
        STACK=plan.stack,
        ROUTER=own.name,
        DESTINATIONS=destinations_text(own),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        UNDERLAY_RESTORE=underlay_restore_functions(),
        RESTORE=_state_functions(own)[1],
        PERSISTED_FILES_WORDS=" ".join(shlex.quote(path) for path in _persisted_files(plan, paths)),
        STATE_ROOT_WORD=shlex.quote(paths.state_root),
    )
