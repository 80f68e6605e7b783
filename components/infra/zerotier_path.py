"""ZeroTierPath: one path's private ZeroTier network, and one identity and one member per router."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pulumi
import pulumi_zerotier as zerotier

from components.model.naming import member_name, path_member_resource
from components.model.plan import PathPlan, RouterPlan
from components.render.zerotier_network import render_flow_rules


@dataclass(frozen=True)
class InstanceIdentity:
    """A node identity as the instance's home directory needs it."""

    node_id: pulumi.Output[str]
    public: pulumi.Output[str]
    secret: pulumi.Output[str]


@dataclass(frozen=True)
class ZeroTierPathArgs:
    path: PathPlan
    stack: str
    # Ordered pairs of routers whose frames the network drops (spoke to spoke).
    separated: tuple[tuple[str, str], ...] = ()


class ZeroTierPath(pulumi.ComponentResource):
    """The network the routers' instances of one path talk over, carrying exactly the path's subnet."""

    network_id: pulumi.Output[str]
    identities: dict[str, InstanceIdentity]
    # Per router: its member on this network, which must exist before its instance starts.
    members: dict[str, pulumi.Resource]

    def __init__(self, name: str, args: ZeroTierPathArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:ZeroTierPath", name, None, opts)
        path = args.path
        child = pulumi.ResourceOptions(parent=self)
        self.identities = {}
        self.members = {}
        self._node_ids_made: dict[tuple[str, ...], pulumi.Output[dict[str, str]]] = {}
        if path.existing_network_id is not None:
            # Bring your own network: managed elsewhere, so nothing is created here and each
            # instance generates its identity at first start.
            self.network_id = pulumi.Output.from_input(path.existing_network_id)
            self.register_outputs({"networkId": self.network_id})
            return

        ends = list(path.ends.values())
        for end in ends:
            identity = zerotier.Identity(path_member_resource(path.index, end.router), opts=child)
            self.identities[end.router] = InstanceIdentity(
                node_id=identity.id,
                public=identity.public_key,
                secret=pulumi.Output.secret(identity.private_key),
            )
        members = (" <-> " if len(ends) == 2 else ", ").join(f"{end.router} {end.address}" for end in ends)
        network = zerotier.Network(
            name,
            zerotier.NetworkArgs(
                name=path.network_name,
                description=f"zt-ecmp path {path.index} of stack {args.stack}: {members}",
                private=True,
                # The pool holds exactly the planned addresses (the first hosts of the subnet, one per
                # router); members get them as fixed IPs.
                assignment_pools=[zerotier.NetworkAssignmentPoolArgs(start=str(ends[0].address.ip), end=str(ends[-1].address.ip))],
                routes=[zerotier.NetworkRouteArgs(target=str(path.subnet))],
                assign_ipv4s=[zerotier.NetworkAssignIpv4Args(zerotier=True)],
                # ARP requests are broadcasts; the multicast limit keeps them to the path's members.
                enable_broadcast=True,
                multicast_limit=len(ends),
                flow_rules=pulumi.Output.all(**{router: identity.node_id for router, identity in self.identities.items()}).apply(
                    functools.partial(render_flow_rules, separated=args.separated)
                ),
            ),
            opts=child,
        )
        self.network_id = network.id
        for end in ends:
            self.members[end.router] = zerotier.Member(
                path_member_resource(path.index, end.router),
                zerotier.MemberArgs(
                    network_id=network.id,
                    member_id=self.identities[end.router].node_id,
                    name=member_name(args.stack, end.router, path.index),
                    description=f"{end.router} instance on UDP {end.port}, interface {end.interface}",
                    authorized=True,
                    ip_assignments=[str(end.address.ip)],
                    no_auto_assign_ips=True,
                    allow_ethernet_bridging=False,
                    hidden=False,
                ),
                # The provider updates memberId in place, which leaves the old node authorized: a new
                # identity must make a new member, and deleting the old one revokes that node at once
                # (member_id is not ForceNew in zerotier/terraform-provider-zerotier's resource_member.go;
                # its Delete removes the member through the Central API).
                opts=pulumi.ResourceOptions(parent=self, replace_on_changes=["memberId"]),
            )
        self.register_outputs({"networkId": self.network_id})

    def node_ids(self, routers: Iterable[RouterPlan]) -> pulumi.Output[dict[str, str]] | None:
        """The node ids of ``routers``' instances on this path, by router, as one Output; None when there
        are none (no routers, or networks of your own).

        An instance's local.conf is built from the ids of the routers it is told of and no others: an
        id of a router being added is unknown in a preview, and would make the whole file unknown.
        Each router is told of those before it (``introduced_routers``), so each router's ids are the
        previous router's and one more, made once: two Outputs per router, where gathering every
        router's ids anew made two per id, M x M per path at M sites."""
        names = tuple(router.name for router in routers if router.name in self.identities)
        return self._node_ids_of(names) if names else None

    def _node_ids_of(self, names: tuple[str, ...]) -> pulumi.Output[dict[str, str]]:
        if names not in self._node_ids_made:
            *before, last = names
            node_id = self.identities[last].node_id
            # An apply whose function returns an Output waits for it and keeps the resources of both
            # (pulumi/output.py ``Output.apply``): the ids depend on exactly these routers' identities.
            self._node_ids_made[names] = (
                self._node_ids_of(tuple(before)).apply(lambda known: node_id.apply(functools.partial(_with_node_id, known, last)))
                if before
                else node_id.apply(functools.partial(_with_node_id, {}, last))
            )
        return self._node_ids_made[names]


def _with_node_id(known: dict[str, str], router: str, node_id: str) -> dict[str, str]:
    return {**known, router: node_id}
