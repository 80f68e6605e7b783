"""VyosRouter: one VyOS router's lab configuration, applied over SSH as one transaction per update.

Every write to the router is a ``pulumi_command`` remote Command, chained so that no two run at
once (concurrent configuration sessions on one router fail or worse). The scripts are the
Commands' ``create``/``delete`` text, so a preview shows exactly which VyOS lines change; an update
runs ``create`` again (pulumi-command's Update falls back to ``create`` when ``update`` is unset),
which the scripts are written for, so the text is never shown twice.

The component only wires rendered text into Commands; ``vyos_router_args`` renders it from the plan
and the ZeroTier resources the router's instances need.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_command import remote

from components.infra.command_chain import CommandChain, RouterTransaction, TransactionNames
from components.infra.connection import RouterConnection
from components.infra.zerotier_path import InstanceIdentity
from components.model.flavors import runtime
from components.model.plan import LabPlan, RouterPlan
from components.render.command_notes import instances_line
from components.render.vyos.configuration import (
    PINNED_START,
    container_home,
    render_pinned_start,
    vyos_container_name,
)
from components.render.vyos.homes import render_make_home, render_remove_file, render_remove_home, render_write_file
from components.render.vyos.scripts import ledger_path, remote_command, render_delete_script, render_transaction
from components.render.zerotier import render_devicemap, render_local_conf


@dataclass(frozen=True)
class HomeFile:
    """One file of an instance's home directory: written from stdin, owner-only."""

    label: str
    name: str
    content: pulumi.Input[str]
    mode: str = "600"


@dataclass(frozen=True)
class InstanceHome:
    """The host directory a VyOS container mounts as zerotier-one's home, and the files put there."""

    path_index: int
    directory: str
    # Restarted when one of its files changes: zerotier-one reads its home at start.
    container: str
    files: Sequence[HomeFile]


@dataclass(frozen=True)
class VyosRouterArgs:
    connection: RouterConnection
    apply: pulumi.Input[str]
    confirm: pulumi.Input[str]
    delete: str
    # The set lines the router should hold, one per line, kept in the component's outputs (state) as
    # one text: the SDK serializes a list item by item, about 95 ms of a 16-site plan for 565 lines a
    # router (`zt-ecmp bench-plan`).
    configuration: pulumi.Input[str]
    ledger: str
    # Runtime vyos: every instance's home, written before the commit that starts the containers.
    homes: Sequence[InstanceHome] = ()
    # What must exist before anything runs on the router: the members its instances join as, and
    # (runtime docker) the containers behind the path interfaces.
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


class VyosRouter(pulumi.ComponentResource):
    """Floating /32, ECMP routes and layer-4 hashing (and, on runtime vyos, the ZeroTier containers) on one VyOS router."""

    apply: remote.Command
    confirm: remote.Command | None

    def __init__(self, name: str, args: VyosRouterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:VyosRouter", name, None, opts)
        self._chain = CommandChain(self, args.connection, args.depends_on)
        for home in args.homes:
            self._home(f"{name}-path{home.path_index}", home)
        # The confirm step is a fresh SSH session, after apply: it can only confirm while the router still
        # answers. Its text names the apply script's digest, so it runs (as an update) whenever the apply
        # script changes.
        self.apply, self.confirm = self._chain.transaction(
            TransactionNames(apply=f"{name}-apply", confirm=f"{name}-confirm"),
            RouterTransaction(apply=args.apply, confirm=args.confirm, undo=args.delete),
        )
        self.register_outputs({"configuration": args.configuration, "ledger": args.ledger})

    def _home(self, prefix: str, home: InstanceHome) -> None:
        """An instance's home directory with its files, which must exist before its container is committed."""
        self._chain.step(f"{prefix}-home", create=render_make_home(home.directory), delete=render_remove_home(home.directory))
        for file in home.files:
            target = f"{home.directory}/{file.name}"
            self._chain.step(
                f"{prefix}-{file.label}",
                create=render_write_file(target, None, file.mode),
                update=render_write_file(target, home.container, file.mode),
                delete=render_remove_file(target),
                stdin=file.content,
            )


# --- rendering the router's share of the plan ---------------------------------------------------


def _ids_by_path(ids: Mapping[int, pulumi.Input[str]]) -> pulumi.Output[list[tuple[int, str]]]:
    """(path index, id) pairs once every id is known (Pulumi resolves dicts only with string keys)."""
    indices = sorted(ids)
    return pulumi.Output.all(*(pulumi.Output.from_input(ids[index]) for index in indices)).apply(
        lambda values: [(index, str(value)) for index, value in zip(indices, values, strict=True)]
    )


def instance_homes(
    plan: LabPlan,
    router: RouterPlan,
    network_ids: Mapping[int, pulumi.Input[str]],
    identities: Mapping[int, InstanceIdentity],
    peer_node_ids: Mapping[int, pulumi.Output[dict[str, str]]],
) -> list[InstanceHome]:
    """Each instance's home on a runtime-vyos router: local.conf, devicemap, its start script when pinned,
    and the identity the lab made for it (none: it makes its own at first start)."""
    homes = []
    for path in plan.paths:
        interface = path.end(router.name).interface
        devicemap = pulumi.Output.from_input(network_ids[path.index]).apply(functools.partial(render_devicemap, interface=interface))
        peers = peer_node_ids.get(path.index)
        local_conf: pulumi.Input[str] = (
            render_local_conf(plan, router.name, path.index)
            if peers is None
            else peers.apply(functools.partial(render_local_conf, plan, router.name, path.index))
        )
        files = [HomeFile("local-conf", "local.conf", local_conf), HomeFile("devicemap", "devicemap", devicemap)]
        if (start := render_pinned_start(plan, router.name, path.index)) is not None:
            files.append(HomeFile("start", PINNED_START, start, "700"))
        if (identity := identities.get(path.index)) is not None:
            files += [
                HomeFile("identity-public", "identity.public", identity.public),
                # Secret stdin: masked in previews and state, written 0600, never echoed.
                HomeFile("identity-secret", "identity.secret", pulumi.Output.secret(identity.secret)),
            ]
        homes.append(
            InstanceHome(
                path_index=path.index,
                directory=container_home(plan, path.index),
                container=vyos_container_name(plan, path.index),
                files=files,
            )
        )
    return homes


def vyos_router_args(
    plan: LabPlan,
    router: RouterPlan,
    connection: RouterConnection,
    *,
    network_ids: Mapping[int, pulumi.Input[str]] | None = None,
    instance_ids: Mapping[int, pulumi.Input[str]] | None = None,
    homes: Sequence[InstanceHome] = (),
    depends_on: Sequence[pulumi.Resource] = (),
) -> VyosRouterArgs:
    """The router's scripts rendered from the plan. ``network_ids`` (runtime vyos: the containers join
    by id, known once the networks exist; placeholders without them); ``instance_ids`` (runtime
    docker: the containers behind the path interfaces, named at the top of the apply text so that a
    replaced one runs it again)."""
    # Runtime vyos: the containers are the router's own set lines, which name the networks they join.
    on_vyos = not runtime(router.runtime).runs_own_instances
    ids = _ids_by_path(network_ids) if on_vyos and network_ids is not None else pulumi.Output.from_input([])
    containers = _ids_by_path(instance_ids or {})

    def texts(known_ids: list[tuple[int, str]], known_containers: list[tuple[int, str]]) -> tuple[str, str, str]:
        known = dict(known_ids) if on_vyos else None
        after = instances_line(dict(known_containers)) if known_containers else ""
        transaction = render_transaction(plan, router.name, known)
        return (
            after + remote_command(transaction.apply),
            remote_command(transaction.confirm),
            "\n".join(transaction.set_lines),
        )

    rendered = pulumi.Output.all(ids, containers).apply(lambda both: texts(both[0], both[1]))
    return VyosRouterArgs(
        connection=connection,
        apply=rendered.apply(lambda text: text[0]),
        confirm=rendered.apply(lambda text: text[1]),
        delete=remote_command(render_delete_script(plan, router.name)),
        configuration=rendered.apply(lambda text: text[2]),
        ledger=ledger_path(plan, router.name),
        homes=homes,
        depends_on=list(depends_on),
    )
