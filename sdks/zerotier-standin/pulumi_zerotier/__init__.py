"""Stand-in for the generated pulumi_zerotier SDK (see README.md beside this package)."""

from pulumi_zerotier._inputs import (
    NetworkAssignIpv4Args,
    NetworkAssignmentPoolArgs,
    NetworkRouteArgs,
)
from pulumi_zerotier._standin import GeneratedSdkRequired
from pulumi_zerotier.identity import Identity
from pulumi_zerotier.member import Member, MemberArgs
from pulumi_zerotier.network import Network, NetworkArgs
from pulumi_zerotier.provider import Provider

__all__ = [
    "GeneratedSdkRequired",
    "Identity",
    "Member",
    "MemberArgs",
    "Network",
    "NetworkArgs",
    "NetworkAssignIpv4Args",
    "NetworkAssignmentPoolArgs",
    "NetworkRouteArgs",
    "Provider",
]
