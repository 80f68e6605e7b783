"""Ecmp route: one route to the peer's floating IP with exactly the K active next hops, none dead."""

from __future__ import annotations

from dataclasses import replace

from components.ops.validate.checks.ecmp_route import CHECK as ECMP_ROUTE
from components.ops.validate.runner import evaluate
from tests.ops.recorded_router import recorded
from tests.ops.validate.gk41_r1 import failures, healthy_r1, plan_with_runtime, r1_scope, results


def test_a_route_with_fewer_next_hops_than_k_fails_naming_the_missing_ones() -> None:
    assert failures(healthy_r1("gk41-r1-route-two-next-hops")) == [
        ("ecmp route", "10.0.55.2/32", "2 next hops, K=4 planned: missing 10.14.0.10 dev ztecmp3, 10.14.0.14 dev ztecmp4")
    ]


def test_a_route_with_a_next_hop_beyond_k_fails_naming_it() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    assert [(check, subject, detail) for check, subject, detail in failures(healthy_r1(), plan) if check == "ecmp route"] == [
        ("ecmp route", "10.0.55.2/32", "4 next hops, K=3 planned: unplanned 10.14.0.14 dev ztecmp4")
    ]


def test_a_dead_next_hop_fails() -> None:
    detail = failures(healthy_r1("gk41-r1-route-linkdown"))[0][2]
    assert detail.startswith("4 next hops, K=4 planned: 10.14.0.2 dev ztecmp1 is linkdown; ")


def test_no_route_at_all_fails() -> None:
    assert failures(healthy_r1("gk41-r1-route-none")) == [("ecmp route", "10.0.55.2/32", "no route to 10.0.55.2/32")]


def test_a_single_path_route_counts_its_one_next_hop() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 1})
    assert [result.status for result in results("ecmp route", healthy_r1("gk41-r1-route-one-next-hop"), plan)] == ["pass"]


def test_a_next_hop_whose_far_end_does_not_answer_fails_the_route_naming_its_path_and_peer() -> None:
    # Its interface is up, so the kernel keeps it, and every flow hashed onto it is lost.
    assert results("ecmp route", healthy_r1("gk41-r1-path3-peer-silent"))[0].detail == (
        "4 next hops, K=4 planned: path 3: 10.14.0.10 (r2) does not answer"
    )


def test_a_router_routing_over_a_path_its_peer_does_not_route_back_over_fails_that_pair() -> None:
    # r2's route back to r1 has lost path 4 (an apply that reached r1 and not r2): r1's flows over
    # path 4 get their replies over other paths, which strict reverse-path filtering drops.
    r2_route_back = recorded("gk41-r2-route-three-paths")
    scope = replace(r1_scope(), elsewhere={"r2": r2_route_back})
    [verdict] = evaluate(scope, healthy_r1(), [ECMP_ROUTE])
    assert (verdict.status, verdict.detail) == ("fail", "4 next hops, K=4 planned: routes over path 4, which r2's route back does not use")


def test_the_router_with_fewer_paths_reports_only_what_it_lacks() -> None:
    # r1 routes over paths 1-3 only; r2 over all four: r1 fails for its missing next hop, and its
    # paths are all in r2's route back.
    r1_answers = recorded("gk41-r1-vyos", "gk41-r1-route-three-paths")
    scope = replace(r1_scope(), elsewhere={"r2": recorded("gk41-r2-route-four-paths")})
    [verdict] = evaluate(scope, r1_answers, [ECMP_ROUTE])
    assert verdict.detail == "3 next hops, K=4 planned: missing 10.14.0.14 dev ztecmp4"
