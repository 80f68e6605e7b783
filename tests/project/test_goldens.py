"""What both reference stacks register and every artefact the variants render, against committed goldens.

The registered resources (URNs, types, names, parents, options, inputs) are what `pulumi up` would
create: a refactoring that changes any of them would replace or update a running lab.
"""

from __future__ import annotations

import difflib
import re
import shutil

import pytest

from components.model.plan import LabPlan
from components.render.artefacts import Artefact, rendered_artefacts
from components.render.programs import recording
from tests.support.goldens import (
    GOLDEN_DIR,
    UPDATE,
    ProgramData,
    RegisteredTexts,
    assert_golden,
    assert_registered_goldens,
    registered_document,
    slug,
)
from tests.support.offline_runs import changed_run, committed_run, docker_run
from tests.support.stacks import lab_plan
from tests.support.variants import golden_variants

VARIANTS = golden_variants()
# The variants whose artefacts are kept in full, one per flavor and runtime: together they render every
# program. Every other variant keeps, of a script made from programs, only what the plan put into them
# (ProgramData: placeholders and values), so that a program's text shows once.
REFERENCE_VARIANTS = ("gk41", "gk41-docker", "gk41-vyos-runtime", "gk41-linux", "gk41-linux-frr")


def _artefact_goldens(variant: str) -> list[tuple[str, Artefact]]:
    """The artefact goldens of ``variant`` by path, where they are kept in full (none otherwise)."""
    if variant not in REFERENCE_VARIANTS:
        return []
    return [
        (f"artefacts/{variant}/{artefact.router}/{slug(artefact.title)}.txt", artefact)
        for artefact in rendered_artefacts(VARIANTS[variant])
    ]


@pytest.mark.parametrize("stack", ["gk41", "ms01", "gk41-sites"])
def test_the_reference_stack_registers_exactly_its_golden_resources(stack: str) -> None:
    assert_registered_goldens(stack, committed_run(stack), _artefact_goldens(stack))


@pytest.mark.parametrize("stack", ["gk41", "ms01"])
def test_the_reference_stack_on_docker_registers_exactly_its_golden_resources(stack: str) -> None:
    assert_registered_goldens(f"{stack}-docker", docker_run(stack), _artefact_goldens(f"{stack}-docker"))


def artefact_goldens(variant: str, plan: LabPlan | None = None) -> dict[str, str]:
    """Every golden of ``variant``'s artefacts (or of ``plan`` in its place), by path: its index, then each
    artefact in full (a reference variant's, or one no program made), or as the data its programs got
    (``.data.txt``)."""
    with recording() as rendered:
        artefacts = rendered_artefacts(plan or VARIANTS[variant])
    titles = [f"{artefact.router}/{slug(artefact.title)}" for artefact in artefacts]
    assert len(set(titles)) == len(titles), titles
    goldens = {f"artefacts/{variant}/index.txt": "".join(f"{title}.txt\n" for title in titles)}
    data = ProgramData(rendered)
    for title, artefact in zip(titles, artefacts, strict=True):
        lines = None if variant in REFERENCE_VARIANTS else data.of(artefact.text)
        if lines is None:
            goldens[f"artefacts/{variant}/{title}.txt"] = artefact.text
        else:
            goldens[f"artefacts/{variant}/{title}.data.txt"] = "".join(f"{line}\n" for line in lines)
    return goldens


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_artefact_renders_exactly_as_its_golden(variant: str) -> None:
    goldens = artefact_goldens(variant)
    folder = GOLDEN_DIR / "artefacts" / variant
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
    for path, text in goldens.items():
        assert_golden(path, text)
    kept = {str(path.relative_to(GOLDEN_DIR)) for path in folder.rglob("*") if path.is_file()}
    assert kept == set(goldens), f"artefacts/{variant}/ holds goldens of no artefact: {sorted(kept - set(goldens))}"


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_a_change_of_k_shows_as_digests_in_the_registered_golden_and_a_few_lines_of_each_text() -> None:
    before_texts, after_texts = RegisteredTexts("gk41"), RegisteredTexts("gk41")
    before = registered_document(committed_run("gk41"), before_texts)
    after = registered_document(changed_run("gk41", paths={"count": 4, "active": 3}), after_texts)
    changed = _changed_lines(before, after)
    assert changed and all(re.fullmatch(r'[+-] +"(chars|sha256)": .*', line) for line in changed), changed
    assert set(after_texts.texts) == set(before_texts.texts)
    lines = {golden: len(_changed_lines(before_texts.texts[golden], text)) for golden, text in after_texts.texts.items()}
    lines = {golden: count for golden, count in lines.items() if count}
    # The apply: one `disable` line and its ledger entry, and the digest; the confirm: the line and the digest it checks.
    assert lines == {
        "registered/gk41/r1-vyos-apply.create.txt": 4,
        "registered/gk41/r1-vyos-confirm.create.txt": 5,
        "registered/gk41/r2-vyos-apply.create.txt": 4,
        "registered/gk41/r2-vyos-confirm.create.txt": 5,
    }


def test_a_change_of_k_changes_a_few_lines_of_the_apply_and_confirm_data_of_a_variant_and_nothing_else() -> None:
    before = artefact_goldens("gk41-firewall")
    after = artefact_goldens("gk41-firewall", lab_plan("gk41", routing={"openFirewall": True}, paths={"count": 4, "active": 3}))
    assert set(after) == set(before)
    lines = {path: len(_changed_lines(before[path], text)) for path, text in after.items() if text != before[path]}
    # The route's next hop on path 4 disabled (and in the apply, its ledger entry), and the apply digest.
    assert lines == {
        "artefacts/gk41-firewall/r1/vyos-apply-script.data.txt": 4,
        "artefacts/gk41-firewall/r1/vyos-confirm-script.data.txt": 3,
        "artefacts/gk41-firewall/r1/vyos-configuration.txt": 1,
        "artefacts/gk41-firewall/r2/vyos-apply-script.data.txt": 4,
        "artefacts/gk41-firewall/r2/vyos-confirm-script.data.txt": 3,
        "artefacts/gk41-firewall/r2/vyos-configuration.txt": 1,
    }
