"""Every name the lab derives: on the routers, in ZeroTier, and for the Pulumi resources.

One home for each, so that a name changes in one place or not at all. Names of Pulumi resources are
part of their URNs: changing one replaces the resource on a running lab.
"""

from __future__ import annotations

import re

# The official image's zerotier-one home inside the container.
ZEROTIER_HOME = "/var/lib/zerotier-one"
# Where the lab keeps its state on a VyOS router: under /config, so it survives image upgrades.
VYOS_STATE_DIR = "/config/zt-ecmp"


def instance_name(project: str, stack: str, path_index: int) -> str:
    """Path i's network in ZeroTier, its instances' containers, and its firewall rules' description."""
    return f"{project}-{stack}-path{path_index}"


def instance_owner_labels(project: str, stack: str, path_index: int) -> dict[str, str]:
    """The Docker labels that say whose an instance's container is: this project's, this stack's, this
    path's. Only a container carrying all three is the lab's to remove (a leftover of a killed engine)."""
    return {"zt-ecmp.project": project, "zt-ecmp.stack": stack, "zt-ecmp.path": str(path_index)}


def member_name(stack: str, router: str, path_index: int) -> str:
    """A router instance's member on its path network, as Central lists it."""
    return f"{stack}-{router}-path{path_index}"


def bfd_profile_name(project: str, stack: str) -> str:
    """``<project>-<stack>``, with anything VyOS refuses in a profile name replaced by ``-`` and cut to 32 characters."""
    return re.sub(r"[^-_a-zA-Z0-9]", "-", f"{project}-{stack}")[:32]


# --- on a VyOS router ---------------------------------------------------------------------------


def vyos_container_home(stack: str, path_index: int) -> str:
    """The host directory holding one instance's zerotier-one home."""
    return f"{VYOS_STATE_DIR}/{stack}/path{path_index}"


def vyos_ledger_file(stack: str, router: str) -> str:
    """What the lab owns in the router's configuration (see render/vyos), in VYOS_STATE_DIR."""
    return f"{stack}-{router}.owned"


def vyos_saved_apply_file(stack: str, router: str) -> str:
    """The copy of its apply script the router keeps for the confirm step, in VYOS_STATE_DIR."""
    return f"{stack}-{router}.apply"


def vyos_ledger(stack: str, router: str) -> str:
    return f"{VYOS_STATE_DIR}/{vyos_ledger_file(stack, router)}"


# --- on a Linux router --------------------------------------------------------------------------


def linux_unit(stack: str) -> str:
    return f"zt-ecmp-{stack}.service"


def linux_sysctl_dropin(stack: str) -> str:
    return f"90-zt-ecmp-{stack}.conf"


def linux_underlay_sysctl_dropin(stack: str) -> str:
    return f"91-zt-ecmp-{stack}-underlay.conf"


def frr_path_host_filter(stack: str) -> tuple[str, str]:
    """The prefix-list and route-map that keep OSPF's host routes for path addresses out of zebra."""
    return f"zt-ecmp-{stack}-path-hosts", f"zt-ecmp-{stack}-ospf-routes"


def frr_block_markers(stack: str) -> tuple[str, str]:
    """The first and last line of the block the lab owns in ``frr.conf``."""
    return f"! zt-ecmp {stack} begin", f"! zt-ecmp {stack} end"


# --- Pulumi resources -----------------------------------------------------------------------------


# The provider types whose changes a preview and a rollout read, as the engine names them.
CONTAINER = "docker:index/container:Container"
COMMAND = "command:remote:Command"
MEMBER = "zerotier:index/member:Member"
NETWORK = "zerotier:index/network:Network"
REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage"

# The names below read back: what a preview's change names (``r1-path2``, ``path2-r1``, ``path2``).
INSTANCE_RESOURCE = re.compile(r"^(?P<router>.+)-path(?P<path>[0-9]+)$")
PATH_MEMBER_RESOURCE = re.compile(r"^path(?P<path>[0-9]+)-(?P<router>.+)$")
PATH_RESOURCE = re.compile(r"^path(?P<path>[0-9]+)$")


def path_resource(path_index: int) -> str:
    """The path's component, and its network."""
    return f"path{path_index}"


def path_member_resource(path_index: int, router: str) -> str:
    """A router instance's identity and member on a path."""
    return f"{path_resource(path_index)}-{router}"


def host_resource(router: str) -> str:
    """A router's Docker engine; its provider and image are ``<this>-docker`` and ``<this>-image``."""
    return f"{router}-zerotier"


def instance_resource(router: str, path_index: int) -> str:
    """A router instance's component and container."""
    return f"{router}-path{path_index}"


def path_restart_resource(path_index: int) -> str:
    """The component ordering a path's restarts: ``path<i>-restart``."""
    return f"{path_resource(path_index)}-restart"


def drain_resource(router: str, path_index: int) -> str:
    """The command taking a path out of a router's routes before its instances restart."""
    return f"{instance_resource(router, path_index)}-drain"


def gate_resource(router: str, path_index: int) -> str:
    """The command putting a path back into a router's routes once its instances have rejoined it."""
    return f"{instance_resource(router, path_index)}-gate"


def router_resource(router: str, flavor: str) -> str:
    """A router's component: ``r1-vyos``, ``r1-linux``."""
    return f"{router}-{flavor}"
