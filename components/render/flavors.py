"""The renderers of each router flavor and container runtime, by name: one entry each.

The model says what a flavor can do (components/model/flavors.py); these tables say what its routers
and its instances' homes receive as text. Nothing in the render layer compares flavor or runtime names
to choose a renderer: it asks these tables. A new flavor is one renderer package and one entry here
(docs/adding-a-flavor.md); mypy fails until it has it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import assert_never, get_args

from components.model.flavors import ContainerRuntime, RouterFlavor
from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.linux.artefacts import linux_artefacts
from components.render.vyos.artefacts import vyos_artefacts
from components.render.vyos.configuration import render_pinned_start

# A router's own artefacts (title, file name, text), in the order a review shows them; titles and file
# names are unique per router. The network ids (path index -> id) are the ones the instances join, placeholders in a plan.
RouterArtefacts = Callable[[LabPlan, RouterPlan, Mapping[int, str]], list[RouterArtefact]]


def _flavor_renderers(flavor: RouterFlavor) -> RouterArtefacts:
    # One case per value of RouterFlavor, ending in assert_never: a flavor added to the Literal fails
    # the type check (mypy --strict) until it has its renderers here.
    match flavor:
        case "vyos":
            return vyos_artefacts
        case "linux":
            return linux_artefacts
        case _:
            assert_never(flavor)


FLAVOR_ARTEFACTS: Mapping[RouterFlavor, RouterArtefacts] = MappingProxyType(
    {flavor: _flavor_renderers(flavor) for flavor in get_args(RouterFlavor)}
)


# What an instance's home holds besides its local.conf and devicemap, by container runtime, for one
# router and path: on runtime vyos the router writes the homes itself, a pinned instance's start script
# among them; on Docker the pins are the container's CPU set and the home holds nothing more.
InstanceFiles = Callable[[LabPlan, str, int], list[RouterArtefact]]


def _vyos_instance_files(plan: LabPlan, router: str, path_index: int) -> list[RouterArtefact]:
    start = render_pinned_start(plan, router, path_index)
    return [] if start is None else [RouterArtefact(f"path{path_index} start script (pinned)", f"path{path_index}-start.sh", start)]


def _no_instance_files(plan: LabPlan, router: str, path_index: int) -> list[RouterArtefact]:
    return []


def _runtime_instance_files(runtime: ContainerRuntime) -> InstanceFiles:
    # As _flavor_renderers, for every value of ContainerRuntime.
    match runtime:
        case "vyos":
            return _vyos_instance_files
        case "docker":
            return _no_instance_files
        case _:
            assert_never(runtime)


RUNTIME_INSTANCE_FILES: Mapping[ContainerRuntime, InstanceFiles] = MappingProxyType(
    {runtime: _runtime_instance_files(runtime) for runtime in get_args(ContainerRuntime)}
)


def router_artefacts(flavor: RouterFlavor) -> RouterArtefacts:
    if flavor not in FLAVOR_ARTEFACTS:
        raise KeyError(f"no renderer for router flavor {flavor!r}; register one in components/render/flavors.py")
    return FLAVOR_ARTEFACTS[flavor]
