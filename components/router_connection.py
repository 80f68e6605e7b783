"""How the program reaches a router over SSH, for every remote command it runs there."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_command import remote

from components.plan import LabPlan, SshTarget


@dataclass(frozen=True)
class RouterConnection:
    ssh: SshTarget
    # None: the operator's ssh-agent (SSH_AUTH_SOCK).
    private_key: pulumi.Output[str] | None

    @classmethod
    def from_plan(cls, plan: LabPlan, router: str, private_key: pulumi.Output[str] | None) -> RouterConnection:
        return cls(plan.router(router).ssh, private_key)

    def connection_args(self) -> remote.ConnectionArgs:
        """The pinned host key is always checked; the key only ever travels as a secret."""
        return remote.ConnectionArgs(
            host=self.ssh.host,
            port=float(self.ssh.port),
            user=self.ssh.user,
            private_key=pulumi.Output.secret(self.private_key) if self.private_key is not None else None,
            host_key=self.ssh.host_key,
        )
