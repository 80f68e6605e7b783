"""What stands for ids that exist only once the lab is built, so that a plan can be shown before."""

from __future__ import annotations

from components.model.plan import LabPlan
from components.render.restarts import instance_key
from components.render.zerotier import introduced_routers, render_local_conf


def placeholder_network_ids(plan: LabPlan) -> dict[int, str]:
    """Network ids by path index: the real ones where known (your own networks), else a stand-in.
    ZeroTier Central creates the lab's networks only when the lab is built."""
    return {path.index: path.existing_network_id or f"path{path.index}-network-id" for path in plan.paths}


def placeholder_node_ids(plan: LabPlan, path_index: int, router: str) -> dict[str, str]:
    """Stand for the node ids of the other routers' instances on a path, before identities exist."""
    return {peer.router: f"<node id of {peer.router} path{path_index}>" for peer in plan.path(path_index).peers(router)}


def placeholder_instance_keys(plan: LabPlan, path_index: int) -> dict[str, str]:
    """The restart keys of a path's instances on Docker engines, by router, with stand-in ids."""
    network_id = placeholder_network_ids(plan)[path_index]
    keys = {}
    for router in plan.routers:
        if router.runtime != "docker":
            continue
        introduced = {peer.name for peer in introduced_routers(plan, router.name)}
        own_ids = not plan.zerotier.bring_your_own_networks
        peers = {name: node for name, node in placeholder_node_ids(plan, path_index, router.name).items() if name in introduced}
        keys[router.name] = instance_key(
            image=plan.zerotier.image,
            network_id=network_id,
            interface=plan.path(path_index).end(router.name).interface,
            local_conf=render_local_conf(plan, router.name, path_index, peers if own_ids else None),
            node_id=f"<node id of {router.name} path{path_index}>" if own_ids else None,
            host=router.docker_host,
        )
    return keys
