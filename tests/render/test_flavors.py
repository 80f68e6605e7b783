"""Each router flavor has one entry of renderers, and a router's artefacts come from its flavor's entry."""

from __future__ import annotations

from typing import get_args

import pytest

from components.model.flavors import FLAVORS, ContainerRuntime
from components.render.artefacts import rendered_artefacts
from components.render.flavors import FLAVOR_ARTEFACTS, RUNTIME_INSTANCE_FILES, router_artefacts
from components.render.placeholders import placeholder_network_ids
from tests.support.variants import golden_variants, linux_plan, vyos_runtime_plan


def test_every_flavor_the_model_knows_has_renderers_and_no_other() -> None:
    assert set(FLAVOR_ARTEFACTS) == set(FLAVORS)


def test_a_flavor_without_renderers_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no renderer for router flavor 'openwrt'"):
        router_artefacts("openwrt")  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", sorted(golden_variants()))
def test_after_its_instances_files_a_router_gets_what_its_flavor_renders(variant: str) -> None:
    plan = golden_variants()[variant]
    artefacts = rendered_artefacts(plan)
    for router in plan.routers:
        own = [(artefact.title, artefact.file, artefact.text) for artefact in artefacts if artefact.router == router.name]
        flavored = router_artefacts(router.flavor)(plan, router, placeholder_network_ids(plan))
        assert flavored
        assert own[len(own) - len(flavored) :] == flavored
        assert all(title.startswith("path") for title, _, _ in own[: len(own) - len(flavored)])


def test_frr_renders_only_where_it_owns_the_routes() -> None:
    for routes, frr in (("iproute2", False), ("frr", True)):
        plan = linux_plan("gk41", routing={"linuxRoutes": routes})
        for router in plan.routers:
            titles = [artefact.title for artefact in router_artefacts(router.flavor)(plan, router, placeholder_network_ids(plan))]
            assert (router.route_owner == "frr") is frr
            assert any(title.startswith("FRR ") for title in titles) is frr


def test_every_container_runtime_says_what_its_instances_homes_hold_besides_their_files() -> None:
    assert sorted(RUNTIME_INSTANCE_FILES) == sorted(get_args(ContainerRuntime))


def test_a_pinned_instance_on_vyos_containers_gets_its_start_script_and_one_on_docker_none() -> None:
    plan = vyos_runtime_plan("ms01")
    pinned = RUNTIME_INSTANCE_FILES["vyos"](plan, "r1", 1)
    assert [(artefact.title, artefact.file) for artefact in pinned] == [("path1 start script (pinned)", "path1-start.sh")]
    assert RUNTIME_INSTANCE_FILES["docker"](plan, "r1", 1) == []
