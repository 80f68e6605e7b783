"""Host-key pinning for every SSH connection the lab makes: no trust on first use."""

from __future__ import annotations

from components.model.plan import SshTarget


def known_hosts_line(ssh: SshTarget) -> str:
    """The router's pinned key as one known_hosts line (OpenSSH writes non-22 ports as [host]:port)."""
    host = ssh.host if ssh.port == 22 else f"[{ssh.host}]:{ssh.port}"
    return f"{host} {ssh.host_key}"


def openssh_pinning_options(ssh: SshTarget) -> tuple[str, ...]:
    """Options for OpenSSH clients (the Docker provider's ssh:// transport, the lab tools).

    The pinned key is handed to ssh by KnownHostsCommand instead of a file, so the options are the
    same on every machine (previews stay empty) and nothing is ever added to the operator's
    known_hosts. A key that does not match makes ssh refuse the connection before any command runs.
    """
    return (
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        f"KnownHostsCommand=/bin/echo {known_hosts_line(ssh)}",
    )
