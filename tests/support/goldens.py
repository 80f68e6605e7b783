"""Golden files: what the program renders and registers, committed so that every change shows in review.

A test compares what the code produces now with the file under tests/golden/. To accept a change on
purpose, run the tests with ZT_ECMP_UPDATE_GOLDENS=1 (``ZT_ECMP_UPDATE_GOLDENS=1 make unit``): every
golden a test compares is rewritten, and the diff of tests/golden/ is then part of the change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.preview.offline import OfflineRun, SecretValue
from components.render.artefacts import Artefact
from components.render.programs import Rendered, Value

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("ZT_ECMP_UPDATE_GOLDENS") == "1"


def slug(text: str) -> str:
    """A file name for a title or a command: lowercase letters, digits and single dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def assert_golden(relative: str, actual: str) -> None:
    path = GOLDEN_DIR / relative
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        return
    assert path.exists(), f"no golden {path.relative_to(GOLDEN_DIR.parent.parent)}: run with ZT_ECMP_UPDATE_GOLDENS=1 to write it"
    expected = path.read_text()
    assert actual == expected, f"{relative} differs from its golden: run with ZT_ECMP_UPDATE_GOLDENS=1 to accept the change"


# Inputs that hold a script or a file's content: a text of at least LONG_TEXT characters among them is
# kept in the registered golden as its digest and the golden file that shows it.
TEXT_INPUTS = frozenset({"create", "update", "delete", "stdin", "content"})
LONG_TEXT = 2000


@dataclass
class RegisteredTexts:
    """Where the long texts of one stack's registered resources are shown: the artefact goldens of the
    stack's own variant (a Command's text holds its script, wrapped to run over SSH), else a text golden
    of their own under ``registered/<stack>/``, written once per distinct text."""

    stack: str
    artefacts: Sequence[tuple[str, Artefact]] = ()
    texts: dict[str, str] = field(default_factory=dict)

    def pointer(self, text: str, resource: str, key: str) -> dict[str, Any]:
        held = [(len(artefact.text), path) for path, artefact in self.artefacts if artefact.text.strip() and artefact.text.strip() in text]
        if held:
            golden = max(held)[1]
        else:
            golden = next((path for path, known in self.texts.items() if known == text), f"registered/{self.stack}/{resource}.{key}.txt")
            self.texts[golden] = text
        return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text), "shownIn": golden}


def _shown(value: Any, texts: RegisteredTexts | None = None, resource: str = "", key: str = "") -> Any:
    """Inputs as JSON, each secret value wrapped so that the golden shows what is secret, and each long
    text of a script or content input as its digest and where it is shown."""
    if isinstance(value, SecretValue):
        return {"[secret]": _shown(value.value, texts, resource, key)}
    if isinstance(value, dict):
        return {name: _shown(item, texts, resource, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_shown(item, texts, resource, f"{key}-{index}") for index, item in enumerate(value)]
    if texts is not None and isinstance(value, str) and key.split("-", maxsplit=1)[0] in TEXT_INPUTS and len(value) >= LONG_TEXT:
        return texts.pointer(value, resource, key)
    return value


def assert_registered_goldens(stack: str, run: OfflineRun, artefacts: Sequence[tuple[str, Artefact]]) -> None:
    """The registered golden of ``stack`` and the text goldens it points to, and no other file under
    ``registered/<stack>/``."""
    texts = RegisteredTexts(stack, artefacts)
    document = registered_document(run, texts)
    folder = GOLDEN_DIR / "registered" / stack
    if UPDATE and folder.exists():
        shutil.rmtree(folder)
    assert_golden(f"registered/{stack}.json", document)
    for golden, text in sorted(texts.texts.items()):
        assert_golden(golden, text)
    kept = {str(path.relative_to(GOLDEN_DIR)) for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()
    assert kept == set(texts.texts), f"registered/{stack}/ holds files no resource points to: {sorted(kept - set(texts.texts))}"


def registered_document(run: OfflineRun, texts: RegisteredTexts | None = None) -> str:
    """Every resource the program registered: URN, type, name, parent, options, hooks and inputs, by URN (the
    order of registration varies from run to run: outputs resolve asynchronously). With ``texts``, each
    long script or content input is its digest and the golden that shows it."""
    resources = [
        {
            "urn": resource.urn,
            "type": resource.type,
            "name": resource.name,
            "parent": resource.parent_urn,
            "custom": resource.custom,
            "provider": resource.provider,
            "dependencies": list(resource.dependencies),
            "replaceOnChanges": list(resource.replace_on_changes),
            "deleteBeforeReplace": resource.delete_before_replace,
            "inputs": _shown(dict(resource.inputs), texts, slug(resource.name)),
            # Only where there are some, so that resources without hooks read as they always did.
            **({"hooks": {kind: list(names) for kind, names in resource.hooks.items()}} if resource.hooks else {}),
        }
        for resource in sorted(run.resources, key=lambda resource: resource.urn)
    ]
    return json.dumps(resources, indent=1, sort_keys=True, default=str) + "\n"


class ProgramData:
    """What a plan put into the programs behind one rendered text, as lines to read: the program's
    name, then each placeholder and its value; a value that is itself a rendered program is shown as
    that program and its own values, one level deeper. Literal lines of a value start with ``|``."""

    def __init__(self, rendered: Sequence[Rendered]) -> None:
        self.rendered = rendered
        # Renderings by the first line of their text, latest first: a value is made before what it goes in.
        self.by_first_line: dict[str, list[int]] = {}
        for index, each in enumerate(rendered):
            self.by_first_line.setdefault(each.text.split("\n", 1)[0], []).insert(0, index)

    def of(self, text: str) -> list[str] | None:
        """The data behind ``text``, or None where no program rendered it."""
        top = next((index for index in range(len(self.rendered) - 1, -1, -1) if self.rendered[index].text == text), None)
        return None if top is None else self._program(top, 0)

    def _program(self, index: int, depth: int) -> list[str]:
        each = self.rendered[index]
        lines = [f"{'  ' * depth}program {each.package.rsplit('.', 1)[-1]}/{each.name}"]
        for key in sorted(each.values):
            lines += self._value(key, each.values[key], index, depth + 1)
        return lines

    def _match(self, lines: Sequence[str], start: int, before: int) -> tuple[int, int] | None:
        """The rendering (made before ``before``) whose lines begin ``lines`` at ``start``, longest first."""
        found = [
            (len(text_lines), index)
            for index in self.by_first_line.get(lines[start], [])
            if index < before
            for text_lines in [self.rendered[index].text.removesuffix("\n").split("\n")]
            if list(lines[start : start + len(text_lines)]) == text_lines
        ]
        return max(found) if found else None

    def _value(self, key: str, value: Value, index: int, depth: int) -> list[str]:
        indent = "  " * depth
        lines = value.removesuffix("\n").split("\n") if isinstance(value, str) else list(value)
        if isinstance(value, str) and len(lines) == 1 and not (match := self._match(lines, 0, index)):
            return [f"{indent}{key}: {value}"]
        out = [f"{indent}{key}:"]
        position = 0
        while position < len(lines):
            if match := self._match(lines, position, index):
                length, inner = match
                out += self._program(inner, depth + 1)
                position += length
            else:
                out.append(f"{indent}  | {lines[position]}")
                position += 1
        return out
