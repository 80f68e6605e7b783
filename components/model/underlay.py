"""Underlay tuning in the plan: what each router's underlay interface and UDP socket limits are set to.

Only what a stack sets is planned; anything left out stays as the operator has it. Plain data, no
Pulumi: the VyOS and Linux renderers read it.

Socket buffer sizing
--------------------
Every ZeroTier instance moves all of its traffic through one UDP socket per underlay address.
zerotier-one asks for 1 MiB receive and send buffers on x86-64, and the kernel silently caps the
request at ``net.core.rmem_max``/``wmem_max`` (stock: 212992 bytes), so the stock limit cuts the
instance's buffer to a fifth of what it asks for. When ``underlay.socketBuffers`` gives no sizes:

    max     = next power of two >= link bytes/s x 4 ms, and at least 1 MiB
    default = max / 4, and at least the kernel's stock 212992 (never above max)

4 ms is one scheduler tick at HZ=250: a receiving instance that loses the CPU for one tick must
not drop what the whole link can deliver meanwhile. That gives 1G: 1 MiB / 256 KiB,
2.5G: 2 MiB / 512 KiB, 10G: 8 MiB / 2 MiB, 25G: 16 MiB / 4 MiB, 100G: 64 MiB / 16 MiB.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.model.flavors import flavor
from components.model.kernel import HUB_SYSCTLS
from components.model.settings import LINK_SPEED_GBPS, Duplex, LabConfig

STOCK_SOCKET_BUFFER_BYTES = 212992
ZEROTIER_SOCKET_BUFFER_REQUEST = 1 << 20
BUFFER_WINDOW_SECONDS = 0.004
# Speeds as VyOS's `speed` and ethtool's `speed` take them: Mbit/s.
LINK_SPEED_MBPS = {name: int(gbps * 1000) for name, gbps in LINK_SPEED_GBPS.items()}
OFFLOADS = ("gro", "gso", "lro", "rps", "sg", "tso")
SOCKET_BUFFER_SYSCTLS = ("net.core.rmem_max", "net.core.wmem_max", "net.core.rmem_default", "net.core.wmem_default")


@dataclass(frozen=True)
class LinkMode:
    """Speed and duplex, always set together: both negotiated or both fixed."""

    autoneg: bool
    speed_mbps: int | None = None
    duplex: Duplex | None = None


@dataclass(frozen=True)
class UnderlayTuning:
    """What one router's underlay interface and kernel are set to; ``None`` and empty mean untouched."""

    interface: str = ""
    link: LinkMode | None = None
    mtu: int | None = None
    rx_ring: int | None = None
    tx_ring: int | None = None
    # (offload name, on) in the order of OFFLOADS.
    offloads: tuple[tuple[str, bool], ...] = ()
    # Written to every receive queue's rps_cpus when RPS is on: all of the router's logical CPUs.
    rps_cpu_mask: str = ""
    # (sysctl key, value) in the order of SOCKET_BUFFER_SYSCTLS, then a hub's HUB_SYSCTLS where its
    # flavor does not forward by itself.
    sysctls: tuple[tuple[str, int], ...] = ()

    def offload(self, name: str) -> bool | None:
        return dict(self.offloads).get(name)


UNTOUCHED = UnderlayTuning()


def socket_buffer_sizes(link_gbps: float, max_bytes: int | None = None, default_bytes: int | None = None) -> tuple[int, int]:
    """(max, default) socket buffer bytes for a link, by the formula in this module's docstring unless given."""
    if max_bytes is None:
        window = int(link_gbps * 1e9 / 8 * BUFFER_WINDOW_SECONDS)
        max_bytes = max(ZEROTIER_SOCKET_BUFFER_REQUEST, 1 << (window - 1).bit_length())
    if default_bytes is None:
        default_bytes = min(max_bytes, max(STOCK_SOCKET_BUFFER_BYTES, max_bytes // 4))
    return max_bytes, default_bytes


def cpu_mask(cpus: int) -> str:
    """rps_cpus format: hex, in comma-separated groups of 32 CPUs, lowest group last."""
    value = (1 << cpus) - 1
    groups = []
    while True:
        groups.append(f"{value & 0xFFFFFFFF:08x}")
        value >>= 32
        if not value:
            break
    return ",".join(reversed(groups)).lstrip("0") or "0"


def underlay_tuning(config: LabConfig, position: int) -> UnderlayTuning:
    underlay = config.routers[position].underlay
    link: LinkMode | None = None
    if underlay.negotiation == "auto":
        link = LinkMode(autoneg=True)
    elif underlay.negotiation == "fixed":
        link = LinkMode(autoneg=False, speed_mbps=LINK_SPEED_MBPS[underlay.speed], duplex=underlay.duplex or "full")
    rings = underlay.ring_buffer
    offloads = underlay.offload
    chosen = tuple((name, bool(getattr(offloads, name))) for name in OFFLOADS if offloads and getattr(offloads, name) is not None)
    sysctls: tuple[tuple[str, int], ...] = ()
    if underlay.socket_buffers is not None:
        biggest, default = socket_buffer_sizes(
            LINK_SPEED_GBPS[underlay.speed], underlay.socket_buffers.max_bytes, underlay.socket_buffers.default_bytes
        )
        sysctls = tuple(zip(SOCKET_BUFFER_SYSCTLS, (biggest, biggest, default, default), strict=True))
    router = config.routers[position]
    is_hub = config.routing.active_hub == router.name
    if is_hub and not flavor(router.flavor).forwards_by_default:
        sysctls += HUB_SYSCTLS
    return UnderlayTuning(
        interface=underlay.interface,
        link=link,
        mtu=underlay.mtu,
        rx_ring=rings.rx if rings else None,
        tx_ring=rings.tx if rings else None,
        offloads=chosen,
        rps_cpu_mask=cpu_mask(config.hardware.logical_cpus) if dict(chosen).get("rps") else "",
        sysctls=sysctls,
    )
