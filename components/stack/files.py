"""Stack files: a project's ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, read as the Pulumi CLI reads them.

Settings come out as Pulumi hands them to programs (fully qualified keys, structured values as
data); secrets are only named, never decrypted: an offline reader neither can nor wants to.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from components.model.settings import ConfigError
from components.stack.settings import NAMESPACE

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _where(path: Path, mark: yaml.Mark | None) -> str:
    return f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark is not None else str(path)


def _yaml_file(path: Path) -> tuple[Any, yaml.Node | None]:
    """A YAML file's content and its node tree (which knows where each value is written).

    Anything that is not YAML is a ConfigError naming the file, the line and the column.
    """
    loader = yaml.SafeLoader(path.read_text())
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as error:
        context = f" ({error.context})" if error.context else ""
        raise ConfigError([f"{_where(path, error.problem_mark)}: not valid YAML: {error.problem}{context}"]) from None
    except yaml.YAMLError as error:
        raise ConfigError([f"{path}: not valid YAML: {error}"]) from None
    finally:
        loader.dispose()


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode):
        return f"the value {node.value!r}"
    return "a mapping"


def _require_mapping(path: Path, node: yaml.Node | None, key: str | None = None) -> None:
    """The file, and the value of its top-level ``key`` if one is named, must be mappings (or empty); else a ConfigError
    names the line and column where something else was written."""
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError([f"{_where(path, node.start_mark)}: the file must be a mapping of keys to values, not {_kind(node)}"])
    if key is None:
        return
    value = next((value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None)
    if value is None or (isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null"):
        return
    if not isinstance(value, yaml.MappingNode):
        raise ConfigError([f"{_where(path, value.start_mark)}: `{key}:` must be a mapping of setting names to values, not {_kind(value)}"])


def project_name(project_dir: Path = PROJECT_DIR) -> str:
    path = project_dir / "Pulumi.yaml"
    document, node = _yaml_file(path)
    _require_mapping(path, node)
    name = document.get("name") if isinstance(document, dict) else None
    if not isinstance(name, str) or not name:
        raise ConfigError([f"{path}: no project `name:`"])
    return name


def _stack_config(stack_file: Path) -> dict[Any, Any]:
    """The ``config:`` mapping of a stack file, checked for shape: every key a setting name."""
    document, node = _yaml_file(stack_file)
    _require_mapping(stack_file, node, "config")
    config = (document or {}).get("config") or {}
    bad_keys = [key for key in config if not isinstance(key, str) or not key]
    if bad_keys:
        raise ConfigError([f"{stack_file}: `config:` key {key!r} is not a setting name" for key in bad_keys])
    return dict(config)


def load_stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> tuple[str, dict[str, Any], set[str]]:
    """(project name, settings as Pulumi hands them to programs, secret setting keys) of one stack file.

    A file that is not YAML, or whose ``config:`` is not a mapping, is a ConfigError naming the file and where.
    """
    project = project_name(project_dir)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        known = sorted(path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in project_dir.glob("Pulumi.*.yaml"))
        raise FileNotFoundError(f"--stack {stack}: no {stack_file.name}; known stacks: {', '.join(known)}")
    raw = _stack_config(stack_file)
    values: dict[str, Any] = {}
    secrets: set[str] = set()
    for key, value in raw.items():
        qualified = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            # Encrypted in the stack file; offline we neither can nor want to decrypt it.
            values[qualified] = f"[secret {qualified}]"
            secrets.add(qualified)
        else:
            values[qualified] = value
    return project, values, secrets


def load_stack_without_secrets(
    stack: str, project_dir: Path = PROJECT_DIR, overrides: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, Any], set[str]]:
    """Like ``load_stack_file``, with some ``zt-ecmp:`` settings replaced, and a marked stand-in for
    every secret the lab uses but the file does not hold: secrets are the operator's, never the repository's."""
    project, values, secrets = load_stack_file(stack, project_dir)
    for key, value in (overrides or {}).items():
        values[f"{NAMESPACE}:{key}"] = value
    for name in _secret_settings_used(values):
        if name not in values:
            values[name] = f"[secret {name}]"
            secrets.add(name)
    return project, values, secrets


def _secret_settings_used(values: Mapping[str, Any]) -> set[str]:
    routers = values.get(f"{NAMESPACE}:routers")
    if not isinstance(routers, list):
        return set()
    used = set()
    for router in routers:
        ssh = router.get("ssh") if isinstance(router, dict) else None
        if isinstance(ssh, dict) and ssh.get("auth", "key") == "key":
            used.add(f"{NAMESPACE}:{ssh.get('privateKeyConfig', 'sshPrivateKey')}")
    return used
