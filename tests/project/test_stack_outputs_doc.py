"""docs/stack-outputs.md is the contract of `pulumi stack output`: every key the program exports, in the
shape the document gives."""

from __future__ import annotations

import re
from typing import Any

import pytest

from components.stack.files import PROJECT_DIR
from tests.support.offline_runs import committed_run

DOC = (PROJECT_DIR / "docs" / "stack-outputs.md").read_text()
ROWS = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOC, re.MULTILINE)


def _fields(shape: str) -> tuple[set[str], set[str]]:
    """(every field, the fields always there) of a shape written as ``{a, b, c?}`` or ``list of {...}``."""
    written = re.search(r"\{([^}]*)\}", shape)
    names = [name.strip("` ") for name in written[1].split(",")] if written else []
    return {name.rstrip("?") for name in names}, {name for name in names if not name.endswith("?")}


@pytest.mark.parametrize("stack", ["gk41", "gk41-sites"])
def test_the_document_names_every_output_and_nothing_else(stack: str) -> None:
    assert [key for key, _ in ROWS] == list(committed_run(stack).outputs)


@pytest.mark.parametrize("stack", ["gk41", "gk41-sites"])
def test_every_object_output_has_the_fields_the_document_gives(stack: str) -> None:
    outputs = committed_run(stack).outputs
    for key, shape in ROWS:
        every, always = _fields(shape)
        if not every:
            continue
        value: Any = outputs[key][0] if isinstance(outputs[key], list) else outputs[key]
        assert always <= set(value) <= every, key


def test_bug_reports_ask_for_pulumi_about_and_the_version() -> None:
    assert "`pulumi about`" in DOC and "`zt-ecmp --version`" in DOC
