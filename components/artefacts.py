"""Every text the lab puts on a router, rendered from the plan, for review before anything runs."""

from __future__ import annotations

from dataclasses import dataclass

from components.plan import LabPlan
from components.renderers.zerotier_files import render_devicemap, render_local_conf


@dataclass(frozen=True)
class Artefact:
    router: str
    title: str
    text: str


def network_id_placeholder(path_index: int) -> str:
    return f"<network id of path{path_index}>"


def rendered_artefacts(plan: LabPlan) -> list[Artefact]:
    artefacts: list[Artefact] = []
    for router in plan.routers:
        for path in plan.paths:
            end = path.end(router.name)
            network_id = path.existing_network_id or network_id_placeholder(path.index)
            artefacts += [
                Artefact(router.name, f"path{path.index} local.conf", render_local_conf(plan, router.name, path.index)),
                Artefact(router.name, f"path{path.index} devicemap", render_devicemap(network_id, end.interface)),
            ]
    return artefacts
