"""How the program reaches a router over SSH, for every remote command it runs there."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_command import remote

from components.model.plan import SshTarget


@dataclass(frozen=True)
class RouterConnection:
    ssh: SshTarget
    # None: the operator's ssh-agent (SSH_AUTH_SOCK).
    private_key: pulumi.Output[str] | None

    @property
    def address(self) -> str:
        """``user@host:port``: where the commands run, in plain text."""
        return f"{self.ssh.user}@{self.ssh.host}:{self.ssh.port}"

    @property
    def triggers(self) -> list[pulumi.Input[str]]:
        """Every command on the router names where it runs, so that moving the router replaces it.

        pulumi-command updates a Command in place when only its connection changes (only `triggers` is
        replace-on-change, sdk/python/pulumi_command/remote/command.py): the new router would get the
        update and the old one would never see its undo. A replacement runs the old command's delete
        against the old connection (kept in state) first. The connection itself is secret as a whole
        once it carries a key, so this is also what shows a reviewer the move in a preview.
        """
        return [self.address]

    def connection_args(self) -> remote.ConnectionArgs:
        """The pinned host key is always checked; the key only ever travels as a secret."""
        return remote.ConnectionArgs(
            host=self.ssh.host,
            port=float(self.ssh.port),
            user=self.ssh.user,
            private_key=pulumi.Output.secret(self.private_key) if self.private_key is not None else None,
            host_key=self.ssh.host_key,
        )
