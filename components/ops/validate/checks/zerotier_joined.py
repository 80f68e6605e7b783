"""Zerotier joined: each instance is on exactly its path's network, with the planned address on the planned interface.

When a root server was last heard is reported, never judged: `online` said "roots heard" with the
controller down, since it means only that a root answered within the last few minutes; the getter
(components/ops/facts/in_container.py) reads the time from the node's own peer list and clock.
"""

from __future__ import annotations

from components.model.plan import PathEnd
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, RootContact, Unread, ZeroTierInstance
from components.ops.facts.needs import ZEROTIER, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope, Status

NAME = "zerotier joined"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [ZEROTIER]


def root_contact(roots: RootContact | Unread) -> str:
    """When a root was last heard, as the node's own clock and its peer list tell it."""
    if isinstance(roots, Unread):
        return f"root contact unknown ({roots})"
    if roots.heard_seconds_ago is None:
        return "no root heard since the instance started (information only)"
    return f"a root was last heard {roots.heard_seconds_ago} s ago"


def verdict(end: PathEnd, instance: ZeroTierInstance) -> tuple[Status, str]:
    """A path is judged by its network (status, address, interface); the peer answering over it is
    another check. Root contact is reported, never judged: `online` only says a root was heard
    recently (it flickers right after start), and a lab may have no root to reach at all."""
    node, networks = instance.node, instance.networks
    if isinstance(node, Unread):
        return "fail", str(node)
    if isinstance(networks, Unread):
        return "fail", str(networks)
    if len(networks) != 1:
        return "fail", f"joined to {len(networks)} networks, expected exactly one: {', '.join(n.network_id for n in networks) or 'none'}"
    network = networks[0]
    planned = str(end.address)
    problems = []
    if network.status != "OK":
        problems.append(f"network {network.network_id} status is {network.status}")
    if network.interface != end.interface:
        problems.append(f"interface is {network.interface}, planned {end.interface}")
    if planned not in network.addresses:
        problems.append(f"addresses are {list(network.addresses)}, planned {planned}")
    if problems:
        return "fail", "; ".join(problems)
    return "pass", f"node {node.node_id}, network {network.network_id} OK, {planned} on {end.interface}; {root_contact(instance.roots)}"


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    instances = facts[ZEROTIER]
    if isinstance(instances, Absent):
        return scope.every_path_not_applicable(NAME, instances.why)
    return [
        scope.result(NAME, f"path {path.index}", *verdict(path.end(scope.router.name), instances.at(path.index)), path=path.index)
        for path in scope.plan.paths
    ]


CHECK = Check(NAME, needs, evaluate)
