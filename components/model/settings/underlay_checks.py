"""The underlay checks of one router: what its NIC, VyOS or a forwarding kernel cannot honour."""

from __future__ import annotations

from components.model.flavors import flavor
from components.model.settings.schema import (
    HALF_DUPLEX_MAX_GBPS,
    LINK_SPEED_GBPS,
    MTU_RANGE,
    ZEROTIER_MIN_UNDERLAY_MTU,
    ZT_DEFAULT_PHYSMTU,
    LabConfig,
    NicConfig,
)


def underlay_problems(config: LabConfig, position: int) -> list[str]:
    """Underlay settings the router's NIC, VyOS or a forwarding kernel cannot honour."""
    router = config.routers[position]
    underlay, nic = router.underlay, config.hardware.nic
    setting = f"routers[{position}].underlay"
    nic_name = (nic.model if nic and nic.model else None) or f"the {config.hardware.model}'s NIC"
    problems: list[str] = []
    if nic is not None and underlay.speed not in nic.speeds:
        problems.append(
            f"{setting}.speed: {underlay.speed} is not a speed {nic_name} can run at (hardware.nic.speeds: {', '.join(nic.speeds)})"
        )
    if underlay.duplex is not None and underlay.negotiation != "fixed":
        problems.append(
            f"{setting}.duplex: {underlay.duplex} needs negotiation fixed; speed and duplex are set together, both negotiated or both fixed"
        )
    if underlay.duplex == "half" and LINK_SPEED_GBPS[underlay.speed] > HALF_DUPLEX_MAX_GBPS:
        problems.append(f"{setting}.duplex: half duplex does not exist at {underlay.speed}; use full (half duplex stops at 1G)")
    if underlay.mtu is not None:
        problems += _mtu_problems(f"{setting}.mtu", underlay.mtu, nic, nic_name)
    rings = underlay.ring_buffer
    if rings is not None:
        for direction, wanted, largest in (
            ("rx", rings.rx, nic.max_rx_ring if nic else None),
            ("tx", rings.tx, nic.max_tx_ring if nic else None),
        ):
            if wanted is None or nic is None:
                continue
            if largest is None:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {nic_name} cannot change its {direction} ring "
                    f"(hardware.nic.max{direction.title()}Ring is not set)"
                )
            elif wanted > largest:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {wanted} is more than {nic_name} allows "
                    f"(hardware.nic.max{direction.title()}Ring {largest})"
                )
        if (
            flavor(router.flavor).rings_set_together
            and (rings.rx is not None or rings.tx is not None)
            and nic is not None
            and None in (nic.max_rx_ring, nic.max_tx_ring)
        ):
            problems.append(
                f"{setting}.ringBuffer: VyOS refuses any ring-buffer setting on a NIC that cannot change both rings, "
                f"and {nic_name} cannot; remove it"
            )
    if underlay.offload is not None and underlay.offload.lro:
        problems.append(
            f"{setting}.offload.lro: true is refused; LRO merges received packets beyond what can be forwarded unchanged and the kernel "
            "turns it off on forwarding interfaces; use gro"
        )
    buffers = underlay.socket_buffers
    if (
        buffers is not None
        and buffers.max_bytes is not None
        and buffers.default_bytes is not None
        and buffers.default_bytes > buffers.max_bytes
    ):
        problems.append(
            f"{setting}.socketBuffers.defaultBytes: {buffers.default_bytes} is more than maxBytes {buffers.max_bytes}; "
            "the default cannot exceed the limit"
        )
    return problems


def _mtu_problems(setting: str, mtu: int, nic: NicConfig | None, nic_name: str) -> list[str]:
    """An underlay MTU must carry zerotier-one's datagrams whole and stay within what VyOS and the NIC accept."""
    low = ZEROTIER_MIN_UNDERLAY_MTU
    high = min(MTU_RANGE[1], nic.max_mtu) if nic is not None else MTU_RANGE[1]
    choose = (
        f"choose {low}..{high}"
        if low <= high
        else f"nothing: {nic_name} (hardware.nic.maxMtu {high}) cannot carry zerotier-one's datagrams unfragmented"
    )
    if mtu < low:
        return [
            f"{setting}: {mtu} is too small for ZeroTier: zerotier-one sends UDP datagrams with up to {ZT_DEFAULT_PHYSMTU} bytes "
            f"of payload, which take an MTU of {low} with their IPv4 and UDP headers; {choose}"
        ]
    if mtu > MTU_RANGE[1]:
        return [f"{setting}: {mtu} is more than VyOS accepts ({MTU_RANGE[1]} at most); {choose}"]
    if nic is not None and mtu > nic.max_mtu:
        return [f"{setting}: {mtu} is more than {nic_name} accepts (hardware.nic.maxMtu {nic.max_mtu}); {choose}"]
    return []
