"""Golden files: what the program renders and registers, committed so that every change shows in review.

A test compares what the code produces now with the file under tests/golden/. To accept a change on
purpose, run the tests with ZT_ECMP_UPDATE_GOLDENS=1 (``ZT_ECMP_UPDATE_GOLDENS=1 make unit``): every
golden a test compares is rewritten, and the diff of tests/golden/ is then part of the change.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from components.preview.offline import OfflineRun, SecretValue

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


def _shown(value: Any) -> Any:
    """Inputs as JSON, each secret value wrapped so that the golden shows what is secret."""
    if isinstance(value, SecretValue):
        return {"[secret]": _shown(value.value)}
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item) for item in value]
    return value


def registered_document(run: OfflineRun) -> str:
    """Every resource the program registered: URN, type, name, parent, options, hooks and inputs, by URN (the
    order of registration varies from run to run: outputs resolve asynchronously)."""
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
            "inputs": _shown(dict(resource.inputs)),
            # Only where there are some, so that resources without hooks read as they always did.
            **({"hooks": {kind: list(names) for kind, names in resource.hooks.items()}} if resource.hooks else {}),
        }
        for resource in sorted(run.resources, key=lambda resource: resource.urn)
    ]
    return json.dumps(resources, indent=1, sort_keys=True, default=str) + "\n"
