"""Run the real Pulumi program with no engine, no providers and no credentials.

Pulumi's unit-test mocks stand in for the engine: every resource the program registers is
recorded (type, name, parent, inputs, secrecy) and given deterministic fake outputs. The plan
command and the tests both use this, so what they show is what ``pulumi up`` would register.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import engine_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.infra.program import deploy
from components.model.plan import LabPlan, build_plan
from components.model.settings import ConfigError
from components.stack.settings import NAMESPACE, read_stack_settings

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SecretValue:
    """An input the program marked secret; ``str()`` never shows it."""

    value: Any

    def __str__(self) -> str:
        return "[secret]"


@dataclass(frozen=True)
class RegisteredResource:
    urn: str
    type: str
    name: str
    parent_urn: str
    custom: bool
    inputs: Mapping[str, Any]
    # The resource options the engine acts on when it diffs and replaces.
    replace_on_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    # URNs of the resources this one waits for (depends_on, and those whose outputs it takes).
    dependencies: tuple[str, ...] = ()
    # Per input property, the URNs of the resources whose outputs it is made of.
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The explicit provider, as a reference (``urn::id``); empty for the default provider.
    provider: str = ""

    @property
    def parent_name(self) -> str | None:
        return self.parent_urn.rsplit("::", 1)[-1] if self.parent_urn and "$" in self.parent_urn.split("::")[2] else None


@dataclass
class OfflineRun:
    plan: LabPlan
    resources: list[RegisteredResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [resource for resource in self.resources if resource.type == type_token]

    def named(self, type_token: str, name: str) -> RegisteredResource:
        for resource in self.of_type(type_token):
            if resource.name == name:
                return resource
        raise KeyError(f"no {type_token} named {name!r}")


def _hex(seed: str, digits: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:digits]


def _unwrap(value: Any) -> Any:
    """Replace the wire form of secrets with SecretValue, recursively."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return SecretValue(_unwrap(value["value"]))
        return {key: _unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    return value


class LabMocks(pulumi.runtime.Mocks):
    """Deterministic fake outputs shaped like the real providers' (ids, keys)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        if args.typ == "zerotier:index/network:Network":
            return _hex(args.name, 16), outputs
        if args.typ == "zerotier:index/identity:Identity":
            node = _hex(args.name, 10)
            public = f"{node}:0:{_hex(args.name + 'public', 64) * 2}"
            outputs.update(publicKey=public, privateKey=f"{public}:{_hex(args.name + 'secret', 64) * 2}")
            return node, outputs
        if args.typ == "docker:index/remoteImage:RemoteImage":
            outputs["imageId"] = f"sha256:{_hex(args.name, 64)}"
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps what the program asked for, parents and secrecy included."""

    def __init__(self, mocks: pulumi.runtime.Mocks, run: OfflineRun) -> None:
        super().__init__(mocks)
        self.run = run

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the engine's RPC name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self.run.resources.append(
                RegisteredResource(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    parent_urn=request.parent,
                    custom=request.custom,
                    inputs=_unwrap(rpc.deserialize_properties(request.object, keep_unknowns=True)),
                    replace_on_changes=tuple(request.replaceOnChanges),
                    delete_before_replace=bool(request.deleteBeforeReplace),
                    dependencies=tuple(
                        sorted({*request.dependencies, *(urn for deps in request.propertyDependencies.values() for urn in deps.urns)})
                    ),
                    property_dependencies={key: tuple(sorted(deps.urns)) for key, deps in request.propertyDependencies.items()},
                    provider=request.provider,
                )
            )
        return response


class _LogCollector(pulumi.runtime.mocks.MockEngine):
    def __init__(self, run: OfflineRun) -> None:
        super().__init__(None)
        self.run = run

    def Log(self, request: Any) -> Any:  # noqa: N802 - the engine's RPC name
        if request.severity != engine_pb2.DEBUG:
            self.run.logs.append(request.message)
        return super().Log(request)  # type: ignore[no-untyped-call]


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


def _as_program_config(values: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi passes structured settings to programs as JSON text and scalars as strings."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}


def run_offline(
    project: str,
    stack: str,
    values: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    program: Callable[..., dict[str, Any]] = deploy,
) -> OfflineRun:
    """Run the lab program under mocks with these stack settings; raises ConfigError on bad settings."""
    settings_holder: dict[str, Any] = {}

    def body() -> Any:
        settings = read_stack_settings()
        plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
        settings_holder["plan"] = plan
        outputs = program(plan, settings)
        return pulumi.Output.from_input(outputs).future()

    run = OfflineRun(plan=None)  # type: ignore[arg-type]  # filled in below
    mocks = LabMocks()
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=RecordingMonitor(mocks, run))
    pulumi.runtime.settings.SETTINGS.engine = _LogCollector(run)
    pulumi.runtime.set_all_config(_as_program_config(values), sorted(secret_keys))
    try:
        resolved: dict[str, Any] = {}

        async def evaluate() -> None:
            future = body()
            resolved.update(await future or {})

        _sync_await(run_pulumi_func(lambda: _sync_await(evaluate())))
    finally:
        pulumi.runtime.set_all_config({}, [])
    run.plan = settings_holder["plan"]
    run.outputs = resolved
    return run


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


def run_stack_offline(stack: str, project_dir: Path = PROJECT_DIR, overrides: Mapping[str, Any] | None = None) -> OfflineRun:
    """Run a committed stack file offline, optionally with some ``zt-ecmp:`` settings replaced."""
    project, values, secrets = load_stack_without_secrets(stack, project_dir, overrides)
    return run_offline(project, stack, values, secrets)


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
