"""iperf3 reports as a sweep records them, made up for tests: a lab that measured given Gbit/s."""

from __future__ import annotations

import json

from components.ops.iperf import IperfReport
from components.ops.sweep.orchestration import Pair

# What a two-router sweep measures unless told otherwise: the first router to the second.
DEFAULT_PAIR: Pair = ("r1", "r2")


def report_of(gbps: float, retransmits: int = 0) -> IperfReport:
    rate = gbps * 1e9
    return IperfReport(
        streams=16,
        seconds=10.0,
        sent_bits_per_second=rate * 1.01,
        received_bits_per_second=rate,
        retransmits=retransmits,
        stream_received_bits_per_second=(rate / 2, rate / 2),
        raw=json.dumps({"end": {"sum_received": {"bits_per_second": rate}}}),
    )
