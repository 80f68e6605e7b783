"""The JSON Schema of Pulumi.<stack>.yaml: generated from the settings models, committed, named by every
reference stack, so that editors with a YAML language server check and complete the keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from components.cli.main import main
from components.model.settings.json_schema import MODELINE, SCHEMA_FILE, render_stack_file_schema
from components.stack.files import PROJECT_DIR

REFERENCE_STACKS = ("gk41", "ms01", "gk41-sites")
SCHEMA = json.loads((PROJECT_DIR / SCHEMA_FILE).read_text())


def test_the_committed_schema_is_the_one_the_models_give() -> None:
    assert (PROJECT_DIR / SCHEMA_FILE).read_text() == render_stack_file_schema(), "run `make schema` and commit its result"


def test_the_schema_command_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_every_reference_stack_names_the_schema_on_its_first_line(stack: str) -> None:
    assert (PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text().splitlines()[0] == MODELINE


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = {**SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def unknown_keys(value: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """Every key of ``value`` the schema has no place for (the part of JSON Schema an editor completes keys from)."""
    schema = _resolved(schema)
    options = [_resolved(option) for option in schema.get("anyOf", [])]
    if isinstance(value, dict):
        schema = next((option for option in options if option.get("type") == "object"), schema)
        found = []
        for key, item in value.items():
            known = schema.get("properties", {})
            if key in known:
                found += unknown_keys(item, known[key], f"{where}.{key}" if where else key)
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}.{key}" if where else key)
        return found
    if isinstance(value, list):
        schema = next((option for option in options if option.get("type") == "array"), schema)
        return [key for position, item in enumerate(value) for key in unknown_keys(item, schema.get("items", {}), f"{where}[{position}]")]
    return []


@pytest.mark.parametrize("stack", REFERENCE_STACKS)
def test_every_key_of_a_reference_stack_is_one_the_schema_knows(stack: str) -> None:
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    assert unknown_keys(document, SCHEMA) == []


def test_the_schema_has_no_place_for_a_misspelt_or_misplaced_key() -> None:
    document = yaml.safe_load((PROJECT_DIR / "Pulumi.gk41.yaml").read_text())
    document["config"]["zt-ecmp:routers"][0]["ssh"]["hots"] = "192.0.2.41"
    document["config"]["zt-ecmp:paths"]["speed"] = "2.5G"
    document["conifg"] = {}
    assert unknown_keys(document, SCHEMA) == ["config.zt-ecmp:routers[0].ssh.hots", "config.zt-ecmp:paths.speed", "conifg"]


def test_the_schema_describes_each_setting_as_the_configuration_reference_does() -> None:
    ssh = SCHEMA["$defs"]["SshConfig"]["properties"]
    assert ssh["hostKey"]["description"].startswith("The router's public SSH host key")
    assert SCHEMA["properties"]["config"]["required"] == ["zt-ecmp:hardware", "zt-ecmp:routers", "zt-ecmp:paths"]
