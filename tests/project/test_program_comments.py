"""A comment edit in a program file changes nothing a router runs: every registered resource of every
reference stack and every artefact of every golden variant stay as they were.

Each program file is edited as a person editing only comments would: a comment line added after the
shebang and before every comment, and the words of every comment changed. The program text reaches
the renderers through one seam, ``components.render.programs._source``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.preview.offline import run_offline
from components.render import programs
from components.render.artefacts import rendered_artefacts
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from tests.support.goldens import registered_document
from tests.support.offline_runs import committed_run, docker_run
from tests.support.stacks import docker_routers
from tests.support.variants import golden_variants

RENDER = Path(__file__).resolve().parents[2] / "components" / "render"
PROGRAM_FILES = sorted(path for path in RENDER.glob("*/programs/*") if path.is_file())
ADDED = "# a comment line added by an edit"


def comment_edited(source: str) -> str:
    """``source`` with a comment line added after its shebang (or first) and before every comment,
    and every comment's words changed."""
    lines = source.removesuffix("\n").split("\n")
    head = lines[:1] if lines[0].startswith("#!") else []
    edited = [*head, ADDED]
    for line in lines[len(head) :]:
        if match := re.match(r"^([ \t]*)(#@?)( ?)(.*)$", line):
            indent, mark, space, words = match.groups()
            edited += [f"{indent}{ADDED}", f"{indent}{mark}{space}{words.upper()} (REWORDED)"]
        else:
            edited.append(line)
    return "".join(f"{line}\n" for line in edited)


def test_the_edit_changes_every_program_file() -> None:
    assert PROGRAM_FILES
    for path in PROGRAM_FILES:
        source = path.read_text()
        assert comment_edited(source) != source, path.name
        assert comment_edited(source).count(ADDED) > source.count("\n#") // 2, path.name


def _edit_every_program(monkeypatch: pytest.MonkeyPatch) -> None:
    original = programs._source
    monkeypatch.setattr(programs, "_source", lambda package, name: comment_edited(original(package, name)))


def _fresh_document(stack: str, docker: bool) -> str:
    overrides = {"routers": docker_routers(stack)} if docker else None
    project, values, secrets = load_stack_without_secrets(stack, PROJECT_DIR, overrides)
    return registered_document(run_offline(project, stack, values, secrets))


@pytest.mark.parametrize(("stack", "docker"), [("gk41", False), ("ms01", False), ("gk41-sites", False), ("gk41", True), ("ms01", True)])
def test_a_comment_edit_in_every_program_leaves_every_registered_resource_as_it_was(
    stack: str, docker: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = registered_document(docker_run(stack) if docker else committed_run(stack))
    _edit_every_program(monkeypatch)
    assert _fresh_document(stack, docker) == before


def test_a_comment_edit_in_every_program_leaves_every_artefact_of_every_variant_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    variants = golden_variants()
    before = {variant: [(artefact.title, artefact.text) for artefact in rendered_artefacts(plan)] for variant, plan in variants.items()}
    _edit_every_program(monkeypatch)
    after = {variant: [(artefact.title, artefact.text) for artefact in rendered_artefacts(plan)] for variant, plan in variants.items()}
    assert after == before
