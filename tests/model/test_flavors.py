"""Every router flavor and container runtime the Literals name has one entry of capabilities."""

from __future__ import annotations

from typing import get_args

from components.model.flavors import FLAVORS, RUNTIMES, ContainerRuntime, RouterFlavor, runtime


def test_every_router_flavor_of_the_literal_has_capabilities_and_no_other() -> None:
    assert sorted(FLAVORS) == sorted(get_args(RouterFlavor)) == ["linux", "vyos"]


def test_every_container_runtime_of_the_literal_has_capabilities_and_no_other() -> None:
    assert sorted(RUNTIMES) == sorted(get_args(ContainerRuntime)) == ["docker", "vyos"]


def test_docker_runs_its_instances_as_resources_of_their_own() -> None:
    assert runtime("docker").runs_own_instances is True


def test_vyos_containers_are_run_by_the_routers_own_configuration() -> None:
    assert runtime("vyos").runs_own_instances is False
