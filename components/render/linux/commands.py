"""What a Linux router runs over SSH: its scripts inline, in the order they must run."""

from __future__ import annotations

from collections.abc import Sequence

from components.model.plan import LabPlan
from components.render.linux import PROGRAMS
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths, render_frr_apply, render_frr_undo
from components.render.linux.routing import DEFAULT_HOST_PATHS, LinuxHostPaths, render_linux_apply, render_linux_undo

SCRIPT_MARKER = "ZT_ECMP_SCRIPT"


def remote_command(script: str, user: str) -> str:
    """The script inline as a here-document, so a preview shows every line that will run."""
    if SCRIPT_MARKER in script:
        raise ValueError(f"the script contains {SCRIPT_MARKER}, which would end its here-document early")
    shell = "sh -s" if user == "root" else "sudo -n sh -s"
    return PROGRAMS.text("inline-script.sh", SHELL=shell, SCRIPT=script.rstrip("\n"))


def remote_commands(scripts: Sequence[str], user: str) -> str:
    """Several scripts run one after the other in one session, stopping at the first that fails."""
    if len(scripts) == 1:
        return remote_command(scripts[0], user)
    return "set -e\n" + "".join(remote_command(script, user) for script in scripts)


def routing_scripts(
    plan: LabPlan, router: str, host_paths: LinuxHostPaths = DEFAULT_HOST_PATHS, frr_paths: FrrHostPaths = DEFAULT_FRR_PATHS
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(apply scripts, undo scripts) in the order they run. With FRR owning the route, FRR's block is
    applied after the address it announces exists, and removed before that address goes."""
    apply, undo = render_linux_apply(plan, router, host_paths), render_linux_undo(plan, router, host_paths)
    if plan.router(router).route_owner == "frr":
        return (apply, render_frr_apply(plan, router, frr_paths)), (render_frr_undo(plan, router, frr_paths), undo)
    return (apply,), (undo,)
