"""Bfd session: where BFD tracks the router's next hops, the session with every neighbour on every active path is up.

One session per (path, neighbour): VyOS configures a BFD peer per neighbour address and FRR one per
neighbour (components/render). A neighbour is every other router in a full mesh and, for a spoke, the
hub alone: a spoke expects no session with another spoke, whose next hops it never uses.
"""

from __future__ import annotations

from components.model.flavors import flavor
from components.model.plan import PathEnd, PathPlan
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import BfdPeers, Unread
from components.ops.facts.needs import BFD_PEERS, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope, Status

NAME = "bfd session"


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


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [] if _untracked(scope) else [BFD_PEERS]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    if (untracked := _untracked(scope)) is not None:
        return scope.every_path_not_applicable(NAME, untracked)
    peers = facts[BFD_PEERS]
    if isinstance(peers, Unread):
        return [scope.result(NAME, "all paths", "fail", f"cannot read BFD peers: {peers.reason}")]
    # Where the flavor peers on every built path, a missing session on an inactive one is a fault;
    # elsewhere (FRR on Linux peers only over active paths) it is what the plan asks for.
    peered_inactive = flavor(scope.router.flavor).bfd_on_inactive_paths
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        for other in scope.neighbours(path):
            subject = _subject(scope, path, other)
            peer = peers.with_address(str(other.address.ip))
            if not path.active and (peer is None or peer.status != "up"):
                shown = "not peered" if peer is None else f"session {peer.status}"
                state: Status = "fail" if peered_inactive and peer is None else "n/a"
                results.append(scope.result(NAME, subject, state, f"inactive path: {shown}", path=path.index, peer=other.router))
            elif peer is None:
                results.append(
                    scope.result(NAME, subject, "fail", "no BFD session with the path's peer", path=path.index, peer=other.router)
                )
            elif peer.status == "up":
                results.append(
                    scope.result(NAME, subject, "pass", f"up on {peer.interface or end.interface}", path=path.index, peer=other.router)
                )
            else:
                why = f"session {peer.status}, diagnostic {peer.diagnostic or '?'}: the next-hop is withdrawn"
                results.append(scope.result(NAME, subject, "fail", why, path=path.index, peer=other.router))
        results += _unplanned(scope, path, peers)
    return results


def _unplanned(scope: RouterScope, path: PathPlan, peers: BfdPeers) -> list[CheckResult]:
    """A spoke's sessions with the other spokes' addresses on ``path``: the plan has none (their frames
    never arrive, so such a session can never come up); finding one means the router's configuration
    is not the plan's. Sessions with addresses outside the lab are not this check's business."""
    neighbours = scope.neighbours(path)
    results = []
    for other in path.peers(scope.router.name):
        peer = peers.with_address(str(other.address.ip))
        if other in neighbours or peer is None:
            continue
        subject = _subject(scope, path, other)
        why = f"unplanned session ({peer.status}): spokes reach each other only through {scope.plan.routing.hub}"
        results.append(scope.result(NAME, subject, "fail", why, path=path.index, peer=other.router))
    return results


CHECK = Check(NAME, needs, evaluate)
