"""Container running: every path's instance container is up, as the router's runtime lists it.

Runtimes list their containers differently (VyOS prints one table of all of them, Docker answers
``inspect`` per container); their getters (components/ops/facts) give every path's ``Instance``, so
the check never asks which runtime it looks at. It says what the runtime said: podman's status
words, or Docker's state with its start time, exit code and error.
"""

from __future__ import annotations

from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, Instance, Unread
from components.ops.facts.needs import INSTANCES, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope, Status

NAME = "container running"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [INSTANCES]


def verdict(instance: Instance | Unread) -> tuple[Status, str]:
    if isinstance(instance, Unread):
        return "fail", str(instance)
    name = instance.container
    if not instance.exists:
        return "fail", f"no container named {name}"
    if instance.running:
        return "pass", f"{name}: running since {instance.started_at}" if instance.started_at else f"{name}: {instance.state}"
    if instance.exit_code is None:
        return "fail", f"{name} is {instance.state!r}"
    why = f"{name} is {instance.state}, exit code {instance.exit_code}"
    return "fail", why + (f": {instance.error}" if instance.error else "")


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    instances = facts[INSTANCES]
    if isinstance(instances, Absent):
        return scope.every_path_not_applicable(NAME, instances.why)
    return [scope.result(NAME, f"path {path.index}", *verdict(instances.at(path.index)), path=path.index) for path in scope.plan.paths]


CHECK = Check(NAME, needs, evaluate)
