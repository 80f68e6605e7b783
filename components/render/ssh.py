"""Host-key pinning for every SSH connection the lab makes: no trust on first use."""

from __future__ import annotations

import shlex

from components.model.plan import SshTarget

# Where the Docker transport's multiplexing sockets live (%d: the home directory from passwd, not
# $HOME). A directory of the user's own home, because no other user can make one there first: ssh
# connects to an existing control socket before it checks anything (openssh-portable ssh.c, main():
# muxclient() runs before ssh_connect()), so a directory someone else made in /tmp could hold a
# listening socket of theirs and receive the Docker API calls, file uploads included.
CONTROL_DIRECTORY = "%d/.zt-ecmp"
# The socket: ssh's hash of the connection (%C, 40 hex digits). While binding, ssh adds a dot and 16
# random characters (mux.c, muxserver_listen), and a Unix socket path holds at most 103 bytes on
# macOS and the BSDs (104 with its terminating zero; 108 on Linux).
CONTROL_PATH = f"{CONTROL_DIRECTORY}/%C"
CONTROL_SOCKET_EXTRA_BYTES = len("/.zt-ecmp/") + 40 + len(".") + 16
SOCKET_PATH_MAX_BYTES = 103
# Run by ssh before it binds the control socket: OpenSSH runs KnownHostsCommand while it verifies
# the host key (sshconnect.c, check_host_key() -> load_hostkeys_command()), during ssh_login(), and
# binds the socket afterwards, in ssh_session2() (ssh.c -> muxserver_listen()). So the directory
# exists whenever a master needs it, even if it vanished since `pulumi up` (a destroy or refresh
# runs only the provider, with these options from state). It refuses a directory it cannot own
# alone: not a directory, a symbolic link, or someone else's. Quoting: ssh splits the command
# like a shell for single quotes (misc.c, argv_split) and then expands %d in each word.
_MAKE_CONTROL_DIRECTORY = (
    'umask 077; dir=$1; shift; mkdir -p "$dir" 2>/dev/null; '
    'if [ -d "$dir" ] && [ ! -L "$dir" ] && [ -O "$dir" ] && chmod 700 "$dir"; then echo "$@"; '
    'else echo "zt-ecmp: $dir must be a directory of this user (the SSH control sockets of the Docker transport); '
    'remove it and run again" >&2; exit 1; fi'
)


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


def docker_transport_options(ssh: SshTarget) -> tuple[str, ...]:
    """OpenSSH options of the Docker provider's ssh:// transport: the pinning above, with its
    KnownHostsCommand making the control directory first, and every call to one router multiplexed
    over one connection (sshd's MaxStartups drops some of the many Pulumi opens at once otherwise)."""
    pinning = openssh_pinning_options(ssh)
    command = f"/bin/sh -c {shlex.quote(_MAKE_CONTROL_DIRECTORY)} zt-ecmp-known-hosts {CONTROL_DIRECTORY} {known_hosts_line(ssh)}"
    known_hosts = f"KnownHostsCommand={command}"
    return (
        *pinning[:-1],
        known_hosts,
        *("-o", "ControlMaster=auto", "-o", f"ControlPath={CONTROL_PATH}", "-o", "ControlPersist=60"),
    )
