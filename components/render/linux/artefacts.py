"""What a Linux router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.linux.frr import render_frr_apply, render_frr_block, render_frr_undo
from components.render.linux.routing import render_linux_apply, render_linux_undo
from components.render.linux.underlay import render_underlay_sysctl_conf


def linux_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[RouterArtefact]:
    """The routing scripts, the underlay's sysctl drop-in where the plan sets limits, and FRR's share
    where FRR owns the routes. The instances' network ids play no part here."""
    artefacts = [
        RouterArtefact("routing apply script (sh)", "linux-apply.sh", render_linux_apply(plan, router.name)),
        RouterArtefact("routing undo script (sh)", "linux-undo.sh", render_linux_undo(plan, router.name)),
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
