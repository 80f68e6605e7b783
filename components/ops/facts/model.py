"""The facts the lab tools read from a router, normalised: the same types whatever flavor or runtime answered.

Each fact is a frozen dataclass of plain values (strings as the router printed them where a report
quotes them, numbers and flags where a verdict compares them). A fact that could not be read is an
``Unread`` that says what was asked and why it failed, so a verdict can say why; a fact the router
cannot have at all (no ZeroTier in a network-namespace lab, no commit-confirm outside VyOS) is
``Absent``, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

# How reading failed: the command failed (its complaint is the reason), the command or file is not on
# the router, the router's user may not run it, it took too long, or it printed something the getter
# cannot read.
UnreadKind = Literal["failed", "missing", "permission", "timeout", "unparsed"]


@dataclass(frozen=True)
class Unread:
    """A fact that could not be read: what was asked (``ip route``, ``zerotier-cli info``), how and why it failed."""

    what: str
    kind: UnreadKind
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass(frozen=True)
class Absent:
    """A fact this router cannot have, and why: nothing was asked."""

    why: str


@dataclass(frozen=True)
class ByPath(Generic[T]):
    """One fact per path of the lab, by path index."""

    entries: tuple[tuple[int, T], ...]

    def at(self, index: int) -> T:
        for path, fact in self.entries:
            if path == index:
                return fact
        raise KeyError(f"path {index} was not read")


# -- instances ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """A path's instance container, as its runtime lists it."""

    container: str
    exists: bool
    running: bool
    # The runtime's own word for the state: podman's STATUS column (``Up 26 hours``, ``Exited (1) 2
    # minutes ago``), Docker's State.Status (``running``, ``exited``).
    state: str
    # Where the runtime says them (Docker's inspect does, podman's table does not).
    started_at: str | None = None
    exit_code: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class ZeroTierNetwork:
    network_id: str
    # OK, REQUESTING_CONFIGURATION, ACCESS_DENIED, NOT_FOUND, ...
    status: str
    interface: str | None
    # As zerotier-one lists them: address/prefix (10.14.0.1/30).
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class ZeroTierNode:
    node_id: str | None
    # The node's own clock (milliseconds since the epoch), which its peers' times are against.
    clock_ms: int | None


@dataclass(frozen=True)
class RootContact:
    """When a root server was last heard, by the node's own clock: None where none was heard since it started."""

    heard_seconds_ago: int | None


@dataclass(frozen=True)
class ZeroTierInstance:
    """One zerotier-one instance: its node, the networks it joined and its contact with the roots."""

    node: ZeroTierNode | Unread
    networks: tuple[ZeroTierNetwork, ...] | Unread
    roots: RootContact | Unread


@dataclass(frozen=True)
class ProcessCpus:
    """The CPUs the running zerotier-one process may use, as its kernel says (its Cpus_allowed_list)."""

    pid: int | None
    allowed: frozenset[int]


# -- the kernel and the routing daemons ------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    name: str
    # Administratively up (the UP flag), and with carrier (LOWER_UP).
    up: bool
    carrier: bool
    # The kernel's operstate (UP, DOWN, UNKNOWN, ...), ``?`` where it gave none.
    state: str
    mtu: int | None


@dataclass(frozen=True)
class Links:
    links: tuple[Link, ...]

    def named(self, name: str) -> Link | None:
        return next((link for link in self.links if link.name == name), None)


@dataclass(frozen=True)
class InterfaceAddress:
    interface: str
    # As iproute2 lists it: address/prefix length (10.0.55.1/32).
    address: str

    @property
    def ip(self) -> str:
        return self.address.partition("/")[0]


@dataclass(frozen=True)
class Addresses:
    """Every IPv4 address on the router's interfaces."""

    addresses: tuple[InterfaceAddress, ...]

    def on(self, interface: str) -> tuple[str, ...]:
        return tuple(found.address for found in self.addresses if found.interface == interface)

    def holding(self, ip: str) -> tuple[str, ...]:
        """The interfaces holding ``ip`` (one, on a healthy router)."""
        return tuple(found.interface for found in self.addresses if found.ip == ip)


@dataclass(frozen=True)
class RouteNextHop:
    gateway: str | None
    device: str | None
    flags: tuple[str, ...]

    @property
    def dead_flags(self) -> tuple[str, ...]:
        """The flags that say the kernel does not use it (``dead``, ``linkdown``)."""
        return tuple(flag for flag in self.flags if flag in ("dead", "linkdown"))


@dataclass(frozen=True)
class Route:
    next_hops: tuple[RouteNextHop, ...]


@dataclass(frozen=True)
class Routes:
    """Every route the kernel lists for one destination: one multipath route on a healthy router."""

    destination: str
    routes: tuple[Route, ...]

    @property
    def next_hops(self) -> tuple[RouteNextHop, ...]:
        return tuple(hop for route in self.routes for hop in route.next_hops)


@dataclass(frozen=True)
class HashPolicy:
    """The kernel's IPv4 multipath hash policy (net.ipv4.fib_multipath_hash_policy)."""

    value: int


@dataclass(frozen=True)
class Ping:
    target: str
    source: str | None
    transmitted: int
    received: int
    # ping's statistics line as it printed it.
    summary: str

    @property
    def answered(self) -> bool:
        return self.received > 0


@dataclass(frozen=True)
class BfdPeer:
    peer: str
    local: str | None
    interface: str | None
    # up, down, init, shutdown; ``unknown`` where the daemon gave none.
    status: str
    diagnostic: str | None


@dataclass(frozen=True)
class BfdPeers:
    peers: tuple[BfdPeer, ...]

    def with_address(self, address: str) -> BfdPeer | None:
        """The session with ``address`` (the last listed, should there be several)."""
        return next((peer for peer in reversed(self.peers) if peer.peer == address), None)


@dataclass(frozen=True)
class Ethtool:
    """What ethtool reports of a NIC; None where it reported nothing."""

    link_detected: bool | None
    # As ethtool prints it: ``2500Mb/s``, or ``Unknown!`` without a link.
    speed: str | None
    # Lowercased: ``full``, ``half``, ``unknown! (255)``.
    duplex: str | None
    autonegotiation: bool | None

    @property
    def speed_mbps(self) -> int | None:
        match = re.fullmatch(r"(\d+)Mb/s", self.speed or "")
        return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Underlay:
    interface: str
    ethtool: Ethtool | Unread
    # None: the router has no interface of that name.
    link: Link | Unread | None


CommitStatus = Literal["confirmed", "awaiting confirm", "reverted"]


@dataclass(frozen=True)
class CommitState:
    """Where a VyOS router stands with the lab's commit-confirm."""

    status: CommitStatus
    # When the unconfirmed update was committed; None once confirmed, or where the marker does not say.
    committed_at: datetime | None = None
