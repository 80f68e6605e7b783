"""What stands for ids that exist only once the lab is built, so that a plan can be shown before."""

from __future__ import annotations

from components.model.plan import LabPlan


def placeholder_network_ids(plan: LabPlan) -> dict[int, str]:
    """Network ids by path index: the real ones where known (your own networks), else a stand-in.
    ZeroTier Central creates the lab's networks only when the lab is built."""
    return {path.index: path.existing_network_id or f"path{path.index}-network-id" for path in plan.paths}


def placeholder_node_ids(plan: LabPlan, path_index: int, router: str) -> dict[str, str]:
    """Stand for the node ids of the other routers' instances on a path, before identities exist."""
    return {peer.router: f"<node id of {peer.router} path{path_index}>" for peer in plan.path(path_index).peers(router)}
