"""A deployed lab's stack through Pulumi's Automation API: its plan, its SSH keys, and changes of K.

Everything that needs the Pulumi CLI is here; the parts that only read settings are pure functions
of the values the API returns, so they are tested without it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from components.model.errors import InputError, OutsideError
from components.model.plan import LabPlan, build_plan
from components.model.settings import NAMESPACE, ConfigError, LabConfig, parse_lab_config
from components.stack.settings import parse_qualified_settings

PATHS_KEY = f"{NAMESPACE}:paths"
ACTIVE_PATH_KEY = f"{NAMESPACE}:paths.active"
UP_ATTEMPTS = 5
UP_RETRY_SECONDS = 5.0


class SettingValue(Protocol):
    """What the Automation API returns for one setting (``pulumi.automation.ConfigValue``)."""

    value: str
    secret: bool


class OutputValue(Protocol):
    """What the Automation API returns for one stack output (``pulumi.automation.OutputValue``)."""

    value: Any
    secret: bool


class PulumiStack(Protocol):
    """The part of ``pulumi.automation.Stack`` the lab tools use."""

    @property
    def name(self) -> str: ...

    def outputs(self) -> Mapping[str, OutputValue]: ...

    def get_all_config(self) -> Mapping[str, Any]: ...

    def get_config(self, key: str, *, path: bool = False) -> Any: ...

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None: ...

    def remove_config(self, key: str, *, path: bool = False) -> None: ...

    def up(self, *, on_output: Callable[[str], Any] | None = None, show_secrets: bool = True, color: str | None = None) -> Any: ...


def lab_from_settings(settings: Mapping[str, SettingValue]) -> LabConfig:
    """A stack's lab settings, validated, from its settings as ``Stack.get_all_config()`` returns them.

    Secret values are replaced before parsing: the plan needs to know that a key is set, never the key.
    """
    values = {key: f"[secret {key}]" if setting.secret else setting.value for key, setting in settings.items()}
    secrets = {key for key, setting in settings.items() if setting.secret}
    return parse_qualified_settings(values, secrets).lab


def plan_from_settings(project: str, stack: str, settings: Mapping[str, SettingValue]) -> LabPlan:
    """The plan of a stack from its settings as ``Stack.get_all_config()`` returns them."""
    return build_plan(lab_from_settings(settings), project, stack)


PULUMI_CLI_HELP = "install it (3.158.0 or later; README.md, Prerequisites) or put `pulumi` on PATH"


def select_lab_stack(stack_name: str, project_dir: Path) -> PulumiStack:
    """The stack of this project named ``stack_name``, with a lab deployed on it; said plainly when the
    Pulumi CLI is missing, the stack does not exist or nothing was ever deployed, before any router is asked."""
    if shutil.which("pulumi") is None:
        raise InputError(f"stack {stack_name}: reading a deployed stack needs the Pulumi CLI, which is not on PATH; {PULUMI_CLI_HELP}")
    from pulumi import automation

    try:
        found = automation.select_stack(stack_name, work_dir=str(project_dir))
    except automation.StackNotFoundError:
        raise InputError(
            f"--stack {stack_name}: no such stack in this project's backend; create it and deploy the lab first "
            f"(`pulumi stack init {stack_name}`, then `pulumi up --stack {stack_name}`: README.md, Building a real lab)"
        ) from None
    if not deployed_resources(found.export_stack().deployment):
        raise InputError(
            f"stack {stack_name} has no lab deployed (its state holds no resources): run `pulumi up --stack {stack_name}` first"
        )
    stack: PulumiStack = found
    return stack


def deployed_resources(deployment: Mapping[str, Any] | None) -> list[str]:
    """The URNs of what a stack's state holds besides the stack itself and its providers."""
    resources = (deployment or {}).get("resources") or []
    return [
        resource["urn"]
        for resource in resources
        if resource.get("type") != "pulumi:pulumi:Stack" and not str(resource.get("type", "")).startswith("pulumi:providers:")
    ]


def engine_failure(error: BaseException) -> OutsideError | None:
    """The Pulumi CLI's own words for a command of the Automation API that failed, or None for any other error."""
    automation = sys.modules.get("pulumi.automation")
    if automation is None or not isinstance(error, automation.CommandError):
        return None
    said = str(error)
    stderr = said.split("\n stderr: ", 1)[-1] if "\n stderr: " in said else said
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    # The CLI ends with its error lines; a long output is cut to its last ones.
    shown = "; ".join(lines[-3:]) or "no message"
    command = re.search(r"running '([^']*)'", said)
    return OutsideError(f"the Pulumi CLI failed{f' running {command[1]!r}' if command else ''}: {shown}")


def stack_plan(stack: PulumiStack, project: str) -> LabPlan:
    return plan_from_settings(project, stack.name, stack.get_all_config())


def selected_stack_name(project_dir: Path) -> str:
    """The stack the Pulumi CLI would use without ``--stack`` (``pulumi stack select``), or why there is none."""
    if shutil.which("pulumi") is None:
        raise InputError(f"reading a deployed stack needs the Pulumi CLI, which is not on PATH; {PULUMI_CLI_HELP}")
    from pulumi import automation

    summary = automation.LocalWorkspace(work_dir=str(project_dir)).stack()
    if summary is None:
        raise InputError("no stack is selected in this project: name one with --stack NAME (or run `pulumi stack select NAME`)")
    return str(summary.name)


# The stack output that holds the validated settings the lab was deployed with (components/infra/program.py).
SETTINGS_OUTPUT = "settings"


def _flattened(value: Any, where: str = "") -> dict[str, Any]:
    """A settings document as dotted names (``paths.active``, ``routers[0].ssh.host``) to values; a list
    of plain values is one value, a list of objects is one name per entry."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flattened(item, f"{where}.{key}" if where else key))
        return flat
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        flat = {}
        for position, item in enumerate(value):
            flat.update(_flattened(item, f"{where}[{position}]"))
        return flat
    return {where: value}


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    return json.dumps(value) if isinstance(value, list | bool) else str(value)


def settings_differences(configured: LabConfig, deployed: LabConfig, stack_file: str) -> list[str]:
    """Each setting whose value in the stack file differs from the deployed one, in the stack file's order:
    ``paths.active is 6 in Pulumi.ms01.yaml, 8 deployed``."""
    now = _flattened(configured.model_dump(mode="json", by_alias=True))
    then = _flattened(deployed.model_dump(mode="json", by_alias=True))
    return [
        f"{name} is {_shown(now.get(name))} in {stack_file}, {_shown(then.get(name))} deployed"
        for name in dict.fromkeys([*now, *then])
        if now.get(name) != then.get(name)
    ]


def deployed_plan(stack: PulumiStack, project: str) -> tuple[LabPlan, list[str]]:
    """The plan of the lab as deployed, from the settings the stack's outputs recorded, and what to say
    about it: each setting the stack file has changed since, or that the outputs hold no settings
    (a lab deployed before they did), so that the stack file's plan is checked instead."""
    stack_file = f"Pulumi.{stack.name}.yaml"
    configured = lab_from_settings(stack.get_all_config())
    recorded = stack.outputs().get(SETTINGS_OUTPUT)
    if recorded is None:
        return build_plan(configured, project, stack.name), [
            f"stack {stack.name}'s outputs hold no {SETTINGS_OUTPUT!r} (deployed by an older zt-ecmp): checking the lab as "
            f"{stack_file} describes it, which may differ from what is deployed; `pulumi up --stack {stack.name}` records it"
        ]
    try:
        deployed = parse_lab_config(recorded.value)
    except ConfigError as error:
        problems = "; ".join(error.problems)
        raise OutsideError(f"stack {stack.name}'s {SETTINGS_OUTPUT!r} output cannot be read as settings: {problems}") from None
    differences = settings_differences(configured, deployed, stack_file)
    if differences:
        differences[-1] += "; checking the deployed lab"
    return build_plan(deployed, project, stack.name), differences


def private_keys(stack: PulumiStack, plan: LabPlan) -> dict[str, str]:
    """Each key-authenticated router's SSH private key, decrypted by the CLI; never printed or logged."""
    keys = {}
    for router in plan.routers:
        if router.ssh.auth == "key":
            keys[router.name] = str(stack.get_config(f"{NAMESPACE}:{router.ssh.private_key_config}").value)
    return keys


def _paths_setting(stack: PulumiStack) -> dict[str, Any]:
    paths: dict[str, Any] = json.loads(stack.get_config(PATHS_KEY).value)
    return paths


class StackPaths:
    """K of a deployed lab: read from and written to the stack's ``paths`` setting, applied by ``up``."""

    def __init__(self, stack: PulumiStack, output: Callable[[str], None] = print, sleep: Callable[[float], None] = time.sleep) -> None:
        self.stack = stack
        self.output = output
        self.sleep = sleep
        paths = _paths_setting(stack)
        self.count = int(paths["count"])
        # Without ``active`` the lab runs all N paths; restoring N then removes the key again.
        self.active_was_implicit = "active" not in paths

    def active(self) -> int:
        paths = _paths_setting(self.stack)
        return int(paths.get("active", paths["count"]))

    def set_active(self, active: int) -> None:
        from pulumi.automation import ConfigValue

        if active == self.count and self.active_was_implicit:
            self.stack.remove_config(ACTIVE_PATH_KEY, path=True)
        else:
            # With path=True the CLI stores "3" as the number 3 inside the ``paths`` object.
            self.stack.set_config(ACTIVE_PATH_KEY, ConfigValue(str(active)), path=True)
        self.apply()

    def apply(self) -> None:
        """``pulumi up``; a K change touches only the routers' routes. Retries while a previous update holds the lock."""
        from pulumi.automation import ConcurrentUpdateError

        for attempt in range(1, UP_ATTEMPTS + 1):
            try:
                self.stack.up(on_output=self._show, show_secrets=False, color="never")
                return
            except ConcurrentUpdateError:
                if attempt == UP_ATTEMPTS:
                    raise
                self.output(f"stack {self.stack.name} is locked by another update; retrying in {UP_RETRY_SECONDS:g} s")
                self.sleep(UP_RETRY_SECONDS)

    def _show(self, line: str) -> None:
        self.output(f"  | {line.rstrip()}")
