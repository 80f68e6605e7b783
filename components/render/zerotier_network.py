"""What a path's ZeroTier network allows: its rule set, in ZeroTier's rules language."""

from __future__ import annotations

from collections.abc import Sequence


def render_flow_rules(member_ids: Sequence[str] = ()) -> str:
    """IPv4 and ARP only; with member ids, only frames sent by those members.

    A path network joins exactly two instances, so anything else on it is a mistake or an intruder.
    """
    lines = [
        "# zt-ecmp path network: IPv4 and ARP only.",
        "drop not ethertype ipv4 and not ethertype arp;",
    ]
    if member_ids:
        senders = " and ".join(f"not ztsrc {member}" for member in member_ids)
        lines += ["# Only this path's two members may send.", f"drop {senders};"]
    lines.append("accept;")
    return "\n".join(lines) + "\n"
