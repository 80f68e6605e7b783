"""VyosRouter: one VyOS router's lab configuration, applied over SSH as one transaction per update.

Every write to the router is a ``pulumi_command`` remote Command, chained so that no two run at
once (concurrent configuration sessions on one router fail or worse). The scripts are the
Commands' ``create``/``delete`` text, so a preview shows exactly which VyOS lines change; an update
runs ``create`` again (pulumi-command's Update falls back to ``create`` when ``update`` is unset),
which the scripts are written for, so the text is never shown twice.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_command import remote

from components.infra.connection import RouterConnection, instances_line
from components.infra.zerotier_path import InstanceIdentity
from components.model.plan import LabPlan
from components.render.vyos.configuration import (
    OP_MODE,
    PINNED_START,
    container_home,
    desired_set_lines,
    render_pinned_start,
    vyos_container_name,
)
from components.render.vyos.scripts import ledger_path, remote_command, render_apply_script, render_confirm_script, render_delete_script
from components.render.zerotier import render_devicemap, render_local_conf


@dataclass(frozen=True)
class VyosRouterArgs:
    plan: LabPlan
    router: str
    connection: RouterConnection
    # Runtime "vyos" only: per path index, the network the container joins, the identity it uses
    # (None: the instance generates its own at first start) and the node id of its peer instance.
    network_ids: Mapping[int, pulumi.Input[str]] = field(default_factory=dict)
    identities: Mapping[int, InstanceIdentity | None] = field(default_factory=dict)
    peer_node_ids: Mapping[int, Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    # Runtime "docker" only: per path index, the id of the container behind the path interface.
    instance_ids: Mapping[int, pulumi.Input[str]] = field(default_factory=dict)
    # What must exist before anything runs on the router: the members its instances join as.
    depends_on: Sequence[pulumi.Resource] = ()

    @classmethod
    def from_plan(
        cls,
        plan: LabPlan,
        router: str,
        private_key: pulumi.Output[str] | None,
        *,
        network_ids: Mapping[int, pulumi.Input[str]] | None = None,
        identities: Mapping[int, InstanceIdentity | None] | None = None,
        peer_node_ids: Mapping[int, Mapping[str, pulumi.Input[str]]] | None = None,
        instance_ids: Mapping[int, pulumi.Input[str]] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> VyosRouterArgs:
        return cls(
            plan=plan,
            router=router,
            connection=RouterConnection.from_plan(plan, router, private_key),
            network_ids=dict(network_ids or {}),
            identities=dict(identities or {}),
            peer_node_ids=dict(peer_node_ids or {}),
            instance_ids=dict(instance_ids or {}),
            depends_on=depends_on,
        )


def _write_file_command(path: str, restart_container: str | None, mode: str = "600") -> str:
    """Writes stdin to ``path`` owner-only; the content never appears in the command or its output."""
    write = f'umask 077 && cat > "{path}.new" && chmod {mode} "{path}.new" && mv "{path}.new" "{path}"'
    if restart_container is None:
        return write + "\n"
    # zerotier-one reads its home directory at start: a changed file needs a restart to count.
    return (
        f"{write} || exit 1\n"
        f"if /bin/cli-shell-api existsActive container name {restart_container}; then\n"
        f"  {OP_MODE} restart container {restart_container}\n"
        "fi\n"
    )


def _ids_by_path(ids: Mapping[int, pulumi.Input[str]]) -> pulumi.Output[list[tuple[int, str]]]:
    """(path index, id) pairs once every id is known (Pulumi resolves dicts only with string keys)."""
    indices = sorted(ids)
    return pulumi.Output.all(*(pulumi.Output.from_input(ids[index]) for index in indices)).apply(
        lambda values: [(index, str(value)) for index, value in zip(indices, values, strict=True)]
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
        self._triggers = args.connection.triggers
        self._last: pulumi.Resource | None = None
        self._first_depends_on = list(args.depends_on)

        if router.runtime == "vyos":
            self._container_homes(name, args)
        # Runtime vyos: containers join their network by id, known only once the networks exist.
        network_ids = _ids_by_path(args.network_ids) if router.runtime == "vyos" else pulumi.Output.from_input([])
        instances = _ids_by_path(args.instance_ids)

        def texts(ids: list[tuple[int, str]], containers: list[tuple[int, str]]) -> tuple[str, str, list[str]]:
            known = dict(ids) if router.runtime == "vyos" else None
            after = instances_line(dict(containers)) if containers else ""
            return (
                after + remote_command(render_apply_script(plan, args.router, known)),
                remote_command(render_confirm_script(plan, args.router, known)),
                list(desired_set_lines(plan, args.router, known)),
            )

        rendered = pulumi.Output.all(network_ids, instances).apply(lambda both: texts(both[0], both[1]))
        apply_text = rendered.apply(lambda text: text[0])
        self.configuration = rendered.apply(lambda text: text[2])

        self.apply = self._command(
            f"{name}-apply",
            create=apply_text,
            delete=remote_command(render_delete_script(plan, args.router)),
        )
        # A fresh SSH session, after apply: it can only confirm while the router still answers. Its text
        # names the apply script's digest, so it runs (as an update) whenever the apply script changes.
        self.confirm = self._command(f"{name}-confirm", create=rendered.apply(lambda text: text[1]))
        self.register_outputs({"configuration": self.configuration, "ledger": ledger_path(plan, args.router)})

    def _command(
        self,
        name: str,
        *,
        create: pulumi.Input[str],
        update: pulumi.Input[str] | None = None,
        delete: pulumi.Input[str] | None = None,
        stdin: pulumi.Input[str] | None = None,
    ) -> remote.Command:
        """A Command on this router, run only after the previous one: writes to one router never overlap."""
        command = remote.Command(
            name,
            connection=self._connection,
            create=create,
            update=update,
            delete=delete,
            stdin=stdin,
            triggers=self._triggers,
            add_previous_output_in_env=False,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self._last] if self._last is not None else self._first_depends_on,
                # Replaced only when the router moves (triggers): undo on the old router before doing
                # anything on the new one, and never let an old delete undo a new create on the same host.
                delete_before_replace=True,
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
            self._command(
                f"{prefix}-home",
                create=f'mkdir -p "{home}" && chmod 700 "{home}"\n',
                delete=f'sudo rm -rf "{home}"\nrmdir "{home.rsplit("/", 1)[0]}" 2>/dev/null || true\n',
            )
            interface = path.end(args.router).interface
            devicemap = pulumi.Output.from_input(args.network_ids[path.index]).apply(
                functools.partial(render_devicemap, interface=interface)
            )
            peers = args.peer_node_ids.get(path.index)
            local_conf: pulumi.Input[str] = (
                render_local_conf(plan, args.router, path.index)
                if not peers
                else pulumi.Output.all(**peers).apply(functools.partial(render_local_conf, plan, args.router, path.index))
            )
            files: list[tuple[str, str, pulumi.Input[str], str]] = [
                ("local-conf", "local.conf", local_conf, "600"),
                ("devicemap", "devicemap", devicemap, "600"),
            ]
            if (start := render_pinned_start(plan, args.router, path.index)) is not None:
                files.append(("start", PINNED_START, start, "700"))
            identity = args.identities.get(path.index)
            if identity is not None:
                files += [
                    ("identity-public", "identity.public", identity.public, "600"),
                    # Secret stdin: masked in previews and state, written 0600, never echoed.
                    ("identity-secret", "identity.secret", pulumi.Output.secret(identity.secret), "600"),
                ]
            for label, filename, content, mode in files:
                target = f"{home}/{filename}"
                self._command(
                    f"{prefix}-{label}",
                    create=_write_file_command(target, None, mode),
                    update=_write_file_command(target, container, mode),
                    delete=f'rm -f "{target}"\n',
                    stdin=content,
                )
