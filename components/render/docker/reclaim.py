"""Reclaiming the container a killed engine left behind: the command run before each instance's create.

Killed while it creates an instance (SIGKILL, an out-of-memory kill, a lost CI runner), the engine
can leave a container that Docker finished creating after it died: the lab's name and labels, in no
state. Every later create of that name fails (``Conflict. The container name "/..." is already in
use``). So before each create, reclaim-container.sh looks on the router's Docker engine for a container
of that name, removes it if its labels say it is this project's, stack's and path's, and refuses any
other, naming it.

It reaches the engine the way the Docker provider does:

- ``ssh://`` hosts: the provider runs ``ssh <sshOpts> -o ConnectTimeout=30 -T [-l user] [-p port] --
  host docker system dial-stdio`` (docker/cli cli/connhelper/connhelper.go and ssh/ssh.go, as
  kreuzwerker/terraform-provider-docker calls ``GetConnectionHelperWithSSHOpts`` with the provider's
  ``ssh_opts``). The script runs through the same command with ``sh -s`` in place of dial-stdio, so
  with the same options (``docker_transport_options``): the pinned host key, and the same control
  socket, ``%C`` being a hash of the same user, host and port. (Newer docker/cli releases append a
  ControlPath of their own, addMultiplexingArgs; ssh keeps the first value given for an option, so
  the transport's stands.) It then runs the router's docker CLI,
  which dial-stdio needs there anyway. A URL path names the engine's socket on the router, as
  ``docker --host=unix://<path>`` does for dial-stdio.
- ``tcp://`` and ``unix://`` hosts: the script runs on the machine running Pulumi, with DOCKER_HOST
  set to the endpoint. That needs Docker's CLI there (``docker_cli_needed``); the provider talks to
  such an engine by itself.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from components.model.naming import instance_name, instance_owner_labels
from components.model.plan import LabPlan
from components.render.docker import PROGRAMS
from components.render.ssh import docker_transport_options

# The exit status of the script when the name is taken by a container that is not the lab's.
REFUSED_EXIT = 3
# What the Docker provider adds to its ssh_opts (docker/cli connhelper.go: addSSHTimeout and
# disablePseudoTerminalAllocation).
_CONNHELPER_OPTIONS = ("-o", "ConnectTimeout=30", "-T")
# Names Go's %q prints as they are, between double quotes: project and stack names are of these.
_PLAIN = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class ReclaimCommand:
    """reclaim-container.sh as one command run on the machine running Pulumi: ``argv`` with
    ``environment`` added to its own, the script on its standard input. ``subject``: the container and
    the engine, for messages."""

    argv: tuple[str, ...]
    script: str
    subject: str
    environment: Mapping[str, str] = field(default_factory=dict)


def _go_quoted(value: str) -> str:
    if not _PLAIN.match(value):
        raise ValueError(f"{value!r}: a container label the reclaim check compares must be of A-Z a-z 0-9 . _ -")
    return f'"{value}"'


def render_reclaim_script(plan: LabPlan, router: str, path_index: int, socket: str | None = None) -> str:
    """The script that clears the way for the container of ``router``'s instance on path ``path_index``;
    ``socket``: the engine's socket on the router, where the ssh:// URL names one."""
    owner = instance_owner_labels(plan.project, plan.stack, path_index)
    labels = " ".join(f'(index .Config.Labels "{key}")' for key in owner)
    return PROGRAMS.text(
        "reclaim-container.sh",
        NAME_WORD=shlex.quote(instance_name(plan.project, plan.stack, path_index)),
        OWNER_WORD=shlex.quote(" ".join(_go_quoted(value) for value in owner.values())),
        FORMAT_WORD=shlex.quote(f'{{{{printf "{" ".join(["%q"] * len(owner))}" {labels}}}}}'),
        LABELS=", ".join(owner),
        SOCKET=[] if socket is None else PROGRAMS.lines("docker-host.sh", HOST_WORD=shlex.quote(f"unix://{socket}")),
        REFUSED=str(REFUSED_EXIT),
        ROUTER=router,
        PATH_INDEX=str(path_index),
        STACK=plan.stack,
    )


def _host_and_port(netloc: str) -> tuple[str, str]:
    """The host and port of a URL's network location as Go's ``url.Hostname`` and ``url.Port`` give
    them: no user, no brackets, and the port as written ("" when none)."""
    address = netloc.rpartition("@")[2]
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        return host, rest.removeprefix(":")
    host, _, port = address.partition(":")
    return host, port


def reclaim_command(plan: LabPlan, router: str, path_index: int) -> ReclaimCommand:
    """How the machine running Pulumi runs the reclaim script against ``router``'s Docker engine."""
    own = plan.router(router)
    subject = f"container {instance_name(plan.project, plan.stack, path_index)} on {router}'s Docker engine ({own.docker_host})"
    endpoint = urlsplit(own.docker_host)
    if endpoint.scheme != "ssh":
        return ReclaimCommand(
            argv=("sh", "-s"),
            script=render_reclaim_script(plan, router, path_index),
            subject=subject,
            environment={"DOCKER_HOST": own.docker_host},
        )
    socket = endpoint.path if endpoint.path.strip("/") else None
    user = endpoint.netloc.rpartition("@")[0].partition(":")[0]
    host, port = _host_and_port(endpoint.netloc)
    login = ("-l", user) if user else ()
    port_option = ("-p", port) if port else ()
    return ReclaimCommand(
        argv=("ssh", *docker_transport_options(own.ssh), *_CONNHELPER_OPTIONS, *login, *port_option, "--", host, "sh -s"),
        script=render_reclaim_script(plan, router, path_index, socket),
        subject=subject,
    )


def docker_cli_needed(plan: LabPlan) -> list[str]:
    """The routers whose Docker engine the reclaim script reaches from the machine running Pulumi
    (``tcp://`` and ``unix://`` hosts), where it needs Docker's CLI."""
    return [router.name for router in plan.routers if router.runtime == "docker" and urlsplit(router.docker_host).scheme != "ssh"]
