"""What a VyOS router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.vyos.configuration import desired_set_lines
from components.render.vyos.scripts import render_apply_script, render_confirm_script, render_delete_script


def vyos_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[RouterArtefact]:
    """The desired configuration and the three scripts that apply, confirm and undo it."""
    return [
        RouterArtefact("VyOS configuration", "vyos-configuration.set", "\n".join(desired_set_lines(plan, router.name, network_ids)) + "\n"),
        RouterArtefact("VyOS apply script", "vyos-apply.vbash", render_apply_script(plan, router.name, network_ids)),
        RouterArtefact("VyOS confirm script", "vyos-confirm.vbash", render_confirm_script(plan, router.name, network_ids)),
        RouterArtefact("VyOS delete script", "vyos-delete.vbash", render_delete_script(plan, router.name)),
    ]
