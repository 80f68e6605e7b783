"""Every text the lab puts on a router, rendered from the plan, for review before anything runs."""

from __future__ import annotations

from dataclasses import dataclass

from components.model.plan import LabPlan
from components.render.flavors import RUNTIME_INSTANCE_FILES, router_artefacts
from components.render.placeholders import placeholder_network_ids, placeholder_node_ids
from components.render.zerotier import render_devicemap, render_local_conf


@dataclass(frozen=True)
class Artefact:
    router: str
    title: str
    text: str
    # Its file name in the router's folder of the plan's artefacts (``out/<stack>/<router>/<file>``).
    file: str


def rendered_artefacts(plan: LabPlan) -> list[Artefact]:
    network_ids = placeholder_network_ids(plan)
    artefacts: list[Artefact] = []
    for router in plan.routers:
        for path in plan.paths:
            end = path.end(router.name)
            # Node ids exist once the provider has generated the identities (unknown with your own networks).
            peers = {} if plan.zerotier.bring_your_own_networks else placeholder_node_ids(plan, path.index, router.name)
            prefix = f"path{path.index}"
            artefacts += [
                Artefact(
                    router.name, f"{prefix} local.conf", render_local_conf(plan, router.name, path.index, peers), f"{prefix}-local.conf"
                ),
                Artefact(
                    router.name, f"{prefix} devicemap", render_devicemap(network_ids[path.index], end.interface), f"{prefix}-devicemap"
                ),
            ]
            artefacts += [
                Artefact(router.name, own.title, own.text, own.file)
                for own in RUNTIME_INSTANCE_FILES[router.runtime](plan, router.name, path.index)
            ]
        artefacts += [
            Artefact(router.name, own.title, own.text, own.file) for own in router_artefacts(router.flavor)(plan, router, network_ids)
        ]
    return artefacts
