"""Run the real Pulumi program with no engine, no providers and no credentials.

Pulumi's unit-test mocks stand in for the engine: every resource the program registers is
recorded (type, name, parent, inputs, secrecy) and given deterministic fake outputs. The plan
command and the tests both use this, so what they show is what ``pulumi up`` would register.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import hashlib
import json
import logging
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.sync_await import _ensure_event_loop

from components.infra.program import deploy
from components.model.plan import LabPlan, build_plan
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.runtime import read_stack_settings


@dataclass(frozen=True)
class SecretValue:
    """An input the program marked secret; ``str()`` never shows it."""

    value: Any

    def __str__(self) -> str:
        return "[secret]"


def revealed(value: Any) -> Any:
    """``value`` with every secret in it replaced by what it holds: for comparing two runs' inputs."""
    if isinstance(value, SecretValue):
        return revealed(value.value)
    if isinstance(value, dict):
        return {key: revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revealed(item) for item in value]
    return value


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
    # The resource hooks bound to it, by kind (``before_create``...): the names the engine calls.
    hooks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def parent_name(self) -> str | None:
        return self.parent_urn.rsplit("::", 1)[-1] if self.parent_urn and "$" in self.parent_urn.split("::")[2] else None


@dataclass
class OfflineRun:
    plan: LabPlan
    resources: list[RegisteredResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    # What each component registered as its outputs (kept in state), by URN.
    component_outputs: dict[str, Mapping[str, Any]] = field(default_factory=dict)

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
    if rpc.is_rpc_secret(value):
        return SecretValue(_unwrap(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, dict):
        return {key: _unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    return value


class LabMocks(pulumi.runtime.Mocks):
    """Deterministic fake outputs shaped like the real providers' (ids, keys)."""

    # Whether ``new_resource`` answers at once. Mocks that take time, as an engine step does, set it
    # False: the run then asks them from worker threads, side by side, as the SDK does.
    answers_at_once: ClassVar[bool] = True

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
        """What the SDK's mock monitor does (pulumi/runtime/mocks.py ``MockMonitor.RegisterResource``:
        the URN, the mocks' id and outputs, the registration kept for ``getResource``), without its
        event loop: it serializes the outputs with ``_sync_await``, which pumps the loop the program
        runs on when called on the program's thread (``_engine_calls_inline``). The mocks' outputs are
        plain data, so serializing them never waits. Resource transforms are not passed on: the
        program registers none."""
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        # As the program gave them, before the mocks see them.
        recorded = _unwrap(inputs)
        resource_id, state = self.mocks.new_resource(
            pulumi.runtime.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        response = resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=_without_waiting(rpc.serialize_properties(state, {}))
        )
        self.run.resources.append(
            RegisteredResource(
                urn=urn,
                type=request.type,
                name=request.name,
                parent_urn=request.parent,
                custom=request.custom,
                inputs=recorded,
                replace_on_changes=tuple(request.replaceOnChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                dependencies=tuple(
                    sorted({*request.dependencies, *(dep for deps in request.propertyDependencies.values() for dep in deps.urns)})
                ),
                property_dependencies={key: tuple(sorted(deps.urns)) for key, deps in request.propertyDependencies.items()},
                provider=request.provider,
                hooks={kind.name: tuple(names) for kind, names in request.hooks.ListFields()},
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - the engine's RPC name
        self.run.component_outputs[request.urn] = _unwrap(rpc.deserialize_properties(request.outputs, keep_unknowns=True))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class _LogCollector(logging.Handler):
    """What the program logs above debug level: Pulumi's mock engine hands each message to a logger."""

    def __init__(self, run: OfflineRun) -> None:
        super().__init__(level=logging.INFO)
        self.run = run

    def emit(self, record: logging.LogRecord) -> None:
        self.run.logs.append(record.getMessage())


def _as_program_config(values: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi passes structured settings to programs as JSON text and scalars as strings."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}


def _fresh_root(project: str, stack: str) -> None:
    """The SDK's settings as before any run, root stack resource included: ``set_mocks`` creates one
    only when there is none (pulumi/runtime/mocks.py), so without this a second stack in the same
    process would parent its resources to the first stack's root."""
    pulumi.runtime.reset_options(project=project, stack=stack)


@contextlib.contextmanager
def _cyclic_collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the program runs, as it was after.

    A run keeps every resource's Outputs, futures and tasks alive until it ends, so each full
    collection walks everything registered so far: at 16 sites x 8 paths, six full collections took
    2 of the run's 5 seconds (measured with ``gc.callbacks``), which made a plan's cost per resource
    grow with the lab. Nothing the run makes needs collecting before it ends, and when it ends it is
    freed by reference counting (``_freed_when_done``); the little that is left is collected as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    """Resources registered without the stack trace of the code that made them.

    The Python SDK walks and reads the whole call stack for every resource it registers
    (pulumi/runtime/resource.py ``_get_stack_trace``, called by ``register_resource`` and
    ``read_resource``) to send it as the request's ``stackTrace`` and ``sourcePosition``, which only
    the engine's diagnostics use; the mock monitor drops them (pulumi/runtime/mocks.py
    ``MockMonitor.RegisterResource`` reads type, name, inputs and provider only). It took a third of
    a 16-site plan's time. An SDK without the function is left as it is."""
    original = getattr(sdk_resource, "_get_stack_trace", None)
    if original is None:
        yield
        return
    sdk_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original


_Result = TypeVar("_Result")


def _without_waiting(coroutine: Coroutine[Any, Any, _Result]) -> _Result:
    """The result of a coroutine that never waits, run to its end in one step, with no event loop."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError(f"{coroutine!r} waited for something; only plain data can be serialized without an event loop")


class _InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs what it is given at once, on the caller's thread; its pool never starts a thread.

    A ThreadPoolExecutor because asyncio takes no other kind as a loop's default executor
    (asyncio/base_events.py ``set_default_executor``)."""

    def submit(self, fn: Callable[..., _Result], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[_Result]:
        future: concurrent.futures.Future[_Result] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            # Handed to the task that awaits it, as a worker thread would.
            future.set_exception(error)
        return future


@contextlib.contextmanager
def _engine_calls_inline(mocks: LabMocks) -> Iterator[None]:
    """The SDK's calls to the engine answered on the program's own thread while the run lasts.

    The SDK sends every request to the engine from a worker thread of the event loop's default
    executor (pulumi/runtime/resource.py ``do_register``: ``run_in_executor(None, ...)``), so that a
    slow engine never blocks the program. The mock engine answers at once, and each request handed to
    a thread and back cost more than the answer: a sixth of a 16-site plan. Mocks that take time
    (``answers_at_once`` False) keep the threads. The loop is the SDK's own for this thread
    (pulumi/runtime/sync_await.py ``_ensure_event_loop``, which ``pulumi.runtime.test`` runs on), and
    its executor is put back after: asyncio keeps it in ``_default_executor`` and has no getter."""
    if not mocks.answers_at_once:
        yield
        return
    loop = _ensure_event_loop()  # type: ignore[no-untyped-call]
    previous = loop._default_executor
    loop.set_default_executor(_InlineExecutor())
    try:
        yield
    finally:
        loop._default_executor = previous


def contains_unknowns(val: Any) -> bool:
    """Whether ``val`` holds an unknown anywhere in its dicts and lists: the SDK's answer, without its garbage.

    The SDK's own (pulumi/runtime/rpc.py ``contains_unknowns``) answers through a recursive inner
    function, and a function that refers to itself through its closure is a reference cycle: every call
    leaves one that only the cyclic collector frees. Outputs ask it for every value they hold, about
    40,000 times in a 16-site plan, and the collection of those cycles when the run ends made a large
    plan dearer per resource than a small one. The same walk, with an explicit stack instead."""
    pending, seen = [val], set()
    while pending:
        item = pending.pop()
        if isinstance(item, Unknown):
            return True
        if not isinstance(item, dict | list) or id(item) in seen:
            continue
        seen.add(id(item))
        pending.extend(item.values() if isinstance(item, dict) else item)
    return False


@contextlib.contextmanager
def _unknowns_found_without_cycles() -> Iterator[None]:
    """The SDK's ``contains_unknowns`` replaced by ``contains_unknowns`` for the run, put back after.
    pulumi/output.py calls it through the module (``rpc.contains_unknowns``), so this is the one place."""
    original = rpc.contains_unknowns
    rpc.contains_unknowns = contains_unknowns
    try:
        yield
    finally:
        rpc.contains_unknowns = original


@contextlib.contextmanager
def _freed_when_done(project: str, stack: str) -> Iterator[None]:
    """What the run makes is freed as soon as it ends, by reference counting, within the run.

    A resource holds its Outputs, and each Output holds the resources it depends on (its
    ``_OutputData.resources``, pulumi/output.py), the resource itself among them: every resource is
    a reference cycle, and with it everything its Outputs hold. At 16 sites x 8 paths about 83,000
    of a run's objects were garbage only the cyclic collector could free, and once a run's objects
    outgrow the processor's cache that collection costs four times as much per object as at 2
    sites: 120 to 170 ms of a 1.4 s plan (``gc.callbacks``). So when the run ends:

    - every resource it made lets go of its attributes, which breaks the cycles. The resources are
      heard of through a stack transformation that changes nothing (pulumi/resource.py runs the
      root's transformations for every resource, and children inherit them). Nothing reads a
      resource once the run is over: what the run shows is in its ``OfflineRun``;
    - the SDK's settings let go of the run: its root stack, monitor, RPCs and Outputs stay there
      until the next run starts otherwise (pulumi/runtime/mocks.py ``test`` clears the RPCs and
      Outputs on entry), and that run would pay for freeing them.

    At 16 x 8 the collector then finds about 4,400 objects (8 to 12 ms), and letting go of the
    resources takes 14 to 18 ms."""
    made: list[pulumi.Resource] = []

    def heard_of(args: pulumi.ResourceTransformationArgs) -> None:
        made.append(args.resource)

    pulumi.runtime.register_stack_transformation(heard_of)
    try:
        yield
        # Only once the run has finished: a run that failed part way may leave tasks that still read them.
        while made:
            made.pop().__dict__.clear()
    finally:
        _fresh_root(project, stack)


def _outputs_of(value: Any) -> list[pulumi.Output[Any]]:
    """The Outputs in ``value`` (nested dicts and lists of plain data), in the order ``_filled`` takes them."""
    if isinstance(value, pulumi.Output):
        return [value]
    if isinstance(value, dict):
        return [output for item in value.values() for output in _outputs_of(item)]
    if isinstance(value, list | tuple):
        return [output for item in value for output in _outputs_of(item)]
    return []


def _filled(value: Any, known: Iterator[Any]) -> Any:
    """``value`` with each Output replaced by the next of ``known``, in ``_outputs_of``'s order."""
    if isinstance(value, pulumi.Output):
        return next(known)
    if isinstance(value, dict):
        return {key: _filled(item, known) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_filled(item, known) for item in value]
    return value


def resolved_outputs(outputs: Mapping[str, Any]) -> pulumi.Output[dict[str, Any]]:
    """The program's outputs once every Output in them is known.

    ``Output.from_input`` would do it too, but it makes an Output of every list item and dict value
    (pulumi/output.py ``from_input`` -> ``Output.all``), thousands for the outputs of a 16-site lab;
    here only the values that are Outputs are awaited."""
    pending = _outputs_of(dict(outputs))
    return pulumi.Output.all(*pending).apply(lambda known: _filled(dict(outputs), iter(known)))


def run_offline(
    project: str,
    stack: str,
    values: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    program: Callable[..., dict[str, Any]] = deploy,
    *,
    mocks: LabMocks | None = None,
) -> OfflineRun:
    """Run the lab program under mocks (``LabMocks`` unless given) with these stack settings; raises
    ConfigError on bad settings."""
    run = OfflineRun(plan=None)  # type: ignore[arg-type]  # filled in below
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def body() -> pulumi.Output[None]:
        settings = read_stack_settings()
        run.plan = build_plan(settings.lab, pulumi.get_project(), pulumi.get_stack())
        return resolved_outputs(program(run.plan, settings)).apply(resolved.update)

    mocks = mocks or LabMocks()
    logger = logging.getLogger(f"zt-ecmp.offline.{stack}")
    logger.propagate = False
    collector = _LogCollector(run)
    logger.addHandler(collector)
    try:
        with _cyclic_collector_paused(), _no_stack_traces(), _unknowns_found_without_cycles(), _engine_calls_inline(mocks):
            _fresh_root(project, stack)
            monitor = RecordingMonitor(mocks, run)
            pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, logger=logger, monitor=monitor)
            pulumi.runtime.set_all_config(_as_program_config(values), sorted(secret_keys))
            with _freed_when_done(project, stack):
                body()
    finally:
        pulumi.runtime.set_all_config({}, [])
        logger.removeHandler(collector)
    run.outputs = resolved
    return run


def register_offline(build: Callable[[], object], project: str = "zt-ecmp", stack: str = "offline") -> list[RegisteredResource]:
    """What ``build`` registers under the mocks, for a component on its own (no settings, no plan)."""
    run = OfflineRun(plan=None)  # type: ignore[arg-type]  # no plan: only the registrations count
    mocks = LabMocks()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def body() -> None:
        build()

    _fresh_root(project, stack)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=RecordingMonitor(mocks, run))
    body()
    return run.resources


def run_stack_offline(stack: str, project_dir: Path = PROJECT_DIR, overrides: Mapping[str, Any] | None = None) -> OfflineRun:
    """Run a committed stack file offline, optionally with some ``zt-ecmp:`` settings replaced."""
    project, values, secrets = load_stack_without_secrets(stack, project_dir, overrides)
    return run_offline(project, stack, values, secrets)
