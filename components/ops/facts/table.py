"""Which getters answer for each router flavor and each container runtime: the one place that decides.

A flavor's getters read what its kernel and routing daemons hold; a runtime's getters read its
instances. ``flavor_getters`` and ``runtime_getters`` match every value of the ``RouterFlavor`` and
``ContainerRuntime`` Literals and end in ``assert_never``: a flavor or runtime added to
components/model/flavors.py fails the type check (mypy --strict, part of `make test`) until it has
an entry here, and every entry fills every field. ``getter_for`` matches every kind of need the same
way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_never

from components.model.flavors import ContainerRuntime, RouterFlavor
from components.model.plan import RouterPlan
from components.ops.facts import docker, in_container, linux, vyos
from components.ops.facts.getter import Getter
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
from components.ops.facts.needs import (
    AddressesNeed,
    AnyNeed,
    BfdPeersNeed,
    CommitStateNeed,
    HashPolicyNeed,
    InstancesNeed,
    LinksNeed,
    PingNeed,
    ProcessCpusNeed,
    RoutesNeed,
    UnderlayNeed,
    ZeroTierNeed,
)


@dataclass(frozen=True)
class FlavorGetters:
    """How a flavor's routers answer for their kernel, routing daemons, NIC and configuration."""

    commit_state: Getter[CommitStateNeed, CommitState | Absent | Unread]
    links: Getter[LinksNeed, Links | Unread]
    addresses: Getter[AddressesNeed, Addresses | Unread]
    routes: Getter[RoutesNeed, Routes | Unread]
    hash_policy: Getter[HashPolicyNeed, HashPolicy | Unread]
    ping: Getter[PingNeed, Ping | Unread]
    bfd_peers: Getter[BfdPeersNeed, BfdPeers | Unread]
    underlay: Getter[UnderlayNeed, Underlay | Absent]


@dataclass(frozen=True)
class RuntimeGetters:
    """How a runtime answers for the instances it runs."""

    instances: Getter[InstancesNeed, ByPath[Instance | Unread] | Absent]
    zerotier: Getter[ZeroTierNeed, ByPath[ZeroTierInstance] | Absent]
    process_cpus: Getter[ProcessCpusNeed, ByPath[ProcessCpus | Unread] | Absent]


LINUX = FlavorGetters(
    commit_state=linux.NO_COMMIT_CONFIRM,
    links=linux.LINKS,
    addresses=linux.ADDRESSES,
    routes=linux.ROUTES,
    hash_policy=linux.HASH_POLICY,
    ping=linux.PING,
    bfd_peers=linux.BFD_PEERS,
    underlay=linux.UNDERLAY,
)

# VyOS is Debian underneath: its kernel, iproute2, iputils ping, ethtool and FRR's vtysh answer as
# on any Linux router. Only its commit-confirm is its own.
VYOS = FlavorGetters(
    commit_state=vyos.COMMIT_STATE,
    links=linux.LINKS,
    addresses=linux.ADDRESSES,
    routes=linux.ROUTES,
    hash_policy=linux.HASH_POLICY,
    ping=linux.PING,
    bfd_peers=linux.BFD_PEERS,
    underlay=linux.UNDERLAY,
)

DOCKER = RuntimeGetters(instances=docker.INSTANCES, zerotier=in_container.ZEROTIER, process_cpus=in_container.PROCESS_CPUS)
# VyOS's `container` (Podman): one table lists them all; inside, the same commands through `sudo podman exec`.
VYOS_CONTAINERS = RuntimeGetters(instances=vyos.INSTANCES, zerotier=in_container.ZEROTIER, process_cpus=in_container.PROCESS_CPUS)


def flavor_getters(name: RouterFlavor) -> FlavorGetters:
    match name:
        case "vyos":
            return VYOS
        case "linux":
            return LINUX
        case _:
            assert_never(name)


def runtime_getters(name: ContainerRuntime) -> RuntimeGetters:
    match name:
        case "docker":
            return DOCKER
        case "vyos":
            return VYOS_CONTAINERS
        case _:
            assert_never(name)


def getter_for(need: AnyNeed, router: RouterPlan) -> Getter[Any, object]:
    """The getter that answers ``need`` on ``router``, by its flavor and runtime."""
    kernel, instances = flavor_getters(router.flavor), runtime_getters(router.runtime)
    getter: Getter[Any, object]
    match need:
        case CommitStateNeed():
            getter = kernel.commit_state
        case InstancesNeed():
            getter = instances.instances
        case ZeroTierNeed():
            getter = instances.zerotier
        case ProcessCpusNeed():
            getter = instances.process_cpus
        case LinksNeed():
            getter = kernel.links
        case AddressesNeed():
            getter = kernel.addresses
        case RoutesNeed():
            getter = kernel.routes
        case HashPolicyNeed():
            getter = kernel.hash_policy
        case PingNeed():
            getter = kernel.ping
        case BfdPeersNeed():
            getter = kernel.bfd_peers
        case UnderlayNeed():
            getter = kernel.underlay
        case _:
            assert_never(need)
    return getter
