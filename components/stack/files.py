"""Stack files: a project's ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, read as the Pulumi CLI reads them.

Settings come out as Pulumi hands them to programs (fully qualified keys, structured values as
data); secrets are only named, never decrypted: an offline reader neither can nor wants to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from components.model.settings import DEFAULT_PRIVATE_KEY_SETTING, NAMESPACE, ConfigError

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_FILE = "Pulumi.yaml"

# Pulumi's stack names: letters, digits, '-', '_' and '.', at most 100 characters (pulumi/pulumi
# sdk/go/common/tokens/names.go, ValidateStackName). One more rule here: no leading '-' or '.', so that
# a name never reads as an option or a hidden file.
STACK_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")

# What a file the Pulumi CLI cannot read as YAML text starts with: (magic bytes, what it is, how to
# make it text). The CLI's YAML reader (gopkg.in/yaml.v3) takes UTF-8, with or without a byte order
# mark, and UTF-16 with one (what Windows editors save as "Unicode"), which `pulumi config set` then
# writes back as UTF-8; it refuses UTF-32 ("control characters are not allowed"). Checked with the
# CLI 3.274.1.
NOT_TEXT = (
    (b"\x1f\x8b", "gzip-compressed", "decompress it (`gunzip`)"),
    (b"PK\x03\x04", "a zip archive", "unpack it"),
    (b"\xff\xfe\x00\x00", "UTF-32 text, which the Pulumi CLI cannot read", "save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "UTF-32 text, which the Pulumi CLI cannot read", "save it as UTF-8"),
)
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def stack_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a stack (and its file Pulumi.<name>.yaml), or None."""
    if STACK_NAME.match(name):
        return None
    return f"{name!r} is not a stack name; use letters, digits, '-', '_' and '.' (at most 100, not starting with '-' or '.')"


def _where(path: Path, mark: yaml.Mark | None) -> str:
    return f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark is not None else str(path)


def read_text_file(path: Path) -> str:
    """A file's text, decoded as the Pulumi CLI decodes it; anything else is named for what it is."""
    if path.is_dir():
        raise ConfigError([f"{path}: is a folder, not a file; a stack's settings are one YAML file"])
    data = path.read_bytes()
    for magic, what, fix in NOT_TEXT:
        if data.startswith(magic):
            raise ConfigError([f"{path}: is {what}, not UTF-8 text; {fix}"])
    encoding = "utf-16" if data.startswith(UTF16_MARKS) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            [f"{path}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save the file as UTF-8"]
        ) from None


def duplicate_keys(path: Path, node: yaml.Node | None, where: str = "") -> list[str]:
    """A problem for every key written twice in one mapping, naming both lines: the Pulumi CLI refuses
    such a file (its YAML reader, gopkg.in/yaml.v3, reports "mapping key ... already defined"), while
    PyYAML would silently keep the last value."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            inside = f"{where}.{name}" if where and name is not None else (name or where)
            if name is not None and name in first:
                earlier = first[name].start_mark.line + 1
                problems.append(
                    f"{path}, line {key.start_mark.line + 1}: `{inside}` is written twice in one mapping (lines {earlier} and "
                    f"{key.start_mark.line + 1}); keep one: the Pulumi CLI refuses the file"
                )
            elif name is not None:
                first[name] = key
            problems += duplicate_keys(path, value, inside or where)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            problems += duplicate_keys(path, item, f"{where}[{position}]")
    return problems


def _yaml_file(path: Path) -> tuple[Any, yaml.Node | None]:
    """A YAML file's content and its node tree (which knows where each value is written).

    Anything that is not YAML (or not UTF-8 text), and a key written twice in one mapping, is a
    ConfigError naming the file, the line and the column.
    """
    loader = yaml.SafeLoader(read_text_file(path))
    try:
        node = loader.get_single_node()
        if problems := duplicate_keys(path, node):
            raise ConfigError(problems)
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
    if not project_dir.is_dir():
        raise ConfigError([f"{project_dir}: is not a folder; the project folder holds {PROJECT_FILE}"])
    path = project_dir / PROJECT_FILE
    if not path.exists():
        raise ConfigError([f"{project_dir}: holds no {PROJECT_FILE}; name the folder of this project"])
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


def known_stacks(project_dir: Path) -> list[str]:
    """The stacks whose files the project folder holds, by name."""
    return sorted(path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in project_dir.glob("Pulumi.*.yaml"))


def load_stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> tuple[str, dict[str, Any], set[str]]:
    """(project name, settings as Pulumi hands them to programs, secret setting keys) of one stack file.

    A file that is not YAML, or whose ``config:`` is not a mapping, is a ConfigError naming the file and where.
    """
    project = project_name(project_dir)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise FileNotFoundError(f"--stack {stack}: no {stack_file.name}; known stacks: {', '.join(known_stacks(project_dir))}")
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
            used.add(f"{NAMESPACE}:{ssh.get('privateKeyConfig', DEFAULT_PRIVATE_KEY_SETTING)}")
    return used


# What a stack file holds of its own stack only: written by `pulumi stack init` and `config set --secret`.
STACK_OWN_KEYS = ("secretsprovider", "encryptedkey", "encryptionsalt")


def _lines_of(key: yaml.Node, value: yaml.Node) -> range:
    """The lines (0-based) a ``key: value`` entry of a block mapping takes."""
    end = value.end_mark.line if value.end_mark.column > 0 else value.end_mark.line - 1
    return range(key.start_mark.line, max(end, key.start_mark.line) + 1)


def settings_for_new_stack(source: Path) -> str:
    """The text of ``source`` for another stack: comments and settings kept, what belongs to the source's
    own stack left out (its encryption salt or key, its secrets provider, its encrypted secrets)."""
    text = read_text_file(source)
    _, node = _yaml_file(source)
    _require_mapping(source, node, "config")
    dropped: set[int] = set()
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        if isinstance(key, yaml.ScalarNode) and key.value in STACK_OWN_KEYS:
            dropped.update(_lines_of(key, value))
        if isinstance(key, yaml.ScalarNode) and key.value == "config" and isinstance(value, yaml.MappingNode):
            for setting, entry in value.value:
                keys = [name.value for name, _ in entry.value] if isinstance(entry, yaml.MappingNode) else []
                if keys == ["secure"]:
                    dropped.update(_lines_of(setting, entry))
    lines = text.splitlines(keepends=True)
    return "".join(line for number, line in enumerate(lines) if number not in dropped)
