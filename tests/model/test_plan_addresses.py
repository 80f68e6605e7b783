"""The address plan, against the reference lab's literal addresses."""

from __future__ import annotations

from tests.support.stacks import lab_plan


def test_path_1_is_10_14_0_1_and_10_14_0_2() -> None:
    path = lab_plan().path(1)
    assert [str(end.address) for end in path.ends.values()] == ["10.14.0.1/30", "10.14.0.2/30"]


def test_path_2_is_10_14_0_5_and_10_14_0_6() -> None:
    path = lab_plan().path(2)
    assert [str(end.address.ip) for end in path.ends.values()] == ["10.14.0.5", "10.14.0.6"]


def test_path_4_is_10_14_0_13_and_10_14_0_14() -> None:
    path = lab_plan().path(4)
    assert str(path.subnet) == "10.14.0.12/30"
    assert [str(end.address.ip) for end in path.ends.values()] == ["10.14.0.13", "10.14.0.14"]


def test_r1_routes_to_r2_floating_ip_via_every_r2_path_address() -> None:
    [route] = lab_plan().router("r1").routes
    assert (str(route.destination), route.peer) == ("10.0.55.2/32", "r2")
    assert [str(hop.address) for hop in route.next_hops] == ["10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14"]


def test_r2_routes_to_r1_floating_ip_via_every_r1_path_address() -> None:
    [route] = lab_plan().router("r2").routes
    assert (str(route.destination), route.peer) == ("10.0.55.1/32", "r1")
    assert [str(hop.address) for hop in route.next_hops] == ["10.14.0.1", "10.14.0.5", "10.14.0.9", "10.14.0.13"]


def test_paths_beyond_k_are_built_but_inactive() -> None:
    plan = lab_plan(paths={"count": 4, "active": 1})
    assert [path.active for path in plan.paths] == [True, False, False, False]
    assert [str(hop.address) for hop in plan.router("r1").route_to("r2").active_next_hops] == ["10.14.0.2"]


def test_active_defaults_to_count() -> None:
    plan = lab_plan(paths={"count": 3})
    assert plan.active_path_count == 3


def test_path_i_listens_on_9993_plus_i_on_both_routers() -> None:
    plan = lab_plan()
    assert [(path.end("r1").port, path.end("r2").port) for path in plan.paths] == [(9994, 9994), (9995, 9995), (9996, 9996), (9997, 9997)]


def test_ms01_pins_paths_1_to_6_to_performance_cores_and_7_8_to_efficiency_cores() -> None:
    plan = lab_plan("ms01")
    assert [path.end("r1").cpus for path in plan.paths] == [(0,), (2,), (4,), (6,), (8,), (10,), (12,), (13,)]


def test_network_names_carry_project_stack_and_path() -> None:
    assert lab_plan("ms01").path(8).network_name == "zt-ecmp-ms01-path8"


def test_ms01_capacity_is_limited_by_the_25g_link_with_8_paths() -> None:
    capacity = lab_plan("ms01").capacity
    assert (capacity.estimated_gbps, capacity.limited_by) == (23.5, "link")


def test_gk41_capacity_is_limited_by_instances() -> None:
    capacity = lab_plan("gk41").capacity
    assert (capacity.estimated_gbps, capacity.limited_by) == (1.572, "instances")
