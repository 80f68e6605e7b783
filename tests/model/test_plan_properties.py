"""Properties of the plan and the ZeroTier files that hold for every valid configuration."""

from __future__ import annotations

import ipaddress
import json
from itertools import combinations
from typing import Any

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from components.model.plan import LabPlan, build_plan
from components.model.settings import ConfigError, parse_lab_config
from components.model.settings.conflicts import SPECIAL_RANGES
from components.render.zerotier import render_local_conf
from tests.support.stacks import stack_settings

# Addresses a router can own: the blocks between the special ranges the configuration refuses (0/8, 127/8,
# 169.254/16, 224/4 and up), drawn from directly so that hardly any draw is thrown away.
UNICAST_BLOCKS = ((0x01000000, 0x7EFFFFFF), (0x80000000, 0xA9FDFFFF), (0xA9FF0000, 0xDFFFFFFF))
UNICAST = st.one_of(*(st.integers(min_value=low, max_value=high) for low, high in UNICAST_BLOCKS))


@st.composite
def valid_settings(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=64))
    active = draw(st.integers(min_value=1, max_value=count))
    smallest_prefix_that_fits = 30 - (count - 1).bit_length()
    prefix = draw(st.integers(min_value=max(8, smallest_prefix_that_fits - 6), max_value=smallest_prefix_that_fits))
    supernet = draw(
        UNICAST.map(lambda n: ipaddress.IPv4Network((n, prefix), strict=False)).filter(
            lambda network: not any(network.overlaps(special) for special, _ in SPECIAL_RANGES)
        )
    )
    outside = UNICAST.filter(lambda n: ipaddress.IPv4Address(n) not in supernet)
    floating = [ipaddress.IPv4Address(n) for n in draw(st.lists(outside, min_size=2, max_size=2, unique=True))]
    settings = stack_settings("gk41")
    settings["hardware"]["performanceCores"] = 64
    for router, address in zip(settings["routers"], floating, strict=True):
        router["cpus"] = []
        router["floatingIp"] = f"{address}/32"
    settings["paths"] = {"count": count, "active": active}
    settings["addressing"] = {"transitSupernet": str(supernet)}
    settings["zerotier"] = {
        "basePort": draw(st.integers(min_value=1024, max_value=65535 - count)),
        "interfacePrefix": "zt" + draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=0, max_size=6)),
    }
    return settings


# The settings drawn at random: the configuration refuses a few of their combinations (a supernet or floating IP on
# the underlay's network or the SSH hosts, ports of services the routers run), as test_config_errors.py specifies.
# Such draws are not valid configurations; any other refusal is a failure.
DRAWN_SETTINGS = ("addressing.transitSupernet: ", "routers[0].floatingIp: ", "routers[1].floatingIp: ", "zerotier.basePort: ")


def _plan(settings: dict[str, Any]) -> LabPlan:
    try:
        config = parse_lab_config(settings)
    except ConfigError as error:
        if all(problem.startswith(DRAWN_SETTINGS) for problem in error.problems):
            reject()
        raise
    return build_plan(config, "zt-ecmp", "prop")


@settings(max_examples=150, deadline=None)
@given(valid_settings())
def test_no_two_path_subnets_overlap(settings: dict[str, Any]) -> None:
    plan = _plan(settings)
    assert not any(a.subnet.overlaps(b.subnet) for a, b in combinations(plan.paths, 2))
    assert all(path.subnet.subnet_of(plan.transit_supernet) for path in plan.paths)


@settings(max_examples=150, deadline=None)
@given(valid_settings())
def test_ports_and_interface_names_are_unique_per_router(settings: dict[str, Any]) -> None:
    plan = _plan(settings)
    for router in plan.routers:
        ends = [path.end(router.name) for path in plan.paths]
        assert len({end.port for end in ends}) == len(ends)
        assert len({end.interface for end in ends}) == len(ends)
        assert all(end.interface.startswith("zt") and len(end.interface) <= 15 for end in ends)


@settings(max_examples=150, deadline=None)
@given(valid_settings())
def test_both_ends_of_a_path_share_its_30_and_are_each_others_peers(settings: dict[str, Any]) -> None:
    plan = _plan(settings)
    for path in plan.paths:
        first, second = path.ends.values()
        assert first.address.network == second.address.network == path.subnet
        assert first.address.ip != second.address.ip
        assert (path.peers(first.router), path.peers(second.router)) == ((second,), (first,))


@settings(max_examples=60, deadline=None)
@given(valid_settings())
def test_local_conf_is_json_whose_blacklist_covers_every_other_instance(settings: dict[str, Any]) -> None:
    plan = _plan(settings)
    for router in plan.routers:
        interfaces = {path.end(router.name).interface for path in plan.paths}
        for path in plan.paths:
            document = json.loads(render_local_conf(plan, router.name, path.index))
            blacklist = document["settings"]["interfacePrefixBlacklist"]
            others = interfaces - {path.end(router.name).interface}
            assert all(any(other.startswith(prefix) for prefix in blacklist) for other in others)
            assert document["settings"]["primaryPort"] == path.end(router.name).port
            assert str(plan.transit_supernet) in document["physical"]


@settings(max_examples=150, deadline=None)
@given(valid_settings())
def test_active_next_hops_are_exactly_the_first_k_paths(settings: dict[str, Any]) -> None:
    plan = _plan(settings)
    k = settings["paths"]["active"]
    for router in plan.routers:
        for route in router.routes:
            assert [hop.path_index for hop in route.active_next_hops] == list(range(1, k + 1))
