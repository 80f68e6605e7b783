"""The hook that runs the reclaim command (components/render/docker/reclaim.py) before each container's create.

Why a resource hook: the engine runs a resource's ``before_create`` hooks at the start of every
create step, before it calls the provider (pulumi/pulumi pkg/resource/deploy/step.go,
``CreateStep.Apply`` -> ``Deployment.RunHooks``), so also before the create it runs again after a
killed engine left that create pending. It skips them in previews unless the hook asks otherwise
(deployment.go, ``RunHooks``: ``DryRun && !hook.OnDryRun``; lifecycletest/resource_hooks_test.go,
``TestResourceHookDryRun``). An error from a before hook fails that step with ``before hook "<name>"
failed: <message>`` (``TestResourceHookBeforeCreateError``), and the Python SDK hands over only the
exception's text (pulumi/runtime/_callbacks.py: ``ResourceHookResponse(error=str(e))``). The hook is
served from the program's own process, so it runs on the machine running Pulumi. Under the SDK's
unit-test mocks a hook is registered (``MockMonitor.RegisterResourceHook``) and never called.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from collections.abc import Callable

import pulumi

from components.model.plan import LabPlan
from components.model.settings import ConfigError
from components.render.docker.reclaim import REFUSED_EXIT, ReclaimCommand, docker_cli_needed

# How long the check may take: ssh gives up connecting after 30 s (ConnectTimeout), and the docker
# CLI's calls are quick. A hung engine must not hold the update for good.
RECLAIM_TIMEOUT_SECONDS = 120


class ReclaimError(RuntimeError):
    """The name is taken by a container that is not the lab's, or the engine could not be asked."""


async def reclaim(command: ReclaimCommand, timeout_seconds: float = RECLAIM_TIMEOUT_SECONDS) -> str:
    """Runs ``command``; returns what it removed ("" when nothing), raises ReclaimError otherwise."""
    process = await asyncio.create_subprocess_exec(
        *command.argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **command.environment},
        # A group of its own, so that a timeout ends what it started too (the docker CLI under sh).
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(command.script.encode()), timeout_seconds)
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise ReclaimError(f"zt-ecmp: looking for a leftover {command.subject} got no answer within {timeout_seconds:g} s") from None
    said = err.decode(errors="replace").strip()
    if process.returncode == REFUSED_EXIT:
        raise ReclaimError(said)
    if process.returncode != 0:
        raise ReclaimError(f"zt-ecmp: could not look for a leftover {command.subject} (exit {process.returncode}): {said}")
    return out.decode(errors="replace").strip()


def reclaim_hook(name: str, command: ReclaimCommand, report_on: pulumi.Resource) -> pulumi.ResourceHook:
    """A hook named after the container resource ``name`` that runs ``command``; what it removed is
    reported as a warning on ``report_on``."""

    async def before_create(args: pulumi.ResourceHookArgs) -> None:
        removed = await reclaim(command)
        if removed:
            pulumi.log.warn(removed, resource=report_on)

    return pulumi.ResourceHook(f"zt-ecmp-reclaim-{name}", before_create)


def reclaim_hooks(name: str, command: ReclaimCommand, report_on: pulumi.Resource) -> pulumi.ResourceHookBinding:
    """The container's hooks: ``reclaim_hook`` before each of its creates."""
    return pulumi.ResourceHookBinding(before_create=[reclaim_hook(name, command, report_on)])


def check_reclaim_tools(plan: LabPlan, which: Callable[[str], str | None] = shutil.which) -> None:
    """Before an update registers anything: Docker's CLI on this machine, where the reclaim check needs it."""
    routers = docker_cli_needed(plan)
    if routers and which("docker") is None:
        raise ConfigError(
            [
                f"dockerHost of {', '.join(routers)}: a tcp:// or unix:// Docker engine is checked from this machine for "
                "containers a killed run left behind, which needs Docker's CLI here; install it (Debian: apt-get install "
                "docker.io, or Docker's docker-ce-cli) or reach the engine over ssh://"
            ]
        )
