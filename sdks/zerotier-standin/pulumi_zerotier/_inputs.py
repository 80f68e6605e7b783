"""Nested input types, with the property names the bridged provider uses on the wire."""

from __future__ import annotations

from typing import Optional

import pulumi


@pulumi.input_type
class NetworkAssignmentPoolArgs:
    def __init__(self, *, start: pulumi.Input[str], end: pulumi.Input[str]) -> None:
        pulumi.set(self, "start", start)
        pulumi.set(self, "end", end)

    @property
    @pulumi.getter
    def start(self) -> pulumi.Input[str]:
        return pulumi.get(self, "start")

    @property
    @pulumi.getter
    def end(self) -> pulumi.Input[str]:
        return pulumi.get(self, "end")


@pulumi.input_type
class NetworkRouteArgs:
    def __init__(self, *, target: pulumi.Input[str], via: Optional[pulumi.Input[str]] = None) -> None:
        pulumi.set(self, "target", target)
        if via is not None:
            pulumi.set(self, "via", via)

    @property
    @pulumi.getter
    def target(self) -> pulumi.Input[str]:
        return pulumi.get(self, "target")

    @property
    @pulumi.getter
    def via(self) -> Optional[pulumi.Input[str]]:
        return pulumi.get(self, "via")


@pulumi.input_type
class NetworkAssignIpv4Args:
    def __init__(self, *, zerotier: Optional[pulumi.Input[bool]] = None) -> None:
        if zerotier is not None:
            pulumi.set(self, "zerotier", zerotier)

    @property
    @pulumi.getter
    def zerotier(self) -> Optional[pulumi.Input[bool]]:
        return pulumi.get(self, "zerotier")
