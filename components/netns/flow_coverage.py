"""How many layer-4-hashed flows it takes to use all K paths, and how close a run came to K x R.

Layer-4 hashing places each flow on a path at random, so a path carries nothing when no flow lands on
it: the flow count decides how often all K paths are in use. The probability is computed here
(inclusion-exclusion), for the benchmarks to choose their flow counts and compare with what they
measured.
"""

from __future__ import annotations

import math
from fractions import Fraction

COVERAGE_TARGET = 0.99
# A path "carries traffic" when its sender moved at least this much during a run: far above stray
# control packets, far below what even one TCP flow sends in a second through a 1 Mbit/s cap.
USED_LINK_BYTES = 64 * 1024
MAX_IPERF_FLOWS = 128


def coverage_probability(paths: int, flows: int) -> float:
    """Probability that ``flows`` independently, uniformly hashed flows leave none of ``paths`` paths empty.

    Inclusion-exclusion over the set of empty paths: sum over j of (-1)^j * C(K, j) * (1 - j/K)^P,
    computed exactly in rationals.
    """
    if paths < 1 or flows < 0:
        raise ValueError(f"paths must be >= 1 and flows >= 0, got paths={paths}, flows={flows}")
    total = sum((-1) ** j * math.comb(paths, j) * Fraction(paths - j, paths) ** flows for j in range(paths + 1))
    return float(total)


def expected_coverage(paths: int, flows: int) -> float:
    """Expected fraction of the paths that carry at least one flow: 1 - (1 - 1/K)^P."""
    return 1.0 - (1.0 - 1.0 / paths) ** flows


def recommended_flows(paths: int, target: float = COVERAGE_TARGET) -> int:
    """The fewest parallel flows that use all ``paths`` paths with probability >= ``target``."""
    flows = paths
    while coverage_probability(paths, flows) < target:
        flows += 1
    return flows


def scaling_efficiency(aggregate_mbit: float, active_paths: int, rate_mbit: float) -> float:
    """Aggregate over what K paths of R Mbit/s could carry at most."""
    return aggregate_mbit / (active_paths * rate_mbit)
