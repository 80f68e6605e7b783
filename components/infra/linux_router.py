"""Routing on a router with flavor ``linux``: the rendered scripts, run over SSH."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_command import remote

from components.infra.connection import RouterConnection, instances_line
from components.model.plan import LabPlan
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths, render_frr_apply, render_frr_undo
from components.render.linux.routing import DEFAULT_HOST_PATHS, LinuxHostPaths, render_linux_apply, render_linux_undo

SCRIPT_MARKER = "ZT_ECMP_SCRIPT"


def remote_command(script: str, user: str) -> str:
    """The script inline as a here-document, so a preview shows every line that will run."""
    if SCRIPT_MARKER in script:
        raise ValueError(f"the script contains {SCRIPT_MARKER}, which would end its here-document early")
    shell = "sh -s" if user == "root" else "sudo -n sh -s"
    return f"{shell} <<'{SCRIPT_MARKER}'\n{script.rstrip(chr(10))}\n{SCRIPT_MARKER}\n"


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
    if plan.routing.linux_routes == "frr":
        return (apply, render_frr_apply(plan, router, frr_paths)), (render_frr_undo(plan, router, frr_paths), undo)
    return (apply,), (undo,)


@dataclass(frozen=True)
class LinuxRouterArgs:
    plan: LabPlan
    router: str
    connection: RouterConnection
    host_paths: LinuxHostPaths = DEFAULT_HOST_PATHS
    frr_paths: FrrHostPaths = DEFAULT_FRR_PATHS
    # What must exist before the route can (the ZeroTier instances behind the path interfaces).
    depends_on: Sequence[pulumi.Resource] = ()
    # Per path index, the id of the container behind the path interface.
    instance_ids: Mapping[int, pulumi.Input[str]] = field(default_factory=dict)

    @classmethod
    def from_plan(
        cls,
        plan: LabPlan,
        router: str,
        private_key: pulumi.Output[str] | None,
        *,
        host_paths: LinuxHostPaths = DEFAULT_HOST_PATHS,
        depends_on: Sequence[pulumi.Resource] = (),
        instance_ids: Mapping[int, pulumi.Input[str]] | None = None,
    ) -> LinuxRouterArgs:
        """The router's SSH target as the plan has it; ``private_key`` None when it authenticates with the agent."""
        return cls(
            plan=plan,
            router=router,
            connection=RouterConnection.from_plan(plan, router, private_key),
            host_paths=host_paths,
            depends_on=depends_on,
            instance_ids=dict(instance_ids or {}),
        )


class LinuxRouter(pulumi.ComponentResource):
    """A Linux router's floating address, ECMP route and hashing policy, applied as one transaction."""

    routing: remote.Command

    def __init__(self, name: str, args: LinuxRouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:LinuxRouter", name, None, opts)
        apply_scripts, undo_scripts = routing_scripts(args.plan, args.router, args.host_paths, args.frr_paths)
        user = args.connection.ssh.user
        apply, undo = remote_commands(apply_scripts, user), remote_commands(undo_scripts, user)
        connection = args.connection.connection_args()
        indices = sorted(args.instance_ids)
        create = pulumi.Output.all(*(pulumi.Output.from_input(args.instance_ids[index]) for index in indices)).apply(
            lambda ids: (instances_line(dict(zip(indices, map(str, ids), strict=True))) if ids else "") + apply
        )
        # One command per router carries every write to it, so writes to one router never overlap.
        self.routing = remote.Command(
            f"{name}-routing",
            connection=connection,
            # Re-running the apply script converges in place: a K change is an update (which runs
            # `create` again), not a replacement.
            create=create,
            delete=undo,
            triggers=args.connection.triggers,
            add_previous_output_in_env=False,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                # Replaced only when the router moves: undo on the old one before applying on the new one.
                delete_before_replace=True,
            ),
        )
        own = args.plan.router(args.router)
        self.register_outputs(
            {
                "router": own.name,
                "floatingIp": str(own.floating_ip),
                "activePaths": args.plan.active_path_count,
            }
        )
