"""VyosRouter: one VyOS router's lab configuration, applied over SSH as one transaction per update.

Every write to the router is a ``pulumi_command`` remote Command, chained so that no two run at
once (concurrent configuration sessions on one router fail or worse). The scripts are the
Commands' ``create``/``update``/``delete`` text, so a preview shows exactly which VyOS lines change.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_command import remote

from components.plan import LabPlan
from components.renderers.vyos import (
    OP_MODE,
    container_home,
    desired_set_lines,
    ledger_path,
    remote_command,
    render_apply_script,
    render_confirm_script,
    render_delete_script,
    vyos_container_name,
)
from components.renderers.zerotier_files import render_devicemap, render_local_conf
from components.router_connection import RouterConnection
from components.zerotier_path import InstanceIdentity


@dataclass(frozen=True)
class VyosRouterArgs:
    plan: LabPlan
    router: str
    connection: RouterConnection
    # Runtime "vyos" only: per path index, the network the container joins and the identity it uses
    # (None: the instance generates its own at first start).
    network_ids: Mapping[int, pulumi.Input[str]] = field(default_factory=dict)
    identities: Mapping[int, InstanceIdentity | None] = field(default_factory=dict)

    @classmethod
    def from_plan(
        cls,
        plan: LabPlan,
        router: str,
        private_key: pulumi.Output[str] | None,
        network_ids: Mapping[int, pulumi.Input[str]] | None = None,
        identities: Mapping[int, InstanceIdentity | None] | None = None,
    ) -> VyosRouterArgs:
        return cls(
            plan=plan,
            router=router,
            connection=RouterConnection.from_plan(plan, router, private_key),
            network_ids=dict(network_ids or {}),
            identities=dict(identities or {}),
        )


def _write_file_command(path: str, restart_container: str | None) -> str:
    """Writes stdin to ``path`` owner-only; the content never appears in the command or its output."""
    write = f'umask 077 && cat > "{path}.new" && mv "{path}.new" "{path}"'
    if restart_container is None:
        return write + "\n"
    # zerotier-one reads its home directory at start: a changed file needs a restart to count.
    return (
        f"{write} || exit 1\n"
        f"if /bin/cli-shell-api existsActive container name {restart_container}; then\n"
        f"  {OP_MODE} restart container {restart_container}\n"
        "fi\n"
    )


class VyosRouter(pulumi.ComponentResource):
    """Floating /32, ECMP route and layer-4 hashing (and, on runtime vyos, the ZeroTier containers) on one VyOS router."""

    apply: remote.Command
    confirm: remote.Command
    configuration: pulumi.Output[list[str]]

    def __init__(self, name: str, args: VyosRouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:VyosRouter", name, None, opts)
        plan, router = args.plan, args.plan.router(args.router)
        self._connection = args.connection.connection_args()
        self._last: pulumi.Resource | None = None

        if router.runtime == "vyos":
            self._container_homes(name, args)

        if router.runtime == "vyos":
            # Containers join their network by id, known only once the networks exist.
            network_ids: pulumi.Output[dict[int, str]] = pulumi.Output.all(
                *(pulumi.Output.from_input(args.network_ids[path.index]) for path in plan.paths)
            ).apply(lambda ids: {path.index: str(nwid) for path, nwid in zip(plan.paths, ids, strict=True)})
            apply_text = network_ids.apply(lambda ids: remote_command(render_apply_script(plan, args.router, ids)))
            confirm_text = network_ids.apply(lambda ids: remote_command(render_confirm_script(plan, args.router, ids)))
            self.configuration = network_ids.apply(lambda ids: list(desired_set_lines(plan, args.router, ids)))
        else:
            apply_text = pulumi.Output.from_input(remote_command(render_apply_script(plan, args.router)))
            confirm_text = pulumi.Output.from_input(remote_command(render_confirm_script(plan, args.router)))
            self.configuration = pulumi.Output.from_input(list(desired_set_lines(plan, args.router)))

        self.apply = self._command(
            f"{name}-apply",
            create=apply_text,
            update=apply_text,
            delete=remote_command(render_delete_script(plan, args.router)),
            # A replacement must undo before it redoes: the old delete after the new create would
            # remove what the new create just set.
            delete_before_replace=True,
        )
        # A fresh SSH session, after apply: it can only confirm while the router still answers.
        self.confirm = self._command(f"{name}-confirm", create=confirm_text, update=confirm_text, triggers=[apply_text])
        self.register_outputs({"configuration": self.configuration, "ledger": ledger_path(plan, args.router)})

    def _command(
        self,
        name: str,
        *,
        create: pulumi.Input[str],
        update: pulumi.Input[str] | None = None,
        delete: pulumi.Input[str] | None = None,
        stdin: pulumi.Input[str] | None = None,
        triggers: list[pulumi.Input[str]] | None = None,
        delete_before_replace: bool = False,
    ) -> remote.Command:
        """A Command on this router, run only after the previous one: writes to one router never overlap."""
        command = remote.Command(
            name,
            connection=self._connection,
            create=create,
            update=update,
            delete=delete,
            stdin=stdin,
            triggers=triggers,
            add_previous_output_in_env=False,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self._last] if self._last is not None else [],
                delete_before_replace=delete_before_replace,
            ),
        )
        self._last = command
        return command

    def _container_homes(self, name: str, args: VyosRouterArgs) -> None:
        """Each instance's home directory with its files, which must exist before the containers are committed."""
        plan = args.plan
        for path in plan.paths:
            home = container_home(plan, path.index)
            container = vyos_container_name(plan, path.index)
            prefix = f"{name}-path{path.index}"
            # zerotier-one (root in the container) adds files of its own: removing them takes sudo.
            self._command(f"{prefix}-home", create=f'mkdir -p "{home}" && chmod 700 "{home}"\n', delete=f'sudo rm -rf "{home}"\n')
            interface = path.end(args.router).interface
            devicemap = pulumi.Output.from_input(args.network_ids[path.index]).apply(
                functools.partial(render_devicemap, interface=interface)
            )
            files: list[tuple[str, str, pulumi.Input[str]]] = [
                ("local-conf", "local.conf", render_local_conf(plan, args.router, path.index)),
                ("devicemap", "devicemap", devicemap),
            ]
            identity = args.identities.get(path.index)
            if identity is not None:
                files += [
                    ("identity-public", "identity.public", identity.public),
                    # Secret stdin: masked in previews and state, written 0600, never echoed.
                    ("identity-secret", "identity.secret", pulumi.Output.secret(identity.secret)),
                ]
            for label, filename, content in files:
                target = f"{home}/{filename}"
                self._command(
                    f"{prefix}-{label}",
                    create=_write_file_command(target, None),
                    update=_write_file_command(target, container),
                    delete=f'rm -f "{target}"\n',
                    stdin=content,
                )
