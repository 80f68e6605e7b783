"""The router the validate tests look at: r1 of the gk41 lab, its plans, its recorded answers and the commands it is asked.

The commands are spelled out here by hand rather than built the way the checks build them, so that a
check that starts asking something else fails its test.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from components.model.plan import LabPlan
from components.ops.shell import CommandOutput
from components.ops.validate.framework import CheckResult, RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import evaluate
from tests.ops.recorded_router import Recording, recorded
from tests.support.stacks import docker_routers, lab_plan, stack_settings

# Runtime vyos (VyOS's own containers, podman underneath), K = 4 of N = 4, network ids made up.
HEALTHY_VYOS = "gk41-r1-vyos"
# What the same router answers differently with its instances on Docker (dockerInstalled).
DOCKER_CONTAINERS = "gk41-r1-docker"


def plan_with_runtime(runtime: str, **changes: Any) -> LabPlan:
    routers = docker_routers("gk41") if runtime == "docker" else stack_settings("gk41")["routers"]
    return lab_plan("gk41", routers=routers, **changes)


VYOS = plan_with_runtime("vyos")
DOCKER = plan_with_runtime("docker")


def r1_scope(plan: LabPlan = VYOS) -> RouterScope:
    return RouterScope(plan, plan.router("r1"))


def healthy_r1(*broken: str) -> Recording:
    """The healthy VyOS router's answers, with the answers of each ``broken`` case in their place."""
    return recorded(HEALTHY_VYOS, *broken)


def results(check: str, answers: Mapping[str, CommandOutput], plan: LabPlan = VYOS) -> list[CheckResult]:
    """One check's verdicts alone: the answers need hold only what that check asks."""
    return evaluate(r1_scope(plan), answers, [next(registered for registered in CHECKS if registered.name == check)])


def failures(answers: Mapping[str, CommandOutput], plan: LabPlan = VYOS) -> list[tuple[str, str, str]]:
    return [(result.check, result.subject, result.detail) for result in evaluate(r1_scope(plan), answers) if result.status != "pass"]


def cli(path: int, command: str, engine: str = "sudo podman") -> str:
    return f"{engine} exec zt-ecmp-gk41-path{path} zerotier-cli -p{9993 + path} -D/var/lib/zerotier-one -j {command}"


# zerotier-one's PID first, then that process's own status.
PROCESS_CPUS_SCRIPT = (
    """for process in /proc/[0-9]*; do read -r name 2>/dev/null <"$process/comm" && [ "$name" = zerotier-one ] && """
    """exec grep -e '^Name:' -e '^Pid:' -e '^Cpus_allowed_list:' "$process/status"; done; exit 1"""
)


def process_cpus_command(path: int, engine: str = "sudo podman") -> str:
    return shlex.join([*engine.split(), "exec", f"zt-ecmp-gk41-path{path}", "sh", "-c", PROCESS_CPUS_SCRIPT])


def ping(address: str, source: str | None = None) -> str:
    return f"ping -n -q -c 2 -i 0.2 -W 1 {f'-I {source} ' if source else ''}{address}"


def docker_inspect(path: int) -> str:
    return f"docker --context default inspect --type container zt-ecmp-gk41-path{path}"
