"""What a VyOS router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.artefact import RouterArtefact
from components.render.vyos.scripts import render_delete_script, render_transaction


def vyos_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[RouterArtefact]:
    """The desired configuration and the three scripts that apply, confirm and undo it."""
    transaction = render_transaction(plan, router.name, network_ids)
    return [
        RouterArtefact("VyOS configuration", "vyos-configuration.set", "\n".join(transaction.set_lines) + "\n"),
        RouterArtefact("VyOS apply script", "vyos-apply.vbash", transaction.apply),
        RouterArtefact("VyOS confirm script", "vyos-confirm.vbash", transaction.confirm),
        RouterArtefact("VyOS delete script", "vyos-delete.vbash", render_delete_script(plan, router.name)),
    ]
