"""Routing on a router with flavor ``linux``: the rendered scripts, run over SSH as one command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_command import remote

from components.infra.command_chain import CommandChain, RouterTransaction, TransactionNames
from components.infra.connection import RouterConnection
from components.model.plan import LabPlan, RouterPlan
from components.render.command_notes import instances_line
from components.render.linux.commands import remote_commands, routing_scripts
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths
from components.render.linux.rolling import render_instance_record
from components.render.linux.routing import DEFAULT_HOST_PATHS, LinuxHostPaths


@dataclass(frozen=True)
class LinuxRouterArgs:
    connection: RouterConnection
    apply: pulumi.Input[str]
    undo: str
    # What the component reports: plain data about the router.
    summary: Mapping[str, Any]
    # What must exist before the routes can (the ZeroTier instances behind the path interfaces).
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class LinuxRouter(pulumi.ComponentResource):
    """A Linux router's floating address, ECMP routes and hashing policy, applied as one transaction."""

    routing: remote.Command

    def __init__(self, name: str, args: LinuxRouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:LinuxRouter", name, None, opts)
        # One command per router carries every write to it. Re-running the apply script converges in
        # place: a K change is an update (which runs `create` again), not a replacement. Nothing to confirm.
        self.routing, _ = CommandChain(self, args.connection, args.depends_on).transaction(
            TransactionNames(apply=f"{name}-routing"), RouterTransaction(apply=args.apply, undo=args.undo)
        )
        self.register_outputs(dict(args.summary))


def linux_router_args(
    plan: LabPlan,
    router: RouterPlan,
    connection: RouterConnection,
    *,
    instance_ids: Mapping[int, pulumi.Input[str]] | None = None,
    instance_keys: Mapping[int, Mapping[str, pulumi.Input[str]]] | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
    host_paths: LinuxHostPaths = DEFAULT_HOST_PATHS,
    frr_paths: FrrHostPaths = DEFAULT_FRR_PATHS,
) -> LinuxRouterArgs:
    """The router's scripts rendered from the plan, named after the containers they follow. Where
    instances run on Docker engines (``instance_keys``, by path then router), the apply then records
    their keys, which the paths' drains compare with (components/render/linux/rolling.py)."""
    apply_scripts, undo_scripts = routing_scripts(plan, router.name, host_paths, frr_paths)
    user = connection.ssh.user
    undo = remote_commands(undo_scripts, user)
    ids = dict(instance_ids or {})
    indices = sorted(ids)
    keys = {index: dict(by_router) for index, by_router in (instance_keys or {}).items() if by_router}
    known_keys = pulumi.Output.all(**{str(index): pulumi.Output.all(**by_router) for index, by_router in keys.items()})

    def text(known_ids: list[object], known: dict[str, dict[str, str]]) -> str:
        by_path = {int(index): by_router for index, by_router in known.items()}
        record = [render_instance_record(plan, router.name, by_path, host_paths)] if known else []
        after = instances_line(dict(zip(indices, map(str, known_ids), strict=True))) if known_ids else ""
        return after + remote_commands([*apply_scripts, *record], user)

    create = pulumi.Output.all(pulumi.Output.all(*(pulumi.Output.from_input(ids[index]) for index in indices)), known_keys).apply(
        lambda both: text(both[0], both[1])
    )
    summary = {"router": router.name, "floatingIp": str(router.floating_ip), "activePaths": plan.active_path_count}
    return LinuxRouterArgs(connection=connection, apply=create, undo=undo, summary=summary, depends_on=list(depends_on))
