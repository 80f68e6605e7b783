"""Every text the lab puts on a router, rendered from the plan, for review before anything runs."""

from __future__ import annotations

from dataclasses import dataclass

from components.model.plan import LabPlan
from components.render.linux.frr import render_frr_apply, render_frr_block, render_frr_undo
from components.render.linux.routing import render_linux_apply, render_linux_undo
from components.render.linux.underlay import render_underlay_sysctl_conf
from components.render.vyos.configuration import (
    desired_set_lines,
    placeholder_network_ids,
    render_apply_script,
    render_confirm_script,
    render_delete_script,
    render_pinned_start,
)
from components.render.zerotier import render_devicemap, render_local_conf


def placeholder_node_ids(plan: LabPlan, path_index: int, router: str) -> dict[str, str]:
    """Stand for the node ids of the other routers' instances on a path, before identities exist."""
    return {peer.router: f"<node id of {peer.router} path{path_index}>" for peer in plan.path(path_index).peers(router)}


@dataclass(frozen=True)
class Artefact:
    router: str
    title: str
    text: str


def rendered_artefacts(plan: LabPlan) -> list[Artefact]:
    # Network ids exist only once ZeroTier Central has created the networks.
    network_ids = placeholder_network_ids(plan)
    artefacts: list[Artefact] = []
    for router in plan.routers:
        for path in plan.paths:
            end = path.end(router.name)
            # Node ids exist once the provider has generated the identities (unknown with your own networks).
            peers = {} if plan.zerotier.bring_your_own_networks else placeholder_node_ids(plan, path.index, router.name)
            artefacts += [
                Artefact(router.name, f"path{path.index} local.conf", render_local_conf(plan, router.name, path.index, peers)),
                Artefact(router.name, f"path{path.index} devicemap", render_devicemap(network_ids[path.index], end.interface)),
            ]
            if router.runtime == "vyos" and (start := render_pinned_start(plan, router.name, path.index)) is not None:
                artefacts.append(Artefact(router.name, f"path{path.index} start script (pinned)", start))
        if router.flavor == "linux":
            artefacts += [
                Artefact(router.name, "routing apply script (sh)", render_linux_apply(plan, router.name)),
                Artefact(router.name, "routing undo script (sh)", render_linux_undo(plan, router.name)),
            ]
            if underlay_sysctl := render_underlay_sysctl_conf(plan, router.name):
                artefacts.append(Artefact(router.name, "underlay sysctl drop-in", underlay_sysctl))
        if router.flavor == "linux" and plan.routing.linux_routes == "frr":
            artefacts += [
                Artefact(router.name, "FRR configuration (block in frr.conf)", render_frr_block(plan, router.name)),
                Artefact(router.name, "FRR apply script (sh)", render_frr_apply(plan, router.name)),
                Artefact(router.name, "FRR undo script (sh)", render_frr_undo(plan, router.name)),
            ]
        if router.flavor == "vyos":
            artefacts += [
                Artefact(router.name, "VyOS configuration", "\n".join(desired_set_lines(plan, router.name, network_ids)) + "\n"),
                Artefact(router.name, "VyOS apply script", render_apply_script(plan, router.name, network_ids)),
                Artefact(router.name, "VyOS confirm script", render_confirm_script(plan, router.name, network_ids)),
                Artefact(router.name, "VyOS delete script", render_delete_script(plan, router.name)),
            ]
    return artefacts
