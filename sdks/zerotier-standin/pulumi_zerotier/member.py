from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import pulumi

from pulumi_zerotier._standin import require_mocks


@pulumi.input_type
class MemberArgs:
    def __init__(
        self,
        *,
        network_id: pulumi.Input[str],
        member_id: pulumi.Input[str],
        name: Optional[pulumi.Input[str]] = None,
        description: Optional[pulumi.Input[str]] = None,
        authorized: Optional[pulumi.Input[bool]] = None,
        ip_assignments: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None,
        no_auto_assign_ips: Optional[pulumi.Input[bool]] = None,
        hidden: Optional[pulumi.Input[bool]] = None,
        allow_ethernet_bridging: Optional[pulumi.Input[bool]] = None,
    ) -> None:
        pulumi.set(self, "network_id", network_id)
        pulumi.set(self, "member_id", member_id)
        for key, value in (
            ("name", name),
            ("description", description),
            ("authorized", authorized),
            ("ip_assignments", ip_assignments),
            ("no_auto_assign_ips", no_auto_assign_ips),
            ("hidden", hidden),
            ("allow_ethernet_bridging", allow_ethernet_bridging),
        ):
            if value is not None:
                pulumi.set(self, key, value)

    @property
    @pulumi.getter(name="networkId")
    def network_id(self) -> pulumi.Input[str]:
        return pulumi.get(self, "network_id")

    @property
    @pulumi.getter(name="memberId")
    def member_id(self) -> pulumi.Input[str]:
        return pulumi.get(self, "member_id")

    @property
    @pulumi.getter
    def name(self) -> Optional[pulumi.Input[str]]:
        return pulumi.get(self, "name")

    @property
    @pulumi.getter
    def description(self) -> Optional[pulumi.Input[str]]:
        return pulumi.get(self, "description")

    @property
    @pulumi.getter
    def authorized(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "authorized")

    @property
    @pulumi.getter(name="ipAssignments")
    def ip_assignments(self) -> Optional[pulumi.Input[Sequence[pulumi.Input[str]]]]:
        return pulumi.get(self, "ip_assignments")

    @property
    @pulumi.getter(name="noAutoAssignIps")
    def no_auto_assign_ips(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "no_auto_assign_ips")

    @property
    @pulumi.getter
    def hidden(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "hidden")

    @property
    @pulumi.getter(name="allowEthernetBridging")
    def allow_ethernet_bridging(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "allow_ethernet_bridging")


class Member(pulumi.CustomResource):
    """Authorization and fixed addresses of one node on one network."""

    def __init__(self, resource_name: str, args: MemberArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        require_mocks("zerotier:index/member:Member")
        super().__init__("zerotier:index/member:Member", resource_name, args, opts)
