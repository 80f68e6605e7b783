"""Bfd session: where BFD tracks the router's next hops, the session with every neighbour on every active path is up.

One session per (path, neighbour): VyOS configures a BFD peer per neighbour address and FRR one per
neighbour (components/render). A neighbour is every other router in a full mesh and, for a spoke, the
hub alone: a spoke expects no session with another spoke, whose next hops it never uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.model.flavors import flavor
from components.model.plan import PathEnd, PathPlan
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope, Status, parsed_json

NAME = "bfd session"
BFD_PEERS_COMMAND = "vtysh -c 'show bfd peers json'"


def _untracked(scope: RouterScope) -> str | None:
    """Why this router's next hops are not BFD-tracked, or None when they are."""
    if not scope.plan.routing.bfd.enabled:
        return "BFD is off (routing.bfd.enabled)"
    if scope.router.route_owner not in flavor(scope.router.flavor).bfd_route_owners:
        # Only a flavor with several route owners can have an untracked one, and routing.linuxRoutes chooses it.
        return f"{scope.router.route_owner} routes are not tracked (routing.linuxRoutes)"
    return None


def _subject(scope: RouterScope, path: PathPlan, other: PathEnd) -> str:
    """One session's line: the path and the peer's address on it."""
    return scope.about_peer(f"path {path.index} {other.address.ip}", other.router)


def commands(scope: RouterScope) -> list[str]:
    return [] if _untracked(scope) else [BFD_PEERS_COMMAND]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if (untracked := _untracked(scope)) is not None:
        return scope.every_path_not_applicable(NAME, untracked)
    output = observed[BFD_PEERS_COMMAND]
    listed = parsed_json(output) if output.ok else None
    if not isinstance(listed, list):
        return [scope.result(NAME, "all paths", "fail", f"cannot read BFD peers: {output.why() if not output.ok else 'not JSON'}")]
    peers = {str(peer.get("peer")): peer for peer in listed if isinstance(peer, dict)}
    # Where the flavor peers on every built path, a missing session on an inactive one is a fault;
    # elsewhere (FRR on Linux peers only over active paths) it is what the plan asks for.
    peered_inactive = flavor(scope.router.flavor).bfd_on_inactive_paths
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        for other in scope.neighbours(path):
            subject = _subject(scope, path, other)
            peer = peers.get(str(other.address.ip))
            status = str(peer.get("status", "unknown")) if peer else None
            if not path.active and (peer is None or status != "up"):
                shown = "not peered" if peer is None else f"session {status}"
                state: Status = "fail" if peered_inactive and peer is None else "n/a"
                results.append(scope.result(NAME, subject, state, f"inactive path: {shown}"))
            elif peer is None:
                results.append(scope.result(NAME, subject, "fail", "no BFD session with the path's peer"))
            elif status == "up":
                results.append(scope.result(NAME, subject, "pass", f"up on {peer.get('interface', end.interface)}"))
            else:
                why = f"session {status}, diagnostic {peer.get('diagnostic', '?')}: the next-hop is withdrawn"
                results.append(scope.result(NAME, subject, "fail", why))
        results += _unplanned(scope, path, peers)
    return results


def _unplanned(scope: RouterScope, path: PathPlan, peers: Mapping[str, Mapping[str, Any]]) -> list[CheckResult]:
    """A spoke's sessions with the other spokes' addresses on ``path``: the plan has none (their frames
    never arrive, so such a session can never come up); finding one means the router's configuration
    is not the plan's. Sessions with addresses outside the lab are not this check's business."""
    neighbours = scope.neighbours(path)
    results = []
    for other in path.peers(scope.router.name):
        peer = peers.get(str(other.address.ip))
        if other in neighbours or peer is None:
            continue
        subject = _subject(scope, path, other)
        why = f"unplanned session ({peer.get('status', 'unknown')}): spokes reach each other only through {scope.plan.routing.hub}"
        results.append(scope.result(NAME, subject, "fail", why))
    return results


CHECK = Check(NAME, commands, evaluate)
