"""The plan of a lab of more than two sites: shared path networks, routes to every peer, the hub."""

from __future__ import annotations

from typing import Any

from components.model.plan import LabPlan
from tests.support.stacks import lab_plan, stack_settings


def sites(count: int, **changes: Any) -> LabPlan:
    """The three-site reference stack grown (or shrunk) to ``count`` routers, one per /29 host."""
    routers = stack_settings("gk41-sites")["routers"]
    template = routers[-1]
    grown = [
        {
            **template,
            "name": f"site{number}",
            "ssh": {**template["ssh"], "host": f"192.0.2.{60 + number}"},
            "underlay": {**template["underlay"], "address": f"198.51.100.{10 + number}/24"},
        }
        for number in range(len(routers) + 1, count + 1)
    ]
    for router in routers:
        router["underlay"]["address"] = router["underlay"]["address"].replace("/29", "/24")
    return lab_plan("gk41-sites", routers=[*routers, *grown][:count], **changes)


HUB = {"topology": "hub-and-spoke", "hub": "hq"}


def test_three_sites_share_one_29_per_path() -> None:
    assert [str(path.subnet) for path in lab_plan("gk41-sites").paths] == ["10.14.0.0/29", "10.14.0.8/29", "10.14.0.16/29", "10.14.0.24/29"]


def test_router_k_takes_the_kth_host_of_path_2() -> None:
    path = lab_plan("gk41-sites").path(2)
    assert {name: str(end.address) for name, end in path.ends.items()} == {
        "hq": "10.14.0.9/29",
        "br1": "10.14.0.10/29",
        "br2": "10.14.0.11/29",
    }


def test_two_routers_keep_their_30s() -> None:
    path = lab_plan("gk41").path(2)
    assert (str(path.subnet), [str(end.address.ip) for end in path.ends.values()]) == ("10.14.0.4/30", ["10.14.0.5", "10.14.0.6"])


def test_seven_routers_need_a_28_per_path() -> None:
    plan = sites(7)
    assert (str(plan.path(2).subnet), str(plan.path(2).end("site7").address)) == ("10.14.0.16/28", "10.14.0.23/28")


def test_sixteen_routers_need_a_27_per_path() -> None:
    plan = sites(16, paths={"count": 4})
    assert (str(plan.path(4).subnet), str(plan.path(4).end("site16").address)) == ("10.14.0.96/27", "10.14.0.112/27")


def test_floating_ips_default_to_the_kth_address_of_10_0_55_0_24() -> None:
    assert [str(router.floating_ip) for router in lab_plan("gk41-sites").routers] == ["10.0.55.1/32", "10.0.55.2/32", "10.0.55.3/32"]


def test_every_router_routes_to_every_other_floating_ip() -> None:
    plan = lab_plan("gk41-sites")
    assert {router.name: [(route.peer, str(route.destination)) for route in router.routes] for router in plan.routers} == {
        "hq": [("br1", "10.0.55.2/32"), ("br2", "10.0.55.3/32")],
        "br1": [("hq", "10.0.55.1/32"), ("br2", "10.0.55.3/32")],
        "br2": [("hq", "10.0.55.1/32"), ("br1", "10.0.55.2/32")],
    }


def test_full_mesh_next_hops_are_the_peers_own_path_addresses() -> None:
    route = lab_plan("gk41-sites").router("br1").route_to("br2")
    assert ([str(hop.address) for hop in route.next_hops], route.via) == (["10.14.0.3", "10.14.0.11", "10.14.0.19", "10.14.0.27"], None)


def test_k_applies_to_every_pair() -> None:
    plan = lab_plan("gk41-sites", paths={"count": 4, "active": 2})
    assert {len(route.active_next_hops) for router in plan.routers for route in router.routes} == {2}


def test_a_spoke_reaches_another_spoke_through_the_hubs_addresses() -> None:
    route = lab_plan("gk41-sites", routing=HUB).router("br1").route_to("br2")
    assert ([str(hop.address) for hop in route.next_hops], route.via) == (["10.14.0.1", "10.14.0.9", "10.14.0.17", "10.14.0.25"], "hq")


def test_the_hub_routes_straight_to_each_spoke() -> None:
    route = lab_plan("gk41-sites", routing=HUB).router("hq").route_to("br2")
    assert ([str(hop.address) for hop in route.next_hops], route.via) == (["10.14.0.3", "10.14.0.11", "10.14.0.19", "10.14.0.27"], None)


def test_only_the_hub_forwards() -> None:
    assert [router.forwards for router in lab_plan("gk41-sites", routing=HUB).routers] == [True, False, False]


def test_spokes_are_separated_both_ways() -> None:
    assert lab_plan("gk41-sites", routing=HUB).separated_pairs() == (("br1", "br2"), ("br2", "br1"))


def test_full_mesh_separates_no_one() -> None:
    assert lab_plan("gk41-sites").separated_pairs() == ()


def test_a_spokes_only_neighbour_on_a_path_is_the_hub() -> None:
    plan = lab_plan("gk41-sites", routing=HUB)
    assert [str(end.address.ip) for end in plan.neighbours(plan.path(2), "br1")] == ["10.14.0.9"]


def test_the_hub_neighbours_every_spoke() -> None:
    plan = lab_plan("gk41-sites", routing=HUB)
    assert [end.router for end in plan.neighbours(plan.path(2), "hq")] == ["br1", "br2"]


def test_every_ordered_pair_once() -> None:
    pairs = [(first.name, second.name) for first, second in lab_plan("gk41-sites").pairs()]
    assert pairs == [("hq", "br1"), ("hq", "br2"), ("br1", "hq"), ("br1", "br2"), ("br2", "hq"), ("br2", "br1")]


def test_ports_and_interfaces_stay_per_path() -> None:
    path = lab_plan("gk41-sites").path(3)
    assert {(end.port, end.interface) for end in path.ends.values()} == {(9996, "ztecmp3")}


def test_two_routers_planned_for_six_sites_take_29s_already() -> None:
    path = lab_plan("gk41", addressing={"plannedSites": 6}).path(2)
    assert (str(path.subnet), [str(end.address) for end in path.ends.values()]) == ("10.14.0.8/29", ["10.14.0.9/29", "10.14.0.10/29"])


def test_a_third_site_within_the_planned_sites_moves_no_address_of_the_first_two() -> None:
    def addresses(plan: LabPlan) -> dict[str, list[str]]:
        return {router: [str(path.end(router).address) for path in plan.paths] for router in ("hq", "br1")}

    two = lab_plan("gk41-sites", routers=stack_settings("gk41-sites")["routers"][:2], addressing={"plannedSites": 3})
    assert addresses(two) == addresses(lab_plan("gk41-sites", addressing={"plannedSites": 3}))


def test_a_router_keeping_its_site_number_keeps_its_addresses_when_one_before_it_leaves() -> None:
    hq, _, br2 = stack_settings("gk41-sites")["routers"]
    plan = lab_plan("gk41-sites", routers=[hq, {**br2, "siteNumber": 3}])
    br2_plan = plan.router("br2")
    assert (str(plan.path(2).end("br2").address), str(br2_plan.floating_ip), br2_plan.site_number) == ("10.14.0.11/29", "10.0.55.3/32", 3)


def test_the_site_numbers_default_to_the_places_in_the_list() -> None:
    assert [router.site_number for router in lab_plan("gk41-sites").routers] == [1, 2, 3]


def test_without_planned_sites_the_subnets_hold_the_highest_site_number() -> None:
    hq, _, br2 = stack_settings("gk41-sites")["routers"]
    # Two routers, but site 3 among them: /29s as with three, not the /30s of two.
    assert str(lab_plan("gk41-sites", routers=[hq, {**br2, "siteNumber": 3}]).path(2).subnet) == "10.14.0.8/29"


def test_the_paths_of_two_routers_are_point_to_point_and_those_of_three_are_shared_lans() -> None:
    assert (lab_plan("gk41").paths_are_point_to_point, lab_plan("gk41-sites").paths_are_point_to_point) == (True, False)
