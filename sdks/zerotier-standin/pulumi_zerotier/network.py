from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import pulumi

from pulumi_zerotier._standin import require_mocks

from pulumi_zerotier._inputs import NetworkAssignIpv4Args, NetworkAssignmentPoolArgs, NetworkRouteArgs


@pulumi.input_type
class NetworkArgs:
    def __init__(
        self,
        *,
        name: Optional[pulumi.Input[str]] = None,
        description: Optional[pulumi.Input[str]] = None,
        private: Optional[pulumi.Input[bool]] = None,
        assignment_pools: Optional[pulumi.Input[Sequence[pulumi.Input[NetworkAssignmentPoolArgs]]]] = None,
        routes: Optional[pulumi.Input[Sequence[pulumi.Input[NetworkRouteArgs]]]] = None,
        assign_ipv4s: Optional[pulumi.Input[Sequence[pulumi.Input[NetworkAssignIpv4Args]]]] = None,
        enable_broadcast: Optional[pulumi.Input[bool]] = None,
        multicast_limit: Optional[pulumi.Input[int]] = None,
        flow_rules: Optional[pulumi.Input[str]] = None,
    ) -> None:
        for key, value in (
            ("name", name),
            ("description", description),
            ("private", private),
            ("assignment_pools", assignment_pools),
            ("routes", routes),
            ("assign_ipv4s", assign_ipv4s),
            ("enable_broadcast", enable_broadcast),
            ("multicast_limit", multicast_limit),
            ("flow_rules", flow_rules),
        ):
            if value is not None:
                pulumi.set(self, key, value)

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
    def private(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "private")

    @property
    @pulumi.getter(name="assignmentPools")
    def assignment_pools(self) -> Optional[pulumi.Input[Sequence[pulumi.Input[NetworkAssignmentPoolArgs]]]]:
        return pulumi.get(self, "assignment_pools")

    @property
    @pulumi.getter
    def routes(self) -> Optional[pulumi.Input[Sequence[pulumi.Input[NetworkRouteArgs]]]]:
        return pulumi.get(self, "routes")

    @property
    @pulumi.getter(name="assignIpv4s")
    def assign_ipv4s(self) -> Optional[pulumi.Input[Sequence[pulumi.Input[NetworkAssignIpv4Args]]]]:
        return pulumi.get(self, "assign_ipv4s")

    @property
    @pulumi.getter(name="enableBroadcast")
    def enable_broadcast(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "enable_broadcast")

    @property
    @pulumi.getter(name="multicastLimit")
    def multicast_limit(self) -> Optional[pulumi.Input[int]]:
        return pulumi.get(self, "multicast_limit")

    @property
    @pulumi.getter(name="flowRules")
    def flow_rules(self) -> Optional[pulumi.Input[str]]:
        return pulumi.get(self, "flow_rules")


class Network(pulumi.CustomResource):
    """A ZeroTier network managed through ZeroTier Central (or a compatible controller)."""

    def __init__(self, resource_name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        require_mocks("zerotier:index/network:Network")
        super().__init__("zerotier:index/network:Network", resource_name, args, opts)

    @property
    @pulumi.getter
    def name(self) -> pulumi.Output[str]:
        return pulumi.get(self, "name")
