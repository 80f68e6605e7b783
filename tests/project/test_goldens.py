"""What both reference stacks register and every artefact the variants render, against committed goldens.

The registered resources (URNs, types, names, parents, options, inputs) are what `pulumi up` would
create: a refactoring that changes any of them would replace or update a running lab.
"""

from __future__ import annotations

import pytest

from components.model.plan import LabPlan
from components.render.artefacts import rendered_artefacts
from tests.support.goldens import assert_golden, registered_document, slug
from tests.support.offline_runs import committed_run, docker_run
from tests.support.variants import golden_variants


@pytest.mark.parametrize("stack", ["gk41", "ms01", "gk41-sites"])
def test_the_reference_stack_registers_exactly_its_golden_resources(stack: str) -> None:
    assert_golden(f"registered/{stack}.json", registered_document(committed_run(stack)))


@pytest.mark.parametrize("stack", ["gk41", "ms01"])
def test_the_reference_stack_on_docker_registers_exactly_its_golden_resources(stack: str) -> None:
    assert_golden(f"registered/{stack}-docker.json", registered_document(docker_run(stack)))


VARIANTS = golden_variants()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_artefact_renders_exactly_as_its_golden(variant: str) -> None:
    plan: LabPlan = VARIANTS[variant]
    artefacts = rendered_artefacts(plan)
    titles = [f"{artefact.router}/{slug(artefact.title)}.txt" for artefact in artefacts]
    assert len(set(titles)) == len(titles), titles
    assert_golden(f"artefacts/{variant}/index.txt", "\n".join(titles) + "\n")
    for title, artefact in zip(titles, artefacts, strict=True):
        assert_golden(f"artefacts/{variant}/{title}", artefact.text)
