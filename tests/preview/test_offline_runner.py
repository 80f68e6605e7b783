"""The offline runner: what it costs per resource is the program's own, and it leaves the process as it found it."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import pulumi
import pytest
from pulumi.output import UNKNOWN
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.sync_await import _ensure_event_loop

from components.infra.program import deploy
from components.model.plan import LabPlan
from components.preview import offline
from components.preview.offline import (
    LabMocks,
    RecordingMonitor,
    RegisteredResource,
    contains_unknowns,
    register_offline,
    resolved_outputs,
    run_stack_offline,
)
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import StackSettings
from tests.support.output_count import counting_outputs


def _resolve(outputs: dict[str, object]) -> dict[str, object]:
    found: dict[str, object] = {}

    def build() -> None:
        resolved_outputs(outputs).apply(found.update)

    register_offline(build)
    return found


def test_outputs_are_resolved_where_they_are_nested_in_plain_data() -> None:
    outputs = {
        "plan": {"routers": [{"name": "r1", "floatingIp": "10.255.0.1"}]},
        "networkIds": {"path1": pulumi.Output.from_input("8056c2e21c000001"), "path2": pulumi.Output.from_input("8056c2e21c000002")},
        "list": [1, pulumi.Output.from_input("two"), [pulumi.Output.from_input(3)]],
    }
    assert _resolve(outputs) == {
        "plan": {"routers": [{"name": "r1", "floatingIp": "10.255.0.1"}]},
        "networkIds": {"path1": "8056c2e21c000001", "path2": "8056c2e21c000002"},
        "list": [1, "two", [3]],
    }


def test_resolving_outputs_makes_no_output_per_item_of_plain_data() -> None:
    made_before = _outputs_made(lambda: None)
    plain = {"routes": [{"peer": f"site{number}", "nextHops": list(range(8))} for number in range(200)]}
    assert _outputs_made(lambda: resolved_outputs(plain)) - made_before < 10


def _outputs_made(build: object) -> int:
    with counting_outputs() as count:
        register_offline(build)  # type: ignore[arg-type]
    return count.made


def test_an_offline_run_leaves_the_garbage_collector_and_the_sdk_as_it_found_them() -> None:
    loop = _ensure_event_loop()  # type: ignore[no-untyped-call]
    found = (True, sdk_resource._get_stack_trace, rpc.contains_unknowns, loop._default_executor)
    run_stack_offline("gk41")
    assert (gc.isenabled(), sdk_resource._get_stack_trace, rpc.contains_unknowns, loop._default_executor) == found


class ThreadsSeen(LabMocks):
    """The mocks, noting the thread each resource was asked from."""

    def __init__(self) -> None:
        self.threads: set[int] = set()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.threads.add(threading.get_ident())
        return super().new_resource(args)


class TakingTime(ThreadsSeen):
    answers_at_once = False


def _run_gk41(mocks: LabMocks | None = None, program: Callable[..., dict[str, Any]] = deploy) -> offline.OfflineRun:
    project, values, secrets = load_stack_without_secrets("gk41", PROJECT_DIR)
    return offline.run_offline(project, "gk41", values, secrets, program, mocks=mocks)


def test_mocks_that_answer_at_once_are_asked_on_the_programs_own_thread() -> None:
    mocks = ThreadsSeen()
    _run_gk41(mocks)
    assert mocks.threads == {threading.get_ident()}


def test_mocks_that_take_time_are_asked_from_worker_threads_as_the_sdk_asks_an_engine() -> None:
    mocks = TakingTime()
    _run_gk41(mocks)
    assert threading.get_ident() not in mocks.threads and len(mocks.threads) >= 1


class BothAnswers(RecordingMonitor):
    """Each registration answered by the recording monitor and by the SDK's own mock monitor."""

    answers: ClassVar[list[tuple[Any, Any]]] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the engine's RPC name
        ours = super().RegisterResource(request)
        self.answers.append((ours, MockMonitor.RegisterResource(self, request)))  # type: ignore[no-untyped-call]
        return ours


def test_the_recording_monitor_answers_every_registration_as_the_sdks_mock_monitor_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # From worker threads, where the SDK's monitor may run its own event loop.
    monkeypatch.setattr(offline, "RecordingMonitor", BothAnswers)
    BothAnswers.answers = []
    run = _run_gk41(TakingTime())
    assert len(BothAnswers.answers) == len(run.resources) + 1  # and the stack's own
    assert [ours for ours, _ in BothAnswers.answers] == [sdks for _, sdks in BothAnswers.answers]


def test_only_what_never_waits_is_run_without_an_event_loop() -> None:
    async def waits() -> None:
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="waited for something"):
        offline._without_waiting(waits())


CALLS = 1000


def _holding_itself() -> list[Any]:
    value: list[Any] = ["a"]
    value.append(value)
    return value


@pytest.mark.parametrize(
    "value",
    [
        "text",
        UNKNOWN,
        {"a": [1, {"b": UNKNOWN}]},
        {"a": [1, {"b": "known"}], "c": None},
        [[[], {}], [UNKNOWN]],
        _holding_itself(),
        ("tuples", UNKNOWN),  # the SDK looks into dicts and lists only
    ],
    ids=["plain", "unknown", "nested unknown", "nested known", "list of lists", "list holding itself", "tuple"],
)
def test_unknowns_are_found_as_the_sdk_finds_them(value: object) -> None:
    assert contains_unknowns(value) == rpc.contains_unknowns(value)


def test_finding_unknowns_leaves_no_cycle_per_call_where_the_sdk_leaves_one() -> None:
    value = {"routes": [{"peer": "r2", "nextHops": ["10.14.0.2", "10.14.0.6"]}]}
    gc.collect()
    gc.disable()
    try:
        for _ in range(CALLS):
            contains_unknowns(value)
        ours = gc.collect()
        for _ in range(CALLS):
            rpc.contains_unknowns(value)
        sdks = gc.collect()
    finally:
        gc.enable()
    # The SDK leaves a function and its cell per call; other threads of the process may leave a few
    # objects of their own in the same window, never one per call.
    assert (ours < CALLS, sdks >= 2 * CALLS) == (True, True)


def test_a_resource_registered_offline_is_recorded_without_the_sdk_walking_the_stack() -> None:
    walked = 0
    stack_trace = sdk_resource._get_stack_trace

    def counting() -> object:
        nonlocal walked
        walked += 1
        return stack_trace()

    sdk_resource._get_stack_trace = counting  # type: ignore[assignment]
    try:
        resources: list[RegisteredResource] = run_stack_offline("gk41").resources
    finally:
        sdk_resource._get_stack_trace = stack_trace
    assert (len(resources) > 0, walked) == (True, 0)


def test_an_offline_run_finds_unknowns_without_the_sdks_recursive_walk() -> None:
    walked = 0
    finds_unknowns = rpc.contains_unknowns

    def counting(val: object) -> bool:
        nonlocal walked
        walked += 1
        return finds_unknowns(val)

    rpc.contains_unknowns = counting
    try:
        resources: list[RegisteredResource] = run_stack_offline("gk41").resources
    finally:
        rpc.contains_unknowns = finds_unknowns
    assert (len(resources) > 0, walked) == (True, 0)


def test_what_a_run_made_is_freed_when_the_run_ends_without_the_cyclic_collector() -> None:
    # A resource and its Outputs are a reference cycle (pulumi/output.py: an Output holds the
    # resources it depends on), so without the runner's release every resource made would outlive
    # the run until the collector ran.
    made: list[weakref.ref[pulumi.Resource]] = []

    def program(plan: LabPlan, settings: StackSettings) -> dict[str, Any]:
        pulumi.runtime.register_stack_transformation(lambda args: made.append(weakref.ref(args.resource)))
        return deploy(plan, settings)

    gc.collect()
    gc.disable()
    try:
        _run_gk41(program=program)
        alive = [ref() for ref in made if ref() is not None]
    finally:
        gc.enable()
    assert (len(made) > 50, alive) == (True, [])


def test_a_run_leaves_nothing_of_its_own_in_the_sdks_settings_for_the_next_run_to_free() -> None:
    run_stack_offline("gk41")
    held = (pulumi.runtime.get_root_resource(), SETTINGS.monitor, SETTINGS.rpc_manager.rpcs, SETTINGS.outputs)
    assert held == (None, None, [], set())
