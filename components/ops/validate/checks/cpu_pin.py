"""Cpu pin: the CPUs the running zerotier-one process may use, as its kernel says, against the plan."""

from __future__ import annotations

from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope

NAME = "cpu pin"
# Inside the container: every process's name and the CPUs it may run on (zerotier-one is not PID 1:
# the official entrypoint starts it in the background).
PROCESS_CPUS = "grep -H -e '^Name:' -e '^Cpus_allowed_list:' /proc/[0-9]*/status 2>/dev/null"


def _command(scope: RouterScope, index: int) -> str:
    return scope.in_container(index, "sh", "-c", PROCESS_CPUS)


def commands(scope: RouterScope) -> list[str]:
    return [] if scope.zerotier_absent else [_command(scope, path.index) for path in scope.plan.paths]


def parse_cpu_list(text: str) -> frozenset[int]:
    """A kernel CPU list (``0-3,8,10-11``) as a set of CPU ids."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return frozenset(cpus)


def zerotier_allowed_cpus(grep_output: str) -> frozenset[int] | None:
    """The CPUs the zerotier-one process may run on, from PROCESS_CPUS' output (None: no such process)."""
    fields: dict[str, dict[str, str]] = {}
    for line in grep_output.splitlines():
        path, _, rest = line.partition(":")
        key, _, value = rest.partition(":")
        fields.setdefault(path, {})[key] = value.strip()
    for status in fields.values():
        if status.get("Name") == "zerotier-one" and "Cpus_allowed_list" in status:
            return parse_cpu_list(status["Cpus_allowed_list"])
    return None


def _cpus(cpus: frozenset[int] | tuple[int, ...]) -> str:
    return ",".join(str(cpu) for cpu in sorted(cpus))


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    """What the kernel lets the running process use, not what a configuration file says: the same
    question on every runtime, however the runtime applied the pin."""
    if scope.zerotier_absent:
        return scope.every_path_not_applicable(NAME, scope.zerotier_absent)
    results = []
    for path in scope.plan.paths:
        end = path.end(scope.router.name)
        output = observed[_command(scope, path.index)]
        # Judged by what was read, whatever the exit status: another process of the container ending
        # while it is read fails the command, and says nothing about zerotier-one.
        allowed = zerotier_allowed_cpus(output.stdout)
        subject = f"path {path.index}"
        if allowed is None:
            why = output.why() if not output.ok else "no zerotier-one process in the container"
            results.append(scope.result(NAME, subject, "fail", f"cannot read the CPUs zerotier-one may use: {why}"))
        elif not end.cpus:
            results.append(scope.result(NAME, subject, "pass", f"not pinned: may run on CPUs {_cpus(allowed)}"))
        elif allowed == frozenset(end.cpus):
            results.append(scope.result(NAME, subject, "pass", f"pinned to CPUs {_cpus(allowed)}"))
        else:
            results.append(scope.result(NAME, subject, "fail", f"may run on CPUs {_cpus(allowed)}, planned {_cpus(end.cpus)}"))
    return results


CHECK = Check(NAME, commands, evaluate)
