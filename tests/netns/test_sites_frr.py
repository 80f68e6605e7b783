"""Self-healing per pair between three and four real routers running FRR's zebra, ospfd and bfdd.

The routers share one bridge per path and run OSPF point-to-multipoint on each with BFD per
neighbour (the rendered FRR configuration). A path is cut between two sites alone: the two bridge
ports are isolated from each other, so both routers keep their interfaces up and still reach every
other router on that path, which is what two ZeroTier members that lose each other look like. (This
kernel has no tc classifiers or actions and the machine no iptables or nft, so the cut is made at L2.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from components.netns.bfd_failover import (
    CONVERGE_TIMEOUT_SECONDS,
    PairCut,
    await_converged,
    converged_frr_lab,
    cut_and_mend,
    failover_plan,
    planned_next_hops,
    without_path,
)
from components.netns.frr import FrrLab, all_route_next_hops
from tests.support.netns import FRR_LAB

pytestmark = FRR_LAB

PATHS = 3
RATE_MBIT = 100
# Beyond BFD's detection time (300 ms x 3 by default, read from the plan): ospfd's SPF runs at once
# (throttle 0) and zebra installs the route, and the watch reads every router's routes in turn (a few
# tens of milliseconds for four routers), on a two-core machine other tests may share. 0.67-0.68 s
# was measured for three and four routers. OSPF alone would wait for its 4 s dead interval, so a
# withdrawal inside this bound was BFD's.
MARGIN_SECONDS = 1.0


@pytest.fixture(scope="module", params=[3, 4], ids=["3-routers", "4-routers"])
def frr(request: pytest.FixtureRequest) -> Iterator[FrrLab]:
    routers: int = request.param
    with converged_frr_lab(failover_plan(paths=PATHS, routers=routers), RATE_MBIT) as running:
        yield running


@pytest.fixture
def healthy(frr: FrrLab) -> FrrLab:
    """The shared lab with every path in every route and every BFD session up."""
    await_converged(frr)
    return frr


def test_frr_routes_every_pair_over_every_path_with_a_bfd_session_per_neighbour(healthy: FrrLab) -> None:
    routes = all_route_next_hops(healthy.lab)
    assert routes[("r1", "r2")] == ("10.14.0.2", "10.14.0.10", "10.14.0.18")
    assert routes[("r3", "r1")] == ("10.14.0.1", "10.14.0.9", "10.14.0.17")
    assert routes == planned_next_hops(healthy.lab)
    others = len(healthy.lab.plan.routers) - 1
    assert len(healthy.bfd_peers("r1")) == PATHS * others


@pytest.fixture(scope="module")
def cut(frr: FrrLab) -> PairCut:
    """Path 2 cut between r1 and r2, watched for a detection time after both dropped it, then mended:
    once per lab, for the tests below to read."""
    await_converged(frr)
    detection = frr.lab.plan.routing.bfd.detection_ms / 1000
    result = cut_and_mend(frr, 2, ("r1", "r2"), hold_seconds=detection)
    print("\n" + result.summary())
    return result


def test_a_path_cut_between_two_sites_leaves_their_two_routes_within_the_bfd_detection_time(cut: PairCut, healthy: FrrLab) -> None:
    limit = healthy.lab.plan.routing.bfd.detection_ms / 1000 + MARGIN_SECONDS
    assert set(cut.withdrawn_seconds) == {"r1", "r2"}
    assert cut.failover_seconds <= limit, cut.withdrawn_seconds


def test_a_path_cut_between_two_sites_removes_that_next_hop_alone(cut: PairCut, healthy: FrrLab) -> None:
    assert cut.during[("r1", "r2")] == ("10.14.0.2", "10.14.0.18")
    assert cut.during[("r2", "r1")] == ("10.14.0.1", "10.14.0.17")
    assert cut.during == without_path(healthy.lab, cut.planned, 2, ("r1", "r2"))


def test_every_other_pair_keeps_all_its_paths_while_the_cut_lasts(cut: PairCut) -> None:
    # Read over and over from the cut until a detection time after both routes had dropped it.
    assert cut.strays == ()


def test_a_mended_path_returns_to_both_routes(cut: PairCut, healthy: FrrLab) -> None:
    assert cut.returned_seconds < CONVERGE_TIMEOUT_SECONDS
    assert all_route_next_hops(healthy.lab) == cut.planned
