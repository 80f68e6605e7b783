"""The path networks' layer 2 between three or more namespace routers: the switch namespace, its
bridges and ports, the routers' MACs, and which bridge ports are isolated (hub and spoke, cuts).
"""

from __future__ import annotations

from collections.abc import Iterable

from components.model.plan import LabPlan

# The namespace holding the path bridges of a lab of three or more routers: ``<prefix>-switch``.
SWITCH = "switch"


def switch_port(path_index: int, site_number: int) -> str:
    """The bridge's end of site ``site_number``'s veth on path ``path_index``: ``p2r3`` (at most 15 characters)."""
    return f"p{path_index}r{site_number}"


def path_bridge(path_index: int) -> str:
    return f"path{path_index}"


def path_mac(path_index: int, site_number: int) -> str:
    """The MAC address of site ``site_number``'s interface on a path: the same whenever the interface is
    made again, as a restarted ZeroTier instance keeps the MAC its node address and network give it,
    so the other routers' ARP entries stay right. Locally administered (02:...)."""
    return f"02:7a:00:{path_index:02x}:00:{site_number:02x}"


def isolated_routers(plan: LabPlan, path_index: int, cuts: Iterable[tuple[int, str, str]] = (), *, segmented: bool = True) -> set[str]:
    """The routers whose bridge port on the path is isolated: the ends of every pair the plan separates
    (spoke and spoke; unless not ``segmented``) and of every cut (path index, two routers) on it.

    Isolated ports exchange no frame with each other, only with the others, so the pairs among them
    must be exactly the pairs wanted apart; ValueError where isolating their ends would part more.
    """
    wanted = {tuple(sorted(pair)) for pair in plan.separated_pairs()} if segmented else set()
    wanted |= {tuple(sorted((first, second))) for index, first, second in cuts if index == path_index}
    isolated = {name for pair in wanted for name in pair}
    among = {tuple(sorted((first, second))) for first in isolated for second in isolated if first != second}
    if among != wanted:
        extra = ", ".join(f"{first}-{second}" for first, second in sorted(among - wanted))
        raise ValueError(f"path {path_index}: isolating the bridge ports of {', '.join(sorted(isolated))} would also part {extra}")
    return isolated
