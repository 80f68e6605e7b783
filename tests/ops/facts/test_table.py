"""Which getters answer for each flavor and runtime: every one has an entry, and VyOS shares Linux's for its kernel."""

from __future__ import annotations

from dataclasses import fields
from ipaddress import IPv4Address, IPv4Network
from typing import get_args

import pytest

from components.model.flavors import ContainerRuntime, RouterFlavor
from components.ops.facts import linux
from components.ops.facts.getter import Getter
from components.ops.facts.needs import AnyNeed, PingNeed, RoutesNeed
from components.ops.facts.table import LINUX, VYOS, FlavorGetters, RuntimeGetters, flavor_getters, getter_for, runtime_getters
from tests.support.stacks import lab_plan

# One need of every kind, so a kind of need added without a getter fails here as well as in mypy.
EVERY_NEED: list[AnyNeed] = [
    need_type(IPv4Network("10.0.55.2/32"))
    if need_type is RoutesNeed
    else need_type(IPv4Address("10.14.0.2"))
    if need_type is PingNeed
    else need_type()
    for need_type in get_args(AnyNeed)
]


@pytest.mark.parametrize("name", get_args(RouterFlavor))
def test_every_flavor_has_a_getter_for_every_fact_of_the_kernel(name: RouterFlavor) -> None:
    getters = flavor_getters(name)
    assert isinstance(getters, FlavorGetters)
    assert all(isinstance(getattr(getters, field.name), Getter) for field in fields(FlavorGetters))


@pytest.mark.parametrize("name", get_args(ContainerRuntime))
def test_every_runtime_has_a_getter_for_every_fact_of_its_instances(name: ContainerRuntime) -> None:
    getters = runtime_getters(name)
    assert isinstance(getters, RuntimeGetters)
    assert all(isinstance(getattr(getters, field.name), Getter) for field in fields(RuntimeGetters))


@pytest.mark.parametrize("need", EVERY_NEED, ids=lambda need: type(need).__name__)
def test_every_kind_of_need_has_a_getter_on_every_router_of_every_stack(need: AnyNeed) -> None:
    for stack in ("gk41", "ms01", "gk41-sites"):
        for router in lab_plan(stack).routers:
            assert isinstance(getter_for(need, router), Getter)


def test_vyos_routers_answer_for_their_kernel_and_frr_as_linux_routers_do() -> None:
    shared = [field.name for field in fields(FlavorGetters) if getattr(VYOS, field.name) is getattr(LINUX, field.name)]
    assert shared == ["links", "addresses", "routes", "hash_policy", "ping", "bfd_peers", "underlay"]


def test_only_vyos_has_a_commit_confirm_to_read() -> None:
    assert LINUX.commit_state is linux.NO_COMMIT_CONFIRM
    assert VYOS.commit_state is not linux.NO_COMMIT_CONFIRM
