"""Zerotier joined: each instance is on exactly its path's network, with the planned address on the planned interface.

When a root server was last heard is reported, never judged: from ``zerotier-cli -j peers``, where
zerotier-one lists every root as a peer of role PLANET with the time each of its paths last received
something (``lastReceive``, milliseconds), against the node's own clock that ``-j info`` reports
(``clock``); both are written by zerotier-one's service/OneService.cpp (``_peerToJson`` and the
status handler). `online` alone said "roots heard" with the controller down: it means only that a
root answered within the last few minutes.
"""

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
    return [_cli(scope, path, word) for path in scope.plan.paths for word in ("info", "listnetworks", "peers")]


def root_contact(node: dict[str, object], peers: CommandOutput) -> str:
    """When a root was last heard, as the node's own clock and its peer list tell it."""
    listed = parsed_json(peers)
    if not peers.ok or not isinstance(listed, list):
        return f"root contact unknown (zerotier-cli peers: {peers.why()})"
    heard = [
        int(path["lastReceive"])
        for peer in listed
        if isinstance(peer, dict) and peer.get("role") == "PLANET"
        for path in peer.get("paths") or []
        if isinstance(path, dict) and int(path.get("lastReceive") or 0) > 0
    ]
    clock = node.get("clock")
    if not heard or not isinstance(clock, int):
        return "no root heard since the instance started (information only)"
    return f"a root was last heard {max(0, clock - max(heard)) // 1000} s ago"


def _verdict(end: PathEnd, info: CommandOutput, networks: CommandOutput, peers: CommandOutput) -> tuple[Status, str]:
    """A path is judged by its network (status, address, interface); the peer answering over it is
    another check. Root contact is reported, never judged: `online` only says a root was heard
    recently (it flickers right after start), and a lab may have no root to reach at all."""
    node = parsed_json(info)
    if not info.ok or not isinstance(node, dict):
        return "fail", f"zerotier-cli info: {info.why()}"
    roots = root_contact(node, peers)
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
        info, networks, peers = (observed[_cli(scope, path, word)] for word in ("info", "listnetworks", "peers"))
        results.append(scope.result(NAME, f"path {path.index}", *_verdict(path.end(scope.router.name), info, networks, peers)))
    return results


CHECK = Check(NAME, commands, evaluate)
