"""Cpu pin: the CPUs the running zerotier-one process may use, as its kernel says, against the plan."""

from __future__ import annotations

from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope

NAME = "cpu pin"
# Inside the container: find zerotier-one's PID first (it is not PID 1: the official entrypoint
# starts it in the background), then read that process's own status. Other processes come and go
# (the entrypoint starts a `sleep 1` every second), so a name that cannot be read is skipped, and
# no other process's status is ever read. No zerotier-one: exit status 1 and nothing printed.
PROCESS_CPUS = (
    "for process in /proc/[0-9]*; do "
    'read -r name 2>/dev/null <"$process/comm" && [ "$name" = zerotier-one ] && '
    "exec grep -e '^Name:' -e '^Pid:' -e '^Cpus_allowed_list:' \"$process/status\"; "
    "done; exit 1"
)


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


def zerotier_allowed_cpus(status_lines: str) -> frozenset[int] | None:
    """The CPUs the zerotier-one process may run on, from the lines PROCESS_CPUS read of its status
    (None: no zerotier-one status was read)."""
    status = {key: value.strip() for key, _, value in (line.partition(":") for line in status_lines.splitlines())}
    if status.get("Name") != "zerotier-one" or "Cpus_allowed_list" not in status:
        return None
    return parse_cpu_list(status["Cpus_allowed_list"])


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
        # Judged by what was read, whatever the exit status: the status lines say everything, and an
        # exit status says nothing about zerotier-one once they were read.
        allowed = zerotier_allowed_cpus(output.stdout)
        subject = f"path {path.index}"
        if allowed is None:
            # The runtime's complaint (no such container, ...) if any; else the script found no zerotier-one.
            why = output.why() if output.stderr.strip() else "no zerotier-one process in the container"
            results.append(scope.result(NAME, subject, "fail", f"cannot read the CPUs zerotier-one may use: {why}"))
        elif not end.cpus:
            results.append(scope.result(NAME, subject, "pass", f"not pinned: may run on CPUs {_cpus(allowed)}"))
        elif allowed == frozenset(end.cpus):
            results.append(scope.result(NAME, subject, "pass", f"pinned to CPUs {_cpus(allowed)}"))
        else:
            results.append(scope.result(NAME, subject, "fail", f"may run on CPUs {_cpus(allowed)}, planned {_cpus(end.cpus)}"))
    return results


CHECK = Check(NAME, commands, evaluate)
