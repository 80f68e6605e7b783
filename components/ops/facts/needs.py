"""What a lab tool can ask to know about a router: one need per kind of fact, typed by the fact it yields.

A need names what is wanted, never how to read it: the getters of the router's flavor and runtime
(``table``) turn it into commands and their outputs into the fact. Needs are values, so two checks
that ask the same thing (the path peer check and the route check both ping a next hop) share one
command and one fact.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import ClassVar, Generic, Literal, TypeVar

from components.ops.facts.model import (
    Absent,
    Addresses,
    BfdPeers,
    ByPath,
    CommitState,
    HashPolicy,
    Instance,
    Links,
    Ping,
    ProcessCpus,
    Routes,
    Underlay,
    Unread,
    ZeroTierInstance,
)

F = TypeVar("F")


class Need(Generic[F]):
    """Something to know about a router, whose fact is of type ``F``."""

    # What the router must have for the fact to exist at all: where its shell says it has none (the
    # network-namespace lab's routers have no ZeroTier and no underlay), the fact is Absent and
    # nothing is asked.
    requires: ClassVar[Literal["zerotier", "underlay"] | None] = None


@dataclass(frozen=True)
class CommitStateNeed(Need[CommitState | Absent | Unread]):
    """Whether every update the lab committed was confirmed (VyOS's commit-confirm)."""


@dataclass(frozen=True)
class InstancesNeed(Need[ByPath[Instance | Unread] | Absent]):
    """Every path's instance container."""

    requires: ClassVar[Literal["zerotier", "underlay"] | None] = "zerotier"


@dataclass(frozen=True)
class ZeroTierNeed(Need[ByPath[ZeroTierInstance] | Absent]):
    """Every path's zerotier-one: node, networks, root contact."""

    requires: ClassVar[Literal["zerotier", "underlay"] | None] = "zerotier"


@dataclass(frozen=True)
class ProcessCpusNeed(Need[ByPath[ProcessCpus | Unread] | Absent]):
    """The CPUs every path's zerotier-one process may run on."""

    requires: ClassVar[Literal["zerotier", "underlay"] | None] = "zerotier"


@dataclass(frozen=True)
class LinksNeed(Need[Links | Unread]):
    """Every network interface: up, carrier, state, MTU."""


@dataclass(frozen=True)
class AddressesNeed(Need[Addresses | Unread]):
    """Every IPv4 address and the interface it is on: the floating /32, the path addresses."""


@dataclass(frozen=True)
class RoutesNeed(Need[Routes | Unread]):
    """The routes to one destination, with their next hops."""

    destination: ipaddress.IPv4Network


@dataclass(frozen=True)
class HashPolicyNeed(Need[HashPolicy | Unread]):
    """The kernel's multipath hash policy."""


@dataclass(frozen=True)
class PingNeed(Need[Ping | Unread]):
    """Whether ``target`` answers a ping, sent from ``source`` where one is named."""

    target: ipaddress.IPv4Address
    source: ipaddress.IPv4Address | None = None


@dataclass(frozen=True)
class BfdPeersNeed(Need[BfdPeers | Unread]):
    """Every BFD session the routing daemon holds."""


@dataclass(frozen=True)
class UnderlayNeed(Need[Underlay | Absent]):
    """The router's underlay NIC: link, speed, duplex, autonegotiation, MTU."""

    requires: ClassVar[Literal["zerotier", "underlay"] | None] = "underlay"


AnyNeed = (
    CommitStateNeed
    | InstancesNeed
    | ZeroTierNeed
    | ProcessCpusNeed
    | LinksNeed
    | AddressesNeed
    | RoutesNeed
    | HashPolicyNeed
    | PingNeed
    | BfdPeersNeed
    | UnderlayNeed
)

# The needs without parameters: one value each.
COMMIT_STATE = CommitStateNeed()
INSTANCES = InstancesNeed()
ZEROTIER = ZeroTierNeed()
PROCESS_CPUS = ProcessCpusNeed()
LINKS = LinksNeed()
ADDRESSES = AddressesNeed()
HASH_POLICY = HashPolicyNeed()
BFD_PEERS = BfdPeersNeed()
UNDERLAY = UnderlayNeed()
