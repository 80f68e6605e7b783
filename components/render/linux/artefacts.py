"""What a Linux router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.linux.frr import render_frr_apply, render_frr_block, render_frr_undo
from components.render.linux.rolling import render_drain, render_gate
from components.render.linux.routing import render_linux_apply, render_linux_undo
from components.render.linux.underlay import render_underlay_sysctl_conf
from components.render.placeholders import placeholder_instance_keys


def linux_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[RouterArtefact]:
    """The routing scripts, the underlay's sysctl drop-in where the plan sets limits, FRR's share where
    FRR owns the routes, and what runs around a restart of path 1's instances (every path has the same
    two scripts). The instances' network ids play no part here."""
    artefacts = [
        RouterArtefact("routing apply script (sh)", "linux-apply.sh", render_linux_apply(plan, router.name)),
        RouterArtefact("routing undo script (sh)", "linux-undo.sh", render_linux_undo(plan, router.name)),
        RouterArtefact(
            "path 1 drain script (sh)", "path1-drain.sh", render_drain(plan, router.name, 1, placeholder_instance_keys(plan, 1))
        ),
        RouterArtefact("path 1 gate script (sh)", "path1-gate.sh", render_gate(plan, router.name, 1)),
    ]
    if underlay_sysctl := render_underlay_sysctl_conf(plan, router.name):
        artefacts.append(RouterArtefact("underlay sysctl drop-in", "underlay-sysctl.conf", underlay_sysctl))
    if router.route_owner == "frr":
        artefacts += [
            RouterArtefact("FRR configuration (block in frr.conf)", "frr-block.conf", render_frr_block(plan, router.name)),
            RouterArtefact("FRR apply script (sh)", "frr-apply.sh", render_frr_apply(plan, router.name)),
            RouterArtefact("FRR undo script (sh)", "frr-undo.sh", render_frr_undo(plan, router.name)),
        ]
    return artefacts
