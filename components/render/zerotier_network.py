"""What a path's ZeroTier network allows: its rule set, in ZeroTier's rules language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def render_flow_rules(members: Mapping[str, str] | None = None, separated: Sequence[tuple[str, str]] = ()) -> str:
    """IPv4 and ARP only; with the members' node ids (by router), only frames sent by those members,
    and none from one router to another where the pair is ``separated`` (spoke to spoke).

    A path network joins exactly the lab's instances, one per router, so anything else on it is a
    mistake or an intruder.
    """
    lines = [
        "# zt-ecmp path network: IPv4 and ARP only.",
        "drop not ethertype ipv4 and not ethertype arp;",
    ]
    if members:
        senders = " and ".join(f"not ztsrc {member}" for member in members.values())
        count = "two" if len(members) == 2 else str(len(members))
        lines += [f"# Only this path's {count} members may send.", f"drop {senders};"]
    if members and separated:
        # Each rule holds on both sides: the sender filters a unicast frame with the receiver as
        # ztdest, and every receiver filters incoming frames, broadcasts (ARP) included, with itself
        # as ztdest (zerotier/ZeroTierOne node/IncomingPacket.cpp, _doEXT_FRAME and _doMULTICAST_FRAME
        # call filterIncomingPacket with RR->identity.address(); node/Switch.cpp filters an outgoing
        # multicast with no ZeroTier destination). So a spoke neither reaches nor hears another spoke.
        lines.append("# Spokes reach each other only through the hub.")
        lines += [f"drop ztsrc {members[sender]} and ztdest {members[receiver]};" for sender, receiver in separated]
    lines.append("accept;")
    return "\n".join(lines) + "\n"
