"""Post-deploy validation: is each router what the plan says, and do the paths and floating IPs answer?

A check is a pair of pure functions: the commands it wants run on a router (from the plan), and its
verdicts from those commands' outputs. The runner gathers every check's commands per router, runs
each once through a ``RouterShell`` and hands the outputs back. Adding a check (BFD session state
per path, underlay speed and MTU, ...) means writing those two functions and adding the ``Check``
to ``CHECKS``.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from components.model.kernel import HASH_POLICY_SYSCTL, LAYER4_HASH_POLICY
from components.model.naming import ZEROTIER_HOME, instance_name
from components.model.plan import LabPlan, PathEnd, PathPlan, RoutePlan, RouterPlan
from components.ops.shell import CommandOutput, RouterShell
from components.ops.validate.underlay import underlay_checks
from components.render.vyos.configuration import OP_MODE

Status = Literal["pass", "fail", "n/a"]


@dataclass(frozen=True)
class RouterScope:
    """What a check knows about the router it looks at."""

    plan: LabPlan
    router: RouterPlan
    # Why there are no ZeroTier containers to inspect on this router (None on a real lab).
    zerotier_absent: str | None = None
    # Why there is no physical underlay to inspect (None on a real lab).
    underlay_absent: str | None = None

    def active_paths(self) -> tuple[PathPlan, ...]:
        return tuple(path for path in self.plan.paths if path.active)


@dataclass(frozen=True)
class CheckResult:
    router: str
    check: str
    subject: str
    status: Status
    detail: str


Observed = Mapping[str, CommandOutput]


@dataclass(frozen=True)
class Check:
    name: str
    commands: Callable[[RouterScope], Sequence[str]]
    evaluate: Callable[[RouterScope, Observed], Sequence[CheckResult]]


def _result(scope: RouterScope, check: str, subject: str, status: Status, detail: str) -> CheckResult:
    return CheckResult(scope.router.name, check, subject, status, detail)


def _not_applicable(scope: RouterScope, check: str) -> list[CheckResult]:
    return [_result(scope, check, f"paths 1-{scope.plan.path_count}", "n/a", scope.zerotier_absent or "")]


def _indices(scope: RouterScope) -> list[int]:
    return [path.index for path in scope.plan.paths]


# -- containers -------------------------------------------------------------------------------

CONTAINERS = "container running"
VYOS_SHOW_CONTAINER = f"{OP_MODE} show container"


def _name(scope: RouterScope, index: int) -> str:
    """The instance's container: the same name on either runtime."""
    return instance_name(scope.plan.project, scope.plan.stack, index)


# The router's own engine, whatever Docker context its login has selected (`--context` overrides both
# DOCKER_CONTEXT and `docker context use`).
DOCKER = ("docker", "--context", "default")


def _engine(scope: RouterScope) -> tuple[str, ...]:
    return ("sudo", "podman") if scope.router.runtime == "vyos" else DOCKER


def _container_commands(scope: RouterScope) -> list[str]:
    if scope.zerotier_absent:
        return []
    if scope.router.runtime == "vyos":
        return [VYOS_SHOW_CONTAINER]
    return [shlex.join([*DOCKER, "inspect", "--type", "container", _name(scope, index)]) for index in _indices(scope)]


def parse_show_container(text: str) -> dict[str, str]:
    """Container name to status from VyOS ``show container`` (podman's table: columns by header position)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next((line for line in lines if line.startswith("CONTAINER ID")), None)
    if header is None:
        return {}
    status_at, ports_at, names_at = header.index("STATUS"), header.index("PORTS"), header.index("NAMES")
    statuses = {}
    for line in lines[lines.index(header) + 1 :]:
        statuses[line[names_at:].strip()] = line[status_at:ports_at].strip()
    return statuses


def _containers_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.zerotier_absent:
        return _not_applicable(scope, CONTAINERS)
    results = []
    if scope.router.runtime == "vyos":
        listing = observed[VYOS_SHOW_CONTAINER]
        statuses = parse_show_container(listing.stdout) if listing.ok else {}
        for index in _indices(scope):
            name = _name(scope, index)
            if not listing.ok:
                results.append(_result(scope, CONTAINERS, f"path {index}", "fail", f"show container failed: {listing.why()}"))
            elif name not in statuses:
                results.append(_result(scope, CONTAINERS, f"path {index}", "fail", f"no container named {name}"))
            elif not statuses[name].startswith("Up"):
                results.append(_result(scope, CONTAINERS, f"path {index}", "fail", f"{name} is {statuses[name]!r}"))
            else:
                results.append(_result(scope, CONTAINERS, f"path {index}", "pass", f"{name}: {statuses[name]}"))
        return results
    for index, command in zip(_indices(scope), _container_commands(scope), strict=True):
        name, output = _name(scope, index), observed[command]
        if not output.ok:
            results.append(_result(scope, CONTAINERS, f"path {index}", "fail", f"docker inspect {name}: {output.why()}"))
            continue
        inspected = _json(output)
        state = inspected[0].get("State", {}) if isinstance(inspected, list) and inspected else {}
        if state.get("Running") and not state.get("Restarting"):
            results.append(_result(scope, CONTAINERS, f"path {index}", "pass", f"{name}: running since {state.get('StartedAt', '?')}"))
        else:
            why = f"{name} is {state.get('Status', 'not running')}, exit code {state.get('ExitCode')}"
            results.append(_result(scope, CONTAINERS, f"path {index}", "fail", why + (f": {state['Error']}" if state.get("Error") else "")))
    return results


# -- ZeroTier instances -----------------------------------------------------------------------

ZEROTIER = "zerotier joined"


def _cli(scope: RouterScope, end: PathEnd, index: int, *words: str) -> str:
    return shlex.join([*_engine(scope), "exec", _name(scope, index), "zerotier-cli", f"-p{end.port}", f"-D{ZEROTIER_HOME}", "-j", *words])


def _zerotier_commands(scope: RouterScope) -> list[str]:
    if scope.zerotier_absent:
        return []
    commands = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        commands += [_cli(scope, end, path.index, "info"), _cli(scope, end, path.index, "listnetworks")]
    return commands


def _json(output: CommandOutput) -> Any:
    try:
        return json.loads(output.stdout)
    except json.JSONDecodeError:
        return None


def _zerotier_verdict(end: PathEnd, info: CommandOutput, networks: CommandOutput) -> tuple[Status, str]:
    """A path is judged by its network (status, address, interface); the peer answering over it is
    the next check. Root contact is reported, never judged: `online` only says a root was heard
    recently (it flickers right after start), and a lab may have no root to reach at all."""
    node = _json(info)
    if not info.ok or not isinstance(node, dict):
        return "fail", f"zerotier-cli info: {info.why()}"
    roots = "roots heard" if node.get("online") else "no root heard lately (information only)"
    joined = _json(networks)
    if not networks.ok or not isinstance(joined, list):
        return "fail", f"zerotier-cli listnetworks: {networks.why()}"
    if len(joined) != 1:
        return "fail", f"joined to {len(joined)} networks, expected exactly one: {', '.join(str(n.get('id')) for n in joined) or 'none'}"
    network = joined[0]
    planned = str(end.address)
    problems = []
    if network.get("status") != "OK":
        problems.append(f"network {network.get('id')} status is {network.get('status')}")
    if network.get("portDeviceName") != end.interface:
        problems.append(f"interface is {network.get('portDeviceName')}, planned {end.interface}")
    if planned not in network.get("assignedAddresses", []):
        problems.append(f"addresses are {network.get('assignedAddresses')}, planned {planned}")
    if problems:
        return "fail", "; ".join(problems)
    return "pass", f"node {node.get('address')}, network {network.get('id')} OK, {planned} on {end.interface}; {roots}"


def _zerotier_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.zerotier_absent:
        return _not_applicable(scope, ZEROTIER)
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        info, networks = observed[_cli(scope, end, path.index, "info")], observed[_cli(scope, end, path.index, "listnetworks")]
        status, detail = _zerotier_verdict(end, info, networks)
        results.append(_result(scope, ZEROTIER, f"path {path.index}", status, detail))
    return results


# -- CPU pins ----------------------------------------------------------------------------------

PINS = "cpu pin"
# Inside the container: every process's name and the CPUs it may run on (zerotier-one is not PID 1:
# the official entrypoint starts it in the background).
PROCESS_CPUS = "grep -H -e '^Name:' -e '^Cpus_allowed_list:' /proc/[0-9]*/status 2>/dev/null"


def _pins_command(scope: RouterScope, index: int) -> str:
    return shlex.join([*_engine(scope), "exec", _name(scope, index), "sh", "-c", PROCESS_CPUS])


def _pins_commands(scope: RouterScope) -> list[str]:
    return [] if scope.zerotier_absent else [_pins_command(scope, index) for index in _indices(scope)]


def parse_cpu_list(text: str) -> frozenset[int]:
    """A kernel CPU list (``0-3,8,10-11``) as a set of CPU ids."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return frozenset(cpus)


def zerotier_allowed_cpus(grep_output: str) -> frozenset[int] | None:
    """The CPUs the zerotier-one process may run on, from PROCESS_CPUS' output (None: no such process)."""
    fields: dict[str, dict[str, str]] = {}
    for line in grep_output.splitlines():
        path, _, rest = line.partition(":")
        key, _, value = rest.partition(":")
        fields.setdefault(path, {})[key] = value.strip()
    for status in fields.values():
        if status.get("Name") == "zerotier-one" and "Cpus_allowed_list" in status:
            return parse_cpu_list(status["Cpus_allowed_list"])
    return None


def _cpus(cpus: frozenset[int] | tuple[int, ...]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))


def _pins_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    """What the kernel lets the running process use, not what a configuration file says."""
    if scope.zerotier_absent:
        return _not_applicable(scope, PINS)
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        output = observed[_pins_command(scope, path.index)]
        allowed = zerotier_allowed_cpus(output.stdout) if output.ok else None
        subject = f"path {path.index}"
        if allowed is None:
            why = output.why() if not output.ok else "no zerotier-one process in the container"
            results.append(_result(scope, PINS, subject, "fail", f"cannot read the CPUs zerotier-one may use: {why}"))
        elif not end.cpus:
            results.append(_result(scope, PINS, subject, "pass", f"not pinned: may run on CPUs {_cpus(allowed)}"))
        elif allowed == frozenset(end.cpus):
            results.append(_result(scope, PINS, subject, "pass", f"pinned to CPUs {_cpus(allowed)}"))
        else:
            results.append(_result(scope, PINS, subject, "fail", f"may run on CPUs {_cpus(allowed)}, planned {_cpus(end.cpus)}"))
    return results


# -- path interfaces -------------------------------------------------------------------------

INTERFACES = "path link up"
LINKS_COMMAND = "ip -j link show"


def _interfaces_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    output = observed[LINKS_COMMAND]
    links = _json(output)
    if not output.ok or not isinstance(links, list):
        return [_result(scope, INTERFACES, "links", "fail", f"ip link: {output.why()}")]
    by_name = {link.get("ifname"): link for link in links}
    results = []
    for path in scope.active_paths():
        end = path.end(scope.router.name)
        subject = f"path {path.index}: {end.interface}"
        link = by_name.get(end.interface)
        if link is None:
            results.append(_result(scope, INTERFACES, subject, "fail", f"no interface {end.interface}"))
            continue
        flags = link.get("flags", [])
        state = link.get("operstate", "?")
        if "UP" not in flags:
            results.append(_result(scope, INTERFACES, subject, "fail", f"{end.interface} is administratively down"))
        elif "LOWER_UP" not in flags:
            results.append(_result(scope, INTERFACES, subject, "fail", f"{end.interface} has no carrier (state {state})"))
        else:
            results.append(_result(scope, INTERFACES, subject, "pass", f"up, state {state}, mtu {link.get('mtu')}"))
    return results


# -- the ECMP route ---------------------------------------------------------------------------

ROUTE = "ecmp route"


def _route_command(route: RoutePlan) -> str:
    # -d: without it, iproute2 (6.1) leaves a next hop's "linkdown" flag out of its JSON.
    return shlex.join(["ip", "-d", "-j", "route", "show", str(route.destination)])


def _next_hops(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    hops: list[dict[str, Any]] = []
    for route in routes:
        hops += route.get("nexthops") or ([route] if "gateway" in route else [])
    return hops


def _route_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    return [result for route in scope.router.routes for result in _one_route_evaluate(scope, route, observed)]


def _one_route_evaluate(scope: RouterScope, route: RoutePlan, observed: Observed) -> list[CheckResult]:
    subject = str(route.destination)
    output = observed[_route_command(route)]
    routes = _json(output)
    if not output.ok or not isinstance(routes, list):
        return [_result(scope, ROUTE, subject, "fail", f"ip route: {output.why()}")]
    if not routes:
        return [_result(scope, ROUTE, subject, "fail", f"no route to {subject}")]
    if len(routes) > 1:
        return [_result(scope, ROUTE, subject, "fail", f"{len(routes)} routes to {subject}, expected one multipath route")]
    planned = [(str(hop.address), hop.interface) for hop in route.next_hops]
    wanted = [(str(hop.address), hop.interface) for hop in route.active_next_hops]
    hops = _next_hops(routes)
    found = [(str(hop.get("gateway")), str(hop.get("dev"))) for hop in hops]
    problems = []
    if missing := [hop for hop in wanted if hop not in found]:
        problems.append("missing " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in missing))
    if extra := [hop for hop in found if hop not in wanted]:
        # Planned paths first, in path order; anything else after them.
        extra.sort(key=lambda hop: (planned.index(hop) if hop in planned else len(planned), hop))
        problems.append("unplanned " + ", ".join(f"{gateway} dev {dev}" for gateway, dev in extra))
    for hop in hops:
        flags = [flag for flag in hop.get("flags", []) if flag in ("dead", "linkdown")]
        if flags:
            problems.append(f"{hop.get('gateway')} dev {hop.get('dev')} is {', '.join(flags)}")
    if problems:
        return [_result(scope, ROUTE, subject, "fail", f"{len(hops)} next hops, K={len(wanted)} planned: " + "; ".join(problems))]
    return [_result(scope, ROUTE, subject, "pass", f"{len(hops)} next hops: " + ", ".join(str(hop.get("gateway")) for hop in hops))]


# -- layer-4 hashing --------------------------------------------------------------------------

HASHING = "layer-4 hashing"
HASH_POLICY_COMMAND = f"sysctl -n {HASH_POLICY_SYSCTL}"


def _hashing_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    output = observed[HASH_POLICY_COMMAND]
    if not output.ok:
        return [_result(scope, HASHING, HASH_POLICY_SYSCTL, "fail", f"sysctl: {output.why()}")]
    value = output.stdout.strip()
    if value != str(LAYER4_HASH_POLICY):
        return [_result(scope, HASHING, HASH_POLICY_SYSCTL, "fail", f"is {value}, expected {LAYER4_HASH_POLICY} (layer 4)")]
    return [_result(scope, HASHING, HASH_POLICY_SYSCTL, "pass", f"= {value}")]


# -- reachability -----------------------------------------------------------------------------

PATH_PEER = "path peer answers"
FLOATING_PEER = "floating peer answers"


def ping_command(address: str, source: str | None = None) -> str:
    return shlex.join(["ping", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", *(["-I", source] if source else []), address])


def _ping_summary(output: CommandOutput) -> str:
    for line in output.stdout.splitlines():
        if "packets transmitted" in line:
            return line.strip()
    return output.why()


def _path_peer_commands(scope: RouterScope) -> list[str]:
    return [ping_command(str(peer.address.ip)) for path in scope.active_paths() for peer in path.peers(scope.router.name)]


def _path_peer_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    results = []
    for path in scope.active_paths():
        for peer in path.peers(scope.router.name):
            output = observed[ping_command(str(peer.address.ip))]
            subject = f"path {path.index}: {peer.address.ip}"
            results.append(_result(scope, PATH_PEER, subject, "pass" if output.ok else "fail", _ping_summary(output)))
    return results


def _floating_command(scope: RouterScope, route: RoutePlan) -> str:
    return ping_command(str(route.destination.network_address), str(scope.router.floating_ip.ip))


def _floating_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    results = []
    for route in scope.router.routes:
        output = observed[_floating_command(scope, route)]
        subject = f"{scope.router.floating_ip.ip} -> {route.destination.network_address}"
        results.append(_result(scope, FLOATING_PEER, subject, "pass" if output.ok else "fail", _ping_summary(output)))
    return results


# -- BFD sessions ------------------------------------------------------------------------------

BFD = "bfd session"
BFD_PEERS_COMMAND = "vtysh -c 'show bfd peers json'"


def _bfd_tracked(scope: RouterScope) -> str | None:
    """Why this router's next-hops are not BFD-tracked, or None when they are."""
    if not scope.plan.routing.bfd.enabled:
        return "BFD is off (routing.bfd.enabled)"
    if scope.router.flavor == "linux" and scope.plan.routing.linux_routes != "frr":
        return "iproute2 routes are not tracked (routing.linuxRoutes)"
    return None


def _bfd_commands(scope: RouterScope) -> list[str]:
    return [] if _bfd_tracked(scope) else [BFD_PEERS_COMMAND]


def _bfd_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if (untracked := _bfd_tracked(scope)) is not None:
        return [_result(scope, BFD, f"paths 1-{scope.plan.path_count}", "n/a", untracked)]
    output = observed[BFD_PEERS_COMMAND]
    listed = _json(output) if output.ok else None
    if not isinstance(listed, list):
        return [_result(scope, BFD, "all paths", "fail", f"cannot read BFD peers: {output.why() if not output.ok else 'not JSON'}")]
    peers = {str(peer.get("peer")): peer for peer in listed if isinstance(peer, dict)}
    # FRR on Linux only peers over active paths (one OSPF adjacency each); VyOS peers on every built path.
    peered_inactive = scope.router.flavor == "vyos"
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        for other in path.peers(scope.router.name):
            subject = f"path {path.index} {other.address.ip}"
            peer = peers.get(str(other.address.ip))
            status = str(peer.get("status", "unknown")) if peer else None
            if not path.active and (peer is None or status != "up"):
                shown = "not peered" if peer is None else f"session {status}"
                state: Status = "fail" if peered_inactive and peer is None else "n/a"
                results.append(_result(scope, BFD, subject, state, f"inactive path: {shown}"))
            elif peer is None:
                results.append(_result(scope, BFD, subject, "fail", "no BFD session with the path's peer"))
            elif status == "up":
                results.append(_result(scope, BFD, subject, "pass", f"up on {peer.get('interface', end.interface)}"))
            else:
                why = f"session {status}, diagnostic {peer.get('diagnostic', '?')}: the next-hop is withdrawn"
                results.append(_result(scope, BFD, subject, "fail", why))
    return results


# -- underlay ----------------------------------------------------------------------------------

UNDERLAY = "underlay link"


def _underlay_commands(scope: RouterScope) -> list[str]:
    if scope.underlay_absent:
        return []
    interface = scope.router.underlay_interface
    return [shlex.join(["ethtool", interface]), shlex.join(["ip", "-j", "link", "show", "dev", interface])]


def _underlay_evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.underlay_absent:
        return [_result(scope, UNDERLAY, scope.router.underlay_interface, "n/a", scope.underlay_absent)]
    ethtool, link = (observed[command] for command in _underlay_commands(scope))
    if not ethtool.ok:
        return [_result(scope, UNDERLAY, scope.router.underlay_interface, "fail", f"ethtool: {ethtool.why()}")]
    prefix = f"{scope.router.name} underlay "
    return [
        _result(scope, UNDERLAY, check.name.removeprefix(prefix), "pass" if check.ok else "fail", check.detail)
        for check in underlay_checks(scope.plan, scope.router.name, ethtool.stdout, link.stdout if link.ok else "[]")
    ]


CHECKS: tuple[Check, ...] = (
    Check(CONTAINERS, _container_commands, _containers_evaluate),
    Check(ZEROTIER, _zerotier_commands, _zerotier_evaluate),
    Check(PINS, _pins_commands, _pins_evaluate),
    Check(INTERFACES, lambda scope: [LINKS_COMMAND], _interfaces_evaluate),
    Check(ROUTE, lambda scope: [_route_command(route) for route in scope.router.routes], _route_evaluate),
    Check(HASHING, lambda scope: [HASH_POLICY_COMMAND], _hashing_evaluate),
    Check(PATH_PEER, _path_peer_commands, _path_peer_evaluate),
    Check(FLOATING_PEER, lambda scope: [_floating_command(scope, route) for route in scope.router.routes], _floating_evaluate),
    Check(BFD, _bfd_commands, _bfd_evaluate),
    Check(UNDERLAY, _underlay_commands, _underlay_evaluate),
)


# -- running ----------------------------------------------------------------------------------


def commands_for(scope: RouterScope, checks: Sequence[Check] = CHECKS) -> list[str]:
    """Every command the checks need on one router, each once, in check order."""
    return list(dict.fromkeys(command for check in checks for command in check.commands(scope)))


def evaluate(scope: RouterScope, observed: Observed, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    return [result for check in checks for result in check.evaluate(scope, observed)]


def observe(shell: RouterShell, commands: Sequence[str]) -> dict[str, CommandOutput]:
    return {command: shell.run(command) for command in commands}


def validate_lab(plan: LabPlan, shells: Mapping[str, RouterShell], checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    """Run every check on both routers (the routers in parallel); results in router, then check order."""
    scopes = [
        RouterScope(plan, router, shells[router.name].zerotier_absent, shells[router.name].underlay_absent) for router in plan.routers
    ]
    with ThreadPoolExecutor(max_workers=len(scopes)) as pool:
        observations = list(pool.map(lambda scope: observe(shells[scope.router.name], commands_for(scope, checks)), scopes))
    return [result for scope, observed in zip(scopes, observations, strict=True) for result in evaluate(scope, observed, checks)]


def exit_status(results: Sequence[CheckResult]) -> int:
    return 1 if any(result.status == "fail" for result in results) else 0


def render_results(results: Sequence[CheckResult]) -> str:
    """A fixed-width pass/fail table, then one summary line."""
    header = ("router", "check", "subject", "result", "detail")
    rows = [(r.router, r.check, r.subject, r.status.upper(), r.detail) for r in results]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4] for row in [header, *rows]]
    counts = {status: sum(r.status == status for r in results) for status in ("pass", "fail", "n/a")}
    summary = f"validate: {counts['pass']} passed, {counts['fail']} failed, {counts['n/a']} not applicable"
    return "\n".join(line.rstrip() for line in lines) + "\n" + summary + "\n"


def print_validation(plan: LabPlan, shells: Mapping[str, RouterShell]) -> int:
    results = validate_lab(plan, shells)
    sys.stdout.write(render_results(results))
    return exit_status(results)


def run_from_arguments(stack_name: str, project_dir: Path) -> int:
    """``python -m components validate --stack NAME``: plan and keys from the stack, checks over SSH."""
    from components.ops.shell import ssh_shells
    from components.stack.automation import private_keys, select_lab_stack, stack_plan
    from components.stack.files import project_name

    stack = select_lab_stack(stack_name, project_dir)
    plan = stack_plan(stack, project_name(project_dir))
    with ssh_shells(plan, private_keys(stack, plan)) as shells:
        return print_validation(plan, shells)
