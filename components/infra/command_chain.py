"""The Commands a router component runs on its router, one after another, for every flavor.

A router's lab configuration is one transaction per update, in NAPALM's vocabulary
(napalm/base/base.py ``NetworkDriver``: load and commit, ``confirm_commit``, ``rollback``):

- ``apply``: the Command's ``create``, which an update runs again (pulumi-command's Update falls
  back to ``create`` when ``update`` is unset, provider/pkg/provider/remote/commandController.go),
  so every apply script converges from whatever the router holds;
- ``confirm`` (or none): a second Command in a fresh SSH session, after apply;
- ``undo``: the apply Command's ``delete``, run on destroy and before a replacement.

Every Command of a chain shares what makes the chain safe, written once here:
- it runs only after the previous one (the first after ``after``): concurrent configuration
  sessions on one router fail or worse;
- its ``triggers`` name the router's address, so that moving the router replaces it (only
  ``triggers`` is replace-on-change: sdk/python/pulumi_command/remote/command.py), and
  ``delete_before_replace`` undoes on the old router before anything runs on the new one, and never
  lets an old delete undo a new create on the same host;
- no ``PULUMI_COMMAND_*`` variables: sshd would refuse them with a warning per run (AcceptEnv).

The chain is not a resource of its own: its Commands are children of the router's component, so their
names and parents are those the router components always gave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_command import remote

from components.infra.connection import RouterConnection


@dataclass(frozen=True)
class RouterTransaction:
    """What a router runs to reach its desired state, to confirm it, and to undo it."""

    apply: pulumi.Input[str]
    undo: pulumi.Input[str]
    # None: the flavor's apply stands once it has run (nothing to confirm).
    confirm: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class TransactionNames:
    """The names of a transaction's Commands (a flavor's own, kept as its routers' stacks hold them)."""

    apply: str
    confirm: str | None = None


class CommandChain:
    """The Commands on one router, each run after the previous one, all children of ``parent``."""

    def __init__(self, parent: pulumi.Resource, connection: RouterConnection, after: Sequence[pulumi.Resource]) -> None:
        self._parent = parent
        self._connection = connection.connection_args()
        self._triggers = connection.triggers
        self._after = list(after)
        self._last: pulumi.Resource | None = None

    def step(
        self,
        name: str,
        *,
        create: pulumi.Input[str],
        update: pulumi.Input[str] | None = None,
        delete: pulumi.Input[str] | None = None,
        stdin: pulumi.Input[str] | None = None,
    ) -> remote.Command:
        """A Command on the router, run only after the previous one: writes to one router never overlap."""
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
                parent=self._parent,
                depends_on=[self._last] if self._last is not None else self._after,
                delete_before_replace=True,
            ),
        )
        self._last = command
        return command

    def transaction(self, names: TransactionNames, transaction: RouterTransaction) -> tuple[remote.Command, remote.Command | None]:
        """The apply Command (its undo as its delete), then the confirm Command if the transaction has one."""
        if (transaction.confirm is None) != (names.confirm is None):
            raise ValueError(f"{names.apply}: a confirm step needs both a script and a name")
        apply = self.step(names.apply, create=transaction.apply, delete=transaction.undo)
        confirm = None
        if transaction.confirm is not None and names.confirm is not None:
            confirm = self.step(names.confirm, create=transaction.confirm)
        return apply, confirm
