"""A deployed stack through the Automation API: its plan and keys, and K changed with ``paths.active``.

The stack is a double that behaves like the Pulumi CLI where it matters: settings come back as
``ConfigValue`` text (objects as JSON), and ``config set --path`` stores integers as numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.automation import ConcurrentUpdateError, ConfigValue, OutputValue
from pulumi.automation._cmd import CommandResult

from components.model.settings import ConfigError, parse_lab_config
from components.render.plan_document import settings_document
from components.stack.automation import StackPaths, deployed_plan, plan_from_settings, private_keys, settings_differences
from tests.support.stacks import lab_config, stack_settings

FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWwtZm9yLXRlc3Rz\n-----END OPENSSH PRIVATE KEY-----\n"


def stack_values(stack: str = "gk41", **changes: Any) -> dict[str, ConfigValue]:
    settings = stack_settings(stack) | changes
    values = {f"zt-ecmp:{key}": ConfigValue(value if isinstance(value, str) else json.dumps(value)) for key, value in settings.items()}
    values["zt-ecmp:sshPrivateKey"] = ConfigValue(FAKE_KEY, secret=True)
    return values


@dataclass
class StackDouble:
    settings: dict[str, ConfigValue]
    name: str = "gk41"
    events: list[str] = field(default_factory=list)
    busy_updates: int = 0
    up_options: dict[str, Any] = field(default_factory=dict)
    stack_outputs: dict[str, OutputValue] = field(default_factory=dict)

    def outputs(self) -> dict[str, OutputValue]:
        return dict(self.stack_outputs)

    def get_all_config(self) -> dict[str, ConfigValue]:
        return dict(self.settings)

    def get_config(self, key: str, *, path: bool = False) -> ConfigValue:
        assert not path
        return self.settings[key]

    def _paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = json.loads(self.settings["zt-ecmp:paths"].value)
        return paths

    def set_config(self, key: str, value: ConfigValue, *, path: bool = False) -> None:
        self.events.append(f"config set{' --path' if path else ''} {key} {value.value}")
        assert (key, path) == ("zt-ecmp:paths.active", True)
        paths = self._paths()
        paths["active"] = int(value.value) if value.value.isdigit() else value.value
        self.settings["zt-ecmp:paths"] = ConfigValue(json.dumps(paths))

    def remove_config(self, key: str, *, path: bool = False) -> None:
        self.events.append(f"config rm{' --path' if path else ''} {key}")
        paths = self._paths()
        paths.pop("active")
        self.settings["zt-ecmp:paths"] = ConfigValue(json.dumps(paths))

    def up(self, *, on_output: Callable[[str], Any] | None = None, show_secrets: bool = True, color: str | None = None) -> None:
        self.events.append("up")
        self.up_options = {"show_secrets": show_secrets, "color": color}
        if self.busy_updates:
            self.busy_updates -= 1
            raise ConcurrentUpdateError(CommandResult("", "error: the stack is currently locked by 1 lock(s)", 255))
        assert on_output is not None
        on_output(f"Updating ({self.name}):\n")
        on_output(" ~  command:remote:Command r1-vyos-apply updated (3s)\n")


def test_plan_from_the_automation_api_settings_is_the_stack_files_plan() -> None:
    plan = plan_from_settings("zt-ecmp", "gk41", stack_values())
    assert [str(hop.address) for hop in plan.router("r1").route_to("r2").active_next_hops] == [
        "10.14.0.2",
        "10.14.0.6",
        "10.14.0.10",
        "10.14.0.14",
    ]
    assert str(plan.path(2).end("r2").address) == "10.14.0.6/30"


def test_the_plan_never_holds_the_private_key() -> None:
    plan = plan_from_settings("zt-ecmp", "gk41", stack_values())
    assert "ZmFrZS1rZXkt" not in repr(plan)


def test_a_stack_without_its_key_setting_is_refused_by_name() -> None:
    values = stack_values()
    del values["zt-ecmp:sshPrivateKey"]
    with pytest.raises(ConfigError, match="sshPrivateKey: not set"):
        plan_from_settings("zt-ecmp", "gk41", values)


def test_private_keys_are_read_per_key_authenticated_router() -> None:
    stack = StackDouble(stack_values())
    plan = plan_from_settings("zt-ecmp", "gk41", stack.settings)
    assert private_keys(stack, plan) == {"r1": FAKE_KEY, "r2": FAKE_KEY}


def test_changing_k_sets_paths_active_by_path_then_runs_up_without_secrets() -> None:
    stack = StackDouble(stack_values(paths={"count": 4, "active": 4}))
    shown: list[str] = []
    paths = StackPaths(stack, output=shown.append)
    paths.set_active(2)
    assert stack.events == ["config set --path zt-ecmp:paths.active 2", "up"]
    assert json.loads(stack.settings["zt-ecmp:paths"].value) == {"count": 4, "active": 2}
    assert stack.up_options == {"show_secrets": False, "color": "never"}
    assert shown == ["  | Updating (gk41):", "  |  ~  command:remote:Command r1-vyos-apply updated (3s)"]
    assert paths.active() == 2


def test_restoring_an_implicit_k_removes_the_setting_again() -> None:
    stack = StackDouble(stack_values(paths={"count": 4}))
    paths = StackPaths(stack, output=lambda line: None)
    assert (paths.count, paths.active()) == (4, 4)
    paths.set_active(1)
    paths.set_active(4)
    assert stack.events == ["config set --path zt-ecmp:paths.active 1", "up", "config rm --path zt-ecmp:paths.active", "up"]
    assert json.loads(stack.settings["zt-ecmp:paths"].value) == {"count": 4}


def test_an_update_still_holding_the_lock_is_waited_for() -> None:
    stack = StackDouble(stack_values(), busy_updates=2)
    shown: list[str] = []
    slept: list[float] = []
    StackPaths(stack, output=shown.append, sleep=slept.append).set_active(3)
    assert stack.events == ["config set --path zt-ecmp:paths.active 3", "up", "up", "up"]
    assert slept == [5.0, 5.0]
    assert shown[0] == "stack gk41 is locked by another update; retrying in 5 s"


def test_a_lock_that_never_goes_away_is_reported() -> None:
    stack = StackDouble(stack_values(), busy_updates=10)
    with pytest.raises(ConcurrentUpdateError):
        StackPaths(stack, output=lambda line: None, sleep=lambda seconds: None).set_active(3)
    assert stack.events.count("up") == 5


# -- the deployed lab: its plan from the settings the outputs recorded --------------------------------


def deployed(stack: str = "gk41", **changes: Any) -> dict[str, OutputValue]:
    """The outputs of a stack deployed with its committed settings, ``changes`` applied."""
    return {"settings": OutputValue(settings_document(lab_config(stack, **changes)), secret=False)}


def test_the_deployed_plan_comes_from_the_settings_the_outputs_recorded() -> None:
    stack = StackDouble(stack_values(paths={"count": 4, "active": 2}), stack_outputs=deployed(paths={"count": 4}))
    plan, said = deployed_plan(stack, "zt-ecmp")
    assert plan.active_path_count == 4
    assert said == ["paths.active is 2 in Pulumi.gk41.yaml, unset deployed; checking the deployed lab"]


def test_a_setting_changed_since_deployment_is_named_with_both_values() -> None:
    stack = StackDouble(
        stack_values("ms01", paths={"count": 8, "active": 6}), name="ms01", stack_outputs=deployed("ms01", paths={"count": 8, "active": 8})
    )
    plan, said = deployed_plan(stack, "zt-ecmp")
    assert plan.active_path_count == 8
    assert said == ["paths.active is 6 in Pulumi.ms01.yaml, 8 deployed; checking the deployed lab"]


def test_a_stack_file_as_deployed_says_nothing() -> None:
    stack = StackDouble(stack_values(), stack_outputs=deployed())
    plan, said = deployed_plan(stack, "zt-ecmp")
    assert (plan, said) == (plan_from_settings("zt-ecmp", "gk41", stack.settings), [])


def test_a_lab_deployed_without_recorded_settings_is_checked_as_the_stack_file_says_saying_so() -> None:
    stack = StackDouble(stack_values(paths={"count": 4, "active": 3}))
    plan, said = deployed_plan(stack, "zt-ecmp")
    assert plan.active_path_count == 3
    assert said == [
        "stack gk41's outputs hold no 'settings' (deployed by an older zt-ecmp): checking the lab as Pulumi.gk41.yaml describes "
        "it, which may differ from what is deployed; `pulumi up --stack gk41` records it"
    ]


def test_differences_name_a_router_setting_by_its_place_in_the_list_and_lists_as_json() -> None:
    now, then = stack_settings("gk41"), stack_settings("gk41")
    now["routers"][1]["ssh"]["host"] = "192.0.2.99"
    now["routers"][0]["cpus"] = [3, 2, 1, 0]
    assert settings_differences(parse_lab_config(now), parse_lab_config(then), "Pulumi.gk41.yaml") == [
        "routers[0].cpus is [3, 2, 1, 0] in Pulumi.gk41.yaml, [0, 1, 2, 3] deployed",
        "routers[1].ssh.host is 192.0.2.99 in Pulumi.gk41.yaml, 192.0.2.42 deployed",
    ]


def test_the_recorded_settings_give_back_the_same_configuration() -> None:
    for stack in ("gk41", "ms01", "gk41-sites"):
        assert parse_lab_config(settings_document(lab_config(stack))) == lab_config(stack)
