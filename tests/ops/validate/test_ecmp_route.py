"""Ecmp route: one route to the peer's floating IP with exactly the K active next hops, none dead."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import failures, healthy_r1, plan_with_runtime, results


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
