"""Getters for what a Linux kernel and its tools hold: links, routes, the hash policy, pings, BFD (FRR), the underlay NIC.

Every command runs as the router's SSH user in a non-interactive session, whose PATH on VyOS is
OpenSSH's compiled-in default (/usr/local/bin:/usr/bin:/bin:/usr/games; vyos-1x's sshd_config sets
none): nothing here names a tool that lives only in /sbin without its full path.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from components.model.kernel import HASH_POLICY_SYSCTL
from components.ops.facts.getter import Getter, Target, failed, int_or_none, json_list, text_or_none, unparsed
from components.ops.facts.model import (
    Absent,
    Addresses,
    BfdPeer,
    BfdPeers,
    Ethtool,
    HashPolicy,
    InterfaceAddress,
    Link,
    Links,
    Ping,
    Route,
    RouteNextHop,
    Routes,
    Underlay,
    Unread,
)
from components.ops.facts.needs import (
    AddressesNeed,
    BfdPeersNeed,
    CommitStateNeed,
    HashPolicyNeed,
    LinksNeed,
    PingNeed,
    RoutesNeed,
    UnderlayNeed,
)
from components.ops.shell import CommandOutput

# -- links ---------------------------------------------------------------------------------------

LINKS_COMMAND = "ip -j link show"


def link_of(entry: dict[str, Any]) -> Link:
    """One interface of ``ip -j link``."""
    flags = entry.get("flags") or []
    return Link(
        name=str(entry.get("ifname")),
        up="UP" in flags,
        carrier="LOWER_UP" in flags,
        state=str(entry.get("operstate", "?")),
        mtu=int_or_none(entry.get("mtu")),
    )


def _read_links(target: Target, need: LinksNeed, outputs: tuple[CommandOutput, ...]) -> Links | Unread:
    [output] = outputs
    listed = json_list(output, "ip link")
    if isinstance(listed, Unread):
        return listed
    return Links(tuple(link_of(entry) for entry in listed if isinstance(entry, dict)))


LINKS = Getter(lambda target, need: (LINKS_COMMAND,), _read_links)

# -- addresses -------------------------------------------------------------------------------------

# -4: only IPv4 addresses, and only the interfaces that hold one (iproute2 6.1 leaves the others out).
ADDRESSES_COMMAND = "ip -j -4 address show"


def _read_addresses(target: Target, need: AddressesNeed, outputs: tuple[CommandOutput, ...]) -> Addresses | Unread:
    [output] = outputs
    listed = json_list(output, "ip address")
    if isinstance(listed, Unread):
        return listed
    return Addresses(
        tuple(
            InterfaceAddress(str(entry.get("ifname")), f"{info.get('local')}/{info.get('prefixlen')}")
            for entry in listed
            if isinstance(entry, dict)
            for info in entry.get("addr_info") or []
            if isinstance(info, dict) and info.get("family") == "inet"
        )
    )


ADDRESSES = Getter(lambda target, need: (ADDRESSES_COMMAND,), _read_addresses)

# -- routes --------------------------------------------------------------------------------------


def _routes_command(target: Target, need: RoutesNeed) -> tuple[str, ...]:
    # -d: without it, iproute2 (6.1) leaves a next hop's "linkdown" flag out of its JSON.
    return (shlex.join(["ip", "-d", "-j", "route", "show", str(need.destination)]),)


def _next_hop(entry: dict[str, Any]) -> RouteNextHop:
    return RouteNextHop(
        text_or_none(entry.get("gateway")), text_or_none(entry.get("dev")), tuple(str(flag) for flag in entry.get("flags") or [])
    )


def _route(entry: dict[str, Any]) -> Route:
    # A route with one next hop carries it at the top level, without a "nexthops" list.
    hops = entry.get("nexthops") or ([entry] if "gateway" in entry else [])
    return Route(tuple(_next_hop(hop) for hop in hops if isinstance(hop, dict)))


def _read_routes(target: Target, need: RoutesNeed, outputs: tuple[CommandOutput, ...]) -> Routes | Unread:
    [output] = outputs
    listed = json_list(output, "ip route")
    if isinstance(listed, Unread):
        return listed
    return Routes(str(need.destination), tuple(_route(entry) for entry in listed if isinstance(entry, dict)))


ROUTES = Getter(_routes_command, _read_routes)

# -- the hash policy -------------------------------------------------------------------------------

# Read from /proc/sys, not with `sysctl`: on VyOS the SSH user's non-interactive PATH has no /sbin,
# where vbash answers `Invalid command: [sysctl]`.
HASH_POLICY_COMMAND = f"cat /proc/sys/{HASH_POLICY_SYSCTL.replace('.', '/')}"


def _read_hash_policy(target: Target, need: HashPolicyNeed, outputs: tuple[CommandOutput, ...]) -> HashPolicy | Unread:
    [output] = outputs
    if not output.ok:
        return failed(output, HASH_POLICY_COMMAND)
    value = output.stdout.strip()
    if not re.fullmatch(r"-?\d+", value):
        return unparsed(output, HASH_POLICY_COMMAND, "not a number")
    return HashPolicy(int(value))


HASH_POLICY = Getter(lambda target, need: (HASH_POLICY_COMMAND,), _read_hash_policy)

# -- pings -----------------------------------------------------------------------------------------


def ping_command(need: PingNeed) -> str:
    # Two quick probes with a one-second wait: enough to tell a silent peer from a slow one, and a
    # dead lab fails in seconds rather than minutes.
    source = ["-I", str(need.source)] if need.source else []
    return shlex.join(["ping", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", *source, str(need.target)])


def _read_ping(target: Target, need: PingNeed, outputs: tuple[CommandOutput, ...]) -> Ping | Unread:
    """iputils ping's statistics line, whatever its exit status: it says how many replies came back."""
    [output] = outputs
    for line in output.stdout.splitlines():
        counted = re.search(r"(\d+) packets transmitted, (\d+) received", line)
        if counted:
            transmitted, received = (int(number) for number in counted.groups())
            return Ping(str(need.target), text_or_none(need.source), transmitted, received, line.strip())
    return failed(output, "ping") if not output.ok else unparsed(output, "ping", "no statistics line")


PING = Getter(lambda target, need: (ping_command(need),), _read_ping)

# -- BFD (FRR) -------------------------------------------------------------------------------------

# Needs an SSH user allowed to run vtysh: a member of FRR's frrvty group.
BFD_PEERS_COMMAND = "vtysh -c 'show bfd peers json'"


def _read_bfd_peers(target: Target, need: BfdPeersNeed, outputs: tuple[CommandOutput, ...]) -> BfdPeers | Unread:
    [output] = outputs
    listed = json_list(output, "show bfd peers")
    if isinstance(listed, Unread):
        return listed
    return BfdPeers(
        tuple(
            BfdPeer(
                peer=str(entry.get("peer")),
                local=text_or_none(entry.get("local")),
                interface=text_or_none(entry.get("interface")),
                status=str(entry.get("status", "unknown")),
                diagnostic=text_or_none(entry.get("diagnostic")),
            )
            for entry in listed
            if isinstance(entry, dict)
        )
    )


BFD_PEERS = Getter(lambda target, need: (BFD_PEERS_COMMAND,), _read_bfd_peers)

# -- the underlay NIC ------------------------------------------------------------------------------

# By its full path: ethtool is in /sbin, not on the SSH user's PATH on VyOS. Debian's ethtool
# package installs /sbin/ethtool, which merged-/usr systems reach as well.
ETHTOOL = "/sbin/ethtool"


def _underlay_commands(target: Target, need: UnderlayNeed) -> tuple[str, ...]:
    interface = target.router.underlay_interface
    return shlex.join([ETHTOOL, interface]), shlex.join(["ip", "-j", "link", "show", "dev", interface])


def ethtool_fields(text: str) -> dict[str, str]:
    """``ethtool <if>`` as {"Speed": "2500Mb/s", "Duplex": "Full", "Auto-negotiation": "on", ...}."""
    fields = {}
    for line in text.splitlines():
        match = re.match(r"^\s+([A-Za-z][A-Za-z -]*):\s*(.*?)\s*$", line)
        if match:
            fields[match.group(1)] = match.group(2)
    return fields


def _yes_on(value: str | None, yes: str, no: str) -> bool | None:
    return True if value == yes else False if value == no else None


def _ethtool(output: CommandOutput) -> Ethtool | Unread:
    if not output.ok:
        return failed(output, "ethtool")
    fields = ethtool_fields(output.stdout)
    duplex = fields.get("Duplex")
    return Ethtool(
        link_detected=_yes_on(fields.get("Link detected"), "yes", "no"),
        speed=fields.get("Speed") or None,
        duplex=duplex.lower() if duplex else None,
        autonegotiation=_yes_on(fields.get("Auto-negotiation"), "on", "off"),
    )


def _underlay_link(output: CommandOutput, interface: str) -> Link | Unread | None:
    # iproute2 says `Device "eth4" does not exist.` (exit 1) for an interface the router lacks.
    if not output.ok and "does not exist" in output.stderr:
        return None
    listed = json_list(output, "ip link")
    if isinstance(listed, Unread):
        return listed
    return next((link_of(entry) for entry in listed if isinstance(entry, dict) and entry.get("ifname") == interface), None)


def _read_underlay(target: Target, need: UnderlayNeed, outputs: tuple[CommandOutput, ...]) -> Underlay | Absent:
    ethtool, link = outputs
    interface = target.router.underlay_interface
    return Underlay(interface, _ethtool(ethtool), _underlay_link(link, interface))


UNDERLAY = Getter(_underlay_commands, _read_underlay)

# -- no commit-confirm -----------------------------------------------------------------------------

NO_COMMIT_CONFIRM: Getter[CommitStateNeed, Absent] = Getter(
    lambda target, need: (),
    lambda target, need, outputs: Absent(f"{target.router.flavor} routers apply every change at once: there is no commit-confirm"),
)
