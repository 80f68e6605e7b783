"""What a Linux router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.linux.frr import render_frr_apply, render_frr_block, render_frr_undo
from components.render.linux.rolling import render_drain, render_gate
from components.render.linux.routing import render_linux_apply, render_linux_undo
from components.render.linux.underlay import render_underlay_sysctl_conf
from components.render.placeholders import placeholder_instance_keys


def linux_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[tuple[str, str]]:
    """The routing scripts, the underlay's sysctl drop-in where the plan sets limits, FRR's share where
    FRR owns the routes, and what runs around a restart of path 1's instances (every path has the same
    two scripts). The instances' network ids play no part here."""
    artefacts = [
        ("routing apply script (sh)", render_linux_apply(plan, router.name)),
        ("routing undo script (sh)", render_linux_undo(plan, router.name)),
        ("path 1 drain script (sh)", render_drain(plan, router.name, 1, placeholder_instance_keys(plan, 1))),
        ("path 1 gate script (sh)", render_gate(plan, router.name, 1)),
    ]
    if underlay_sysctl := render_underlay_sysctl_conf(plan, router.name):
        artefacts.append(("underlay sysctl drop-in", underlay_sysctl))
    if router.route_owner == "frr":
        artefacts += [
            ("FRR configuration (block in frr.conf)", render_frr_block(plan, router.name)),
            ("FRR apply script (sh)", render_frr_apply(plan, router.name)),
            ("FRR undo script (sh)", render_frr_undo(plan, router.name)),
        ]
    return artefacts
