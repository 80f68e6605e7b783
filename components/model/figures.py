"""Published iperf3 results for the two reference boxes, kept as data so reports can show them.

All figures are receiver-side throughput in Gbit/s from 10-second iperf3 runs between two VyOS
routers. "ecmp" maps K (active ZeroTier paths) to the aggregate over the floating IPs with 16
parallel streams; K = 1 on the GK41 is the single-instance run over the floating IP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

ReferenceProfile = Literal["gk41", "ms01"]
# Every published ECMP run used this many parallel iperf3 streams between the floating IPs.
PUBLISHED_STREAMS = 16


@dataclass(frozen=True)
class PublishedMeasurements:
    profile: ReferenceProfile
    hardware: str
    link: str
    single_instance_gbps: float
    ecmp_gbps: MappingProxyType[int, float]
    baselines_gbps: MappingProxyType[str, float] = field(default_factory=lambda: MappingProxyType({}))


PUBLISHED_MEASUREMENTS: MappingProxyType[str, PublishedMeasurements] = MappingProxyType(
    {
        "gk41": PublishedMeasurements(
            profile="gk41",
            hardware="Minisforum GK41 (Celeron J4125, 4 cores)",
            link="2.5G USB NIC",
            single_instance_gbps=0.393,
            # K = 1 was measured over the floating IP on the 1G ports (0.441); K = 2..4 on 2.5G.
            ecmp_gbps=MappingProxyType({1: 0.441, 2: 1.02, 3: 1.45, 4: 1.93}),
            baselines_gbps=MappingProxyType({"unencrypted": 2.34, "wireguard": 1.57, "ipsec": 1.36, "openvpn": 0.226, "zerotier": 0.393}),
        ),
        "ms01": PublishedMeasurements(
            profile="ms01",
            hardware="Minisforum MS-01 (i9-13900H, 6P + 8E cores)",
            link="10G for baselines and K <= 2, 25G NICs from K = 3",
            single_instance_gbps=4.49,
            ecmp_gbps=MappingProxyType({1: 4.49, 2: 8.38, 3: 11.6, 4: 14.1, 5: 16.5, 6: 18.9, 8: 21.3}),
            baselines_gbps=MappingProxyType({"unencrypted": 9.35, "wireguard": 6.55, "ipsec": 5.72, "openvpn": 2.18, "zerotier": 4.49}),
        ),
    }
)
