from __future__ import annotations

from typing import Optional

import pulumi

from pulumi_zerotier._standin import require_mocks


class Provider(pulumi.ProviderResource):
    """Explicit ZeroTier provider; without one, the default provider reads the `zerotier:` settings."""

    def __init__(
        self,
        resource_name: str,
        zerotier_central_token: Optional[pulumi.Input[str]] = None,
        zerotier_central_url: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        props = {
            "zerotierCentralToken": pulumi.Output.secret(zerotier_central_token) if zerotier_central_token is not None else None,
            "zerotierCentralUrl": zerotier_central_url,
        }
        require_mocks("pulumi:providers:zerotier")
        super().__init__("zerotier", resource_name, props, opts)
