"""The offline runner: what it costs per resource is the program's own, and it leaves the process as it found it."""

from __future__ import annotations

import gc

import pulumi
from pulumi.runtime import resource as sdk_resource

from components.preview.offline import RegisteredResource, register_offline, resolved_outputs, run_stack_offline


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
    made = 0
    track = pulumi.Output._track

    def counting(self: pulumi.Output[object]) -> None:
        nonlocal made
        made += 1
        track(self)

    pulumi.Output._track = counting  # type: ignore[method-assign]
    try:
        register_offline(build)  # type: ignore[arg-type]
    finally:
        pulumi.Output._track = track  # type: ignore[method-assign]
    return made


def test_an_offline_run_leaves_the_garbage_collector_and_the_sdk_as_it_found_them() -> None:
    stack_trace = sdk_resource._get_stack_trace
    run_stack_offline("gk41")
    assert (gc.isenabled(), sdk_resource._get_stack_trace) == (True, stack_trace)


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
