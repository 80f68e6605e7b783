"""Zerotier joined: each instance is on exactly its path's network, with the planned address on the planned interface."""

from __future__ import annotations

from components.model.naming import ZEROTIER_HOME
from components.model.plan import PathEnd, PathPlan
from components.ops.shell import CommandOutput
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, Status, parsed_json

NAME = "zerotier joined"


def _cli(scope: RouterScope, path: PathPlan, *words: str) -> str:
    end = path.end(scope.router.name)
    return scope.in_container(path.index, "zerotier-cli", f"-p{end.port}", f"-D{ZEROTIER_HOME}", "-j", *words)


def commands(scope: RouterScope) -> list[str]:
    if scope.zerotier_absent:
        return []
    return [_cli(scope, path, word) for path in scope.plan.paths for word in ("info", "listnetworks")]


def _verdict(end: PathEnd, info: CommandOutput, networks: CommandOutput) -> tuple[Status, str]:
    """A path is judged by its network (status, address, interface); the peer answering over it is
    another check. Root contact is reported, never judged: `online` only says a root was heard
    recently (it flickers right after start), and a lab may have no root to reach at all."""
    node = parsed_json(info)
    if not info.ok or not isinstance(node, dict):
        return "fail", f"zerotier-cli info: {info.why()}"
    roots = "roots heard" if node.get("online") else "no root heard lately (information only)"
    joined = parsed_json(networks)
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


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.zerotier_absent:
        return scope.every_path_not_applicable(NAME, scope.zerotier_absent)
    results = []
    for path in scope.plan.paths:
        info, networks = observed[_cli(scope, path, "info")], observed[_cli(scope, path, "listnetworks")]
        results.append(scope.result(NAME, f"path {path.index}", *_verdict(path.end(scope.router.name), info, networks)))
    return results


CHECK = Check(NAME, commands, evaluate)
