"""Cpu pin: the CPUs the running zerotier-one process may use, as its kernel says, against the plan.

What the kernel lets the running process use, not what a configuration file says: the same question
on every runtime, however the runtime applied the pin.
"""

from __future__ import annotations

from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, Unread
from components.ops.facts.needs import PROCESS_CPUS, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope

NAME = "cpu pin"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [PROCESS_CPUS]


def _cpus(cpus: frozenset[int] | tuple[int, ...]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    processes = facts[PROCESS_CPUS]
    if isinstance(processes, Absent):
        return scope.every_path_not_applicable(NAME, processes.why)
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        process = processes.at(path.index)
        subject = f"path {path.index}"
        if isinstance(process, Unread):
            results.append(
                scope.result(NAME, subject, "fail", f"cannot read the CPUs zerotier-one may use: {process.reason}", path=path.index)
            )
        elif not end.cpus:
            results.append(scope.result(NAME, subject, "pass", f"not pinned: may run on CPUs {_cpus(process.allowed)}", path=path.index))
        elif process.allowed == frozenset(end.cpus):
            results.append(scope.result(NAME, subject, "pass", f"pinned to CPUs {_cpus(process.allowed)}", path=path.index))
        else:
            why = f"may run on CPUs {_cpus(process.allowed)}, planned {_cpus(end.cpus)}"
            results.append(scope.result(NAME, subject, "fail", why, path=path.index))
    return results


CHECK = Check(NAME, needs, evaluate)
