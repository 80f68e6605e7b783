"""What both reference stacks register and every artefact the variants render, against committed goldens.

The registered resources (URNs, types, names, parents, options, inputs) are what `pulumi up` would
create: a refactoring that changes any of them would replace or update a running lab.
"""

from __future__ import annotations

import pytest

from components.model.plan import LabPlan
from components.render.artefacts import Artefact, rendered_artefacts
from tests.support.goldens import assert_golden, assert_registered_goldens, slug
from tests.support.offline_runs import committed_run, docker_run
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
