"""The renderers of each router flavor, by flavor name: one entry a flavor.

The model says what a flavor can do (components/model/flavors.py); this table says what its routers
receive as text. Nothing in the render layer compares flavor names: it asks this table. A new flavor
is one renderer package and one entry here (docs/adding-a-flavor.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from components.model.flavors import RouterFlavor
from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.linux.artefacts import linux_artefacts
from components.render.vyos.artefacts import vyos_artefacts

# A router's own artefacts (title, file name, text), in the order a review shows them; titles and file
# names are unique per router. The network ids (path index -> id) are the ones the instances join, placeholders in a plan.
RouterArtefacts = Callable[[LabPlan, RouterPlan, Mapping[int, str]], list[RouterArtefact]]

FLAVOR_ARTEFACTS: Mapping[RouterFlavor, RouterArtefacts] = MappingProxyType(
    {
        "vyos": vyos_artefacts,
        "linux": linux_artefacts,
    }
)


def router_artefacts(flavor: RouterFlavor) -> RouterArtefacts:
    if flavor not in FLAVOR_ARTEFACTS:
        raise KeyError(f"no renderer for router flavor {flavor!r}; register one in components/render/flavors.py")
    return FLAVOR_ARTEFACTS[flavor]
