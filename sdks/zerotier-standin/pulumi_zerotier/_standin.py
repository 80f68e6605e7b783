"""Guard: this package only stands in for the generated SDK where no real engine runs."""

from __future__ import annotations

from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_monitor


class GeneratedSdkRequired(RuntimeError):
    pass


def require_mocks(resource_type: str) -> None:
    """Under Pulumi's mocks (tests, the offline plan) the stand-in is enough; a real deployment needs
    the SDK that `pulumi install` generates, which carries the provider's version and parameterization."""
    if not isinstance(get_monitor(), MockMonitor):
        raise GeneratedSdkRequired(
            f"{resource_type}: sdks/zerotier holds the offline stand-in of pulumi_zerotier; "
            "run `pulumi install` in the project folder to generate the real SDK, then run this again"
        )
