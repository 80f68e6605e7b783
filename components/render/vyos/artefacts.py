"""What a VyOS router receives besides its instances' files, for review before anything runs."""

from __future__ import annotations

from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.vyos.configuration import desired_set_lines
from components.render.vyos.scripts import render_apply_script, render_confirm_script, render_delete_script


def vyos_artefacts(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> list[tuple[str, str]]:
    """The desired configuration and the three scripts that apply, confirm and undo it."""
    return [
        ("VyOS configuration", "\n".join(desired_set_lines(plan, router.name, network_ids)) + "\n"),
        ("VyOS apply script", render_apply_script(plan, router.name, network_ids)),
        ("VyOS confirm script", render_confirm_script(plan, router.name, network_ids)),
        ("VyOS delete script", render_delete_script(plan, router.name)),
    ]
