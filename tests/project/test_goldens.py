"""What both reference stacks register and every artefact the variants render, against committed goldens.

The registered resources (URNs, types, names, parents, options, inputs) are what `pulumi up` would
create: a refactoring that changes any of them would replace or update a running lab.
"""

from __future__ import annotations

import difflib
import re

import pytest

from components.model.plan import LabPlan
from components.render.artefacts import Artefact, rendered_artefacts
from tests.support.goldens import RegisteredTexts, assert_golden, assert_registered_goldens, registered_document, slug
from tests.support.offline_runs import changed_run, committed_run, docker_run
from tests.support.vyos_plans import golden_variants

VARIANTS = golden_variants()


def _artefact_goldens(variant: str) -> list[tuple[str, Artefact]]:
    """The artefact goldens of ``variant`` by path, none for a stack without a variant of its name."""
    if variant not in VARIANTS:
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


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_artefact_renders_exactly_as_its_golden(variant: str) -> None:
    plan: LabPlan = VARIANTS[variant]
    artefacts = rendered_artefacts(plan)
    titles = [f"{artefact.router}/{slug(artefact.title)}.txt" for artefact in artefacts]
    assert len(set(titles)) == len(titles), titles
    assert_golden(f"artefacts/{variant}/index.txt", "\n".join(titles) + "\n")
    for title, artefact in zip(titles, artefacts, strict=True):
        assert_golden(f"artefacts/{variant}/{title}", artefact.text)


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
