"""Small Pulumi programs run by the real engine through the Automation API, in a process of their own.

The provider plugins of the lab (pulumi-docker, pulumi-command) cannot be built here, so these
programs hold component resources only, which the engine creates and deletes without a plugin, and
stand in for the lab's resources with the hooks the lab binds and with hooks that act as the
providers would. An inline program needs no Python language host: the SDK serves it from this
process and hands the CLI its address (``--client``).

    python -m tests.support.inline_program SPEC.json

SPEC: ``work_dir`` (holding Pulumi.yaml), ``stack``, ``action`` (``up``, ``preview`` or ``destroy``),
``program`` (``instance`` or ``routers``) and the program's settings; the backend and the passphrase
are the environment's (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE).

- ``instance``: r1's instance on path 1 of a lab whose stack is ``lab_stack``, its container standing
  in for the lab's with ``reclaim`` (the lab's reclaim hook before its create, against this machine's
  Docker daemon), ``docker`` (a create hook making the container as the provider does) and ``hang``
  (a create hook that writes ``marker`` and waits to be killed, as an engine killed mid-create).
- ``routers``: per router, its Docker engine, an instance on it and the routing commands that need
  the instance, each needing the one before (as its child: deleted first, and its failure keeps
  it); the routing of each router in ``down`` fails to delete (``before_delete`` hook: the router
  does not answer). ``continue_on_error`` for destroy.
- ``lab``: the lab's own program (components/infra/program.py), with ``project`` ``zt-ecmp``: as far
  as it gets without the provider plugins.

Prints the engine's output; exits 1 with the CLI's error when the engine fails.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pulumi
from pulumi import automation as auto

from components.infra.container_reclaim import reclaim_hook
from components.infra.program import run
from components.model.naming import instance_name
from components.render.docker.reclaim import reclaim_command
from tests.support.docker_engine import create_container, engine_plan, lab_labels

PROJECT = "zt-ecmp-engine-test"


class Stand(pulumi.ComponentResource):
    """A resource of the lab, as the engine sees one: created, then deleted."""

    def __init__(self, kind: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"zt-ecmp:test:{kind}", name, None, opts)


def _instance(spec: dict[str, Any]) -> None:
    plan = engine_plan(spec.get("lab_stack", spec["stack"]))
    name = instance_name(plan.project, plan.stack, 1)
    instance = Stand("Instance", "r1-path1")
    before: list[pulumi.ResourceHook | pulumi.ResourceHookFunction] = []
    if spec.get("reclaim"):
        before.append(reclaim_hook("r1-path1", reclaim_command(plan, "r1", 1), instance))

    def provider_create(args: pulumi.ResourceHookArgs) -> None:
        if spec.get("docker"):
            created = create_container(name, lab_labels(plan, 1))
            if created.returncode != 0:
                raise RuntimeError(created.stderr.strip())
        if spec.get("hang"):
            Path(spec["marker"]).write_text("creating\n")
            time.sleep(600)

    before.append(pulumi.ResourceHook("provider-create-r1-path1", provider_create))
    Stand("Container", "r1-path1", pulumi.ResourceOptions(parent=instance, hooks=pulumi.ResourceHookBinding(before_create=before)))


def _routers(spec: dict[str, Any]) -> None:
    def unreachable(args: pulumi.ResourceHookArgs) -> None:
        raise RuntimeError(f"{args.name}: ssh: connect to host port 22: No route to host")

    refusal = pulumi.ResourceHook("router-down", unreachable)
    for router in spec["routers"]:
        host = Stand("Host", f"{router}-zerotier")
        # Each the parent of the next: a component's dependencies are its children's, and these have none.
        instance = Stand("Instance", f"{router}-path1", pulumi.ResourceOptions(parent=host))
        hooks = pulumi.ResourceHookBinding(before_delete=[refusal]) if router in spec.get("down", []) else None
        Stand("Routing", f"{router}-linux-routing", pulumi.ResourceOptions(parent=instance, hooks=hooks))


def _lab(spec: dict[str, Any]) -> None:
    run()


PROGRAMS = {"instance": _instance, "routers": _routers, "lab": _lab}


def main(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text())
    stack = auto.create_or_select_stack(
        spec["stack"],
        project_name=spec.get("project", PROJECT),
        program=lambda: PROGRAMS[spec["program"]](spec),
        opts=auto.LocalWorkspaceOptions(work_dir=spec["work_dir"]),
    )
    try:
        if spec["action"] == "up":
            print(stack.up(color="never").stdout)
        elif spec["action"] == "preview":
            print(stack.preview(color="never").stdout)
        else:
            print(stack.destroy(color="never", run_program=True, continue_on_error=spec.get("continue_on_error", False)).stdout)
    except auto.errors.CommandError as failed:
        print(str(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
