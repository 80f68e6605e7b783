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
from pulumi.automation import ConcurrentUpdateError, ConfigValue
from pulumi.automation._cmd import CommandResult

from components.model.settings import ConfigError
from components.stack.automation import StackPaths, plan_from_settings, private_keys
from tests.support.stacks import stack_settings

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
