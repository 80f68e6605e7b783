"""Bad stack settings: every one is refused before anything is built, naming the setting."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from components.model.plan import build_plan
from components.model.settings import DEFAULT_PRIVATE_KEY_SETTING, NAMESPACE, ConfigError, parse_lab_config
from components.model.settings.conflicts import RESERVED_PORTS
from components.ops.iperf import IPERF_PORT
from components.preview.offline import run_offline
from components.stack.files import PROJECT_DIR, load_stack_file, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings, parse_stack_settings
from tests.support.stacks import docker_routers, lab_config, stack_settings

Settings = dict[str, Any]


def _paths(count: int, active: int | None = None) -> Callable[[Settings], None]:
    return lambda s: s.update(paths={"count": count} if active is None else {"count": count, "active": active})


def _zerotier(**values: Any) -> Callable[[Settings], None]:
    return lambda s: s.update(zerotier=values)


def _router(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position].update(values)


def _ssh(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position]["ssh"].update(values)


def _underlay(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position]["underlay"].update(values)


def _supernet(network: str) -> Callable[[Settings], None]:
    return lambda s: s.update(addressing={"transitSupernet": network})


def _both(*changes: Callable[[Settings], None]) -> Callable[[Settings], None]:
    def change(settings: Settings) -> None:
        for each in changes:
            each(settings)

    return change


def _remove(position: int, *keys: str) -> Callable[[Settings], None]:
    """Drop one setting of a router, e.g. ``_remove(0, "underlay", "address")``."""

    def change(settings: Settings) -> None:
        holder = settings["routers"][position]
        for key in keys[:-1]:
            holder = holder[key]
        holder.pop(keys[-1])

    return change


def _sites(count: int) -> Callable[[Settings], None]:
    """Grow the lab to ``count`` routers, each new one like routers[1] with its own name, host and underlay address."""

    def change(settings: Settings) -> None:
        routers = settings["routers"]
        for number in range(len(routers) + 1, count + 1):
            router = copy.deepcopy(routers[1])
            router["name"] = f"r{number}"
            router["ssh"]["host"] = f"192.0.2.{40 + number}"
            router["underlay"]["address"] = f"198.51.100.{number}/24"
            routers.append(router)

    return change


def _planned(sites: int) -> Callable[[Settings], None]:
    return lambda s: s.update(addressing={"plannedSites": sites})


def _routing(**values: Any) -> Callable[[Settings], None]:
    return lambda s: s.update(routing=values)


def _unpinned(settings: Settings) -> None:
    for router in settings["routers"]:
        router["cpus"] = []


# (what is wrong, change to the gk41 stack, the setting the message must name, words it must contain)
BAD_SETTINGS: list[tuple[str, Callable[[Settings], None], str, str]] = [
    ("no paths", _paths(0), "paths.count", "greater than or equal to 1"),
    ("more than 64 paths", _paths(65), "paths.count", "less than or equal to 64"),
    ("K above N", _paths(4, 5), "paths.active", "choose 1..4"),
    ("K of zero", _paths(4, 0), "paths.active", "greater than or equal to 1"),
    ("supernet too small", lambda s: s.update(addressing={"transitSupernet": "10.14.0.0/29"}), "addressing.transitSupernet", "/28"),
    (
        "supernet smaller than a /30",
        lambda s: s.update(addressing={"transitSupernet": "10.14.0.0/31"}),
        "addressing.transitSupernet",
        "/30",
    ),
    ("floating IP inside the supernet", _router(0, floatingIp="10.14.0.200/32"), "routers[0].floatingIp", "inside"),
    ("floating IPs equal", _router(1, floatingIp="10.0.55.1/32"), "routers[1].floatingIp", "own floating IP"),
    ("floating IP not a /32", _router(0, floatingIp="10.0.55.1/24"), "routers[0].floatingIp", "not a /32"),
    ("port past 65535", _zerotier(basePort=65533), "zerotier.basePort", "outside 1..65535"),
    ("ports colliding", _zerotier(ports=[9994, 9994, 9996, 9997]), "zerotier.ports", "port 9994 is used by more than one path"),
    ("a port list of the wrong length", _zerotier(ports=[9994, 9995]), "zerotier.ports", "exactly one per path"),
    ("duplicate router names", _router(1, name="r1"), "routers[1].name", "must differ"),
    ("duplicate router hosts", _ssh(1, host="192.0.2.41"), "routers[1].ssh.host", "own host"),
    (
        "two routers on one Docker engine",
        _both(
            _router(0, flavor="linux", dockerHost="tcp://192.0.2.50:2375"), _router(1, flavor="linux", dockerHost="tcp://192.0.2.50:2375")
        ),
        "routers[1].dockerHost",
        "tcp://192.0.2.50:2375 is the Docker engine of routers[0] (r1) too; two sites on one engine would clash",
    ),
    (
        "a Docker engine that is another router's by default",
        _both(_router(0, flavor="linux"), _router(1, flavor="linux", dockerHost="ssh://vyos@192.0.2.41:22")),
        "routers[1].dockerHost",
        "ssh://vyos@192.0.2.41:22 is the Docker engine of routers[0] (r1) too",
    ),
    ("pinning list shorter than N", _router(0, cpus=[0, 1]), "routers[0].cpus", "2 CPUs listed but 4 are needed"),
    ("pinning a CPU the box lacks", _router(0, cpus=[0, 1, 2, 7]), "routers[0].cpus", "CPU 7 does not exist"),
    ("a CPU pinned twice", _router(0, cpus=[0, 1, 1, 2]), "routers[0].cpus", "listed twice"),
    (
        "interface not starting with zt",
        _zerotier(interfaces=["eth10", "zt2", "zt3", "zt4"]),
        "zerotier.interfaces",
        "does not start with 'zt'",
    ),
    ("interface name too long", _zerotier(interfacePrefix="ztverylongprefix"), "zerotier.interfacePrefix", "at most 15"),
    ("interfaces colliding", _zerotier(interfaces=["zt1", "zt1", "zt3", "zt4"]), "zerotier.interfaces", "unique per router"),
    ("concurrency of 1", _zerotier(mode="hybrid", concurrency=1, cpusPerInstance=3), "zerotier.concurrency", "more than 1"),
    ("concurrency as many as CPUs", _zerotier(mode="hybrid", concurrency=3, cpusPerInstance=3), "zerotier.concurrency", "2..2"),
    ("concurrency without multithreading", _zerotier(concurrency=2), "zerotier.concurrency", "only applies"),
    ("hybrid without concurrency", _zerotier(mode="hybrid"), "zerotier.concurrency", "required"),
    ("multicore with several paths", _zerotier(mode="multicore", concurrency=2), "paths.count", "multicore runs one instance"),
    ("unknown top-level setting", lambda s: s.update(pathz={"count": 4}), "pathz", "unknown setting; did you mean paths?"),
    ("unknown nested setting", _router(0, flavour="vyos"), "routers[0].flavour", "unknown setting; did you mean routers[0].flavor?"),
    (
        "unknown deeply nested setting",
        _underlay(1, offload={"groo": True}),
        "routers[1].underlay.offload.groo",
        "unknown setting; did you mean routers[1].underlay.offload.gro?",
    ),
    (
        "unknown setting like none",
        _zerotier(xyzzy=1),
        "zerotier.xyzzy",
        "unknown setting (a typo?); see the configuration reference in README.md",
    ),
    ("unknown link speed", lambda s: s["routers"][0]["underlay"].update(speed="3G"), "routers[0].underlay.speed", "'2.5G'"),
    ("unpinned image tag", _zerotier(image="zerotier/zerotier:latest"), "zerotier.image", "pinned"),
    ("unknown flavor", _router(0, flavor="junos"), "routers[0].flavor", "'vyos' or 'linux'"),
    ("unknown runtime", _router(0, runtime="podman"), "routers[0].runtime", "'docker' or 'vyos'"),
    ("VyOS containers on a Linux router", _router(0, flavor="linux", runtime="vyos"), "routers[0].runtime", "needs flavor 'vyos'"),
    ("malformed network id", _zerotier(networks=["abc", "def", "ghi", "jkl"]), "zerotier.networks", "16 lowercase hex"),
    ("malformed host key", _ssh(0, hostKey="not a key"), "routers[0].ssh.hostKey", "ssh-keyscan"),
    ("one router only", lambda s: s["routers"].pop(), "routers", "1 router(s) given; a lab joins 2 to 16 routers"),
    ("seventeen routers", _sites(17), "routers", "17 router(s) given; a lab joins 2 to 16 routers"),
    ("a hub that is not a router", _both(_sites(3), _routing(topology="hub-and-spoke", hub="r9")), "routing.hub", "not one of the routers"),
    ("hub-and-spoke without a hub", _both(_sites(3), _routing(topology="hub-and-spoke")), "routing.hub", "required with routing.topology"),
    ("a hub in a full mesh", _both(_sites(3), _routing(hub="r1")), "routing.hub", "only applies to routing.topology hub-and-spoke"),
    ("hub-and-spoke with two routers", _routing(topology="hub-and-spoke", hub="r1"), "routing.topology", "needs at least 3 routers"),
    (
        "supernet too small for three routers and N paths",
        _both(_sites(3), _supernet("10.14.0.0/28")),
        "addressing.transitSupernet",
        "10.14.0.0/28 holds 2 /29s but paths.count is 4 (each path's subnet is a /29 to hold 3 routers)",
    ),
    (
        "supernet too small for two routers and N paths",
        _supernet("10.14.0.0/29"),
        "addressing.transitSupernet",
        "10.14.0.0/29 holds 2 /30s but paths.count is 4 (each path's subnet is a /30 to hold 2 routers)",
    ),
    (
        "supernet too small for seven routers",
        _both(_sites(7), _supernet("10.14.0.0/27")),
        "addressing.transitSupernet",
        "10.14.0.0/27 holds 2 /28s but paths.count is 4 (each path's subnet is a /28 to hold 7 routers)",
    ),
    (
        "duplicate floating IPs among three routers",
        _both(_sites(3), _router(2, floatingIp="10.0.55.1/32")),
        "routers[2].floatingIp",
        "10.0.55.1 equals routers[0].floatingIp",
    ),
    ("duplicate names among three routers", _both(_sites(3), _router(2, name="r1")), "routers[2].name", "'r1' is also routers[0].name"),
    (
        "planned sites below the routers",
        _both(_sites(3), _planned(2)),
        "addressing.plannedSites",
        "2 is fewer than the 3 routers; each needs a host address of its own on every path subnet: use 3..16",
    ),
    ("seventeen planned sites", _planned(17), "addressing.plannedSites", "less than or equal to 16"),
    (
        "supernet too small for the planned sites",
        lambda s: s.update(addressing={"plannedSites": 7, "transitSupernet": "10.14.0.0/27"}),
        "addressing.transitSupernet",
        "10.14.0.0/27 holds 2 /28s but paths.count is 4 (each path's subnet is a /28 to hold addressing.plannedSites 7 sites)",
    ),
    ("one planned site", _planned(1), "addressing.plannedSites", "greater than or equal to 2"),
    (
        "a site number past the planned sites",
        _both(_planned(3), _router(1, siteNumber=4)),
        "routers[1].siteNumber",
        "4 is more than addressing.plannedSites (3), which sizes the path subnets; use a free number such as 2, or raise "
        "addressing.plannedSites to 4",
    ),
    (
        "a site number another router has by its place",
        _router(1, siteNumber=1),
        "routers[1].siteNumber",
        "1 is also the site number of routers[0] (r1) (its place in the list); each router needs its own; use a free number such as 2",
    ),
    (
        "a site number given to the first router that the second has by its place",
        _router(0, siteNumber=2),
        "routers[0].siteNumber",
        "2 is also the site number of routers[1] (r2) (its place in the list)",
    ),
    ("site number zero", _router(0, siteNumber=0), "routers[0].siteNumber", "greater than or equal to 1"),
    ("duplicate hosts among three routers", _both(_sites(3), _ssh(2, host="192.0.2.42")), "routers[2].ssh.host", "is also routers[1]"),
    # An underlay interface the instances would never send over.
    (
        "underlay named like a bridge",
        _underlay(0, interface="br0"),
        "routers[0].underlay.interface",
        "'br0' starts with 'br', which zerotier.blacklistPrefixes lists, so no instance would use it",
    ),
    ("underlay named like a veth", _underlay(1, interface="veth0"), "routers[1].underlay.interface", "'veth0' starts with 'veth'"),
    ("underlay named like docker0", _underlay(0, interface="docker0"), "routers[0].underlay.interface", "'docker0' starts with 'docker'"),
    (
        "underlay named like a path interface",
        _underlay(0, interface="ztecmp9"),
        "routers[0].underlay.interface",
        "'ztecmp9' is named like the path interfaces (ztecmp...)",
    ),
    (
        "underlay under the prefix of explicit path interfaces",
        _both(_zerotier(interfaces=["zta1", "zta2", "zta3", "zta4"]), _underlay(0, interface="zta7")),
        "routers[0].underlay.interface",
        "'zta7' is named like the path interfaces (zta...)",
    ),
    (
        "loopback as underlay",
        _underlay(0, interface="lo"),
        "routers[0].underlay.interface",
        "'lo' starts with 'lo', and zerotier-one never sends over interfaces named lo, zt, tun, tap...",
    ),
    ("zt interface as underlay", _underlay(0, interface="zt0"), "routers[0].underlay.interface", "'zt0' starts with 'zt', and zerotier"),
    ("tun interface as underlay", _underlay(0, interface="tun0"), "routers[0].underlay.interface", "'tun0' starts with 'tun'"),
    ("tap interface as underlay", _underlay(1, interface="tap3"), "routers[1].underlay.interface", "'tap3' starts with 'tap'"),
    ("an empty blacklist prefix", _zerotier(blacklistPrefixes=["dum", ""]), "zerotier.blacklistPrefixes", "remove entry 1"),
    ("a blank blacklist prefix", _zerotier(blacklistPrefixes=[" ", "dum"]), "zerotier.blacklistPrefixes", "remove entry 0"),
    # Runtimes and the routers that can run them.
    (
        "Docker on stock VyOS",
        _router(0, runtime="docker"),
        "routers[0].runtime",
        "'docker' on a VyOS router needs Docker installed on it",
    ),
    (
        "dockerInstalled on a Linux router",
        _router(1, flavor="linux", dockerInstalled=True),
        "routers[1].dockerInstalled",
        "only meaningful on flavor 'vyos'",
    ),
    (
        "no underlay address",
        _remove(0, "underlay", "address"),
        "routers[0].underlay.address",
        "required but not set; give the router's own address on the underlay interface",
    ),
    # The transit supernet against the underlay and the ways in to the routers.
    (
        "supernet over the underlay",
        _supernet("198.51.100.0/24"),
        "addressing.transitSupernet",
        "198.51.100.0/24 overlaps the underlay network 198.51.100.0/29 of routers[0].underlay.address and "
        "routers[1].underlay.address; every instance refuses the transit supernet as a physical path",
    ),
    (
        "underlay network around the supernet",
        _underlay(1, address="10.20.0.2/8"),
        "addressing.transitSupernet",
        "10.14.0.0/24 overlaps the underlay network 10.0.0.0/8 of routers[1].underlay.address",
    ),
    (
        "supernet holding an SSH host",
        _ssh(0, host="10.14.0.7"),
        "addressing.transitSupernet",
        "10.14.0.0/24 contains routers[0].ssh.host 10.14.0.7; a path /30 would take the route to it",
    ),
    (
        "supernet holding a Docker endpoint",
        _router(1, dockerHost="tcp://10.14.0.9:2376"),
        "addressing.transitSupernet",
        "10.14.0.0/24 contains routers[1].dockerHost 10.14.0.9",
    ),
    (
        "supernet holding an SSH Docker endpoint",
        _router(0, dockerHost="ssh://vyos@10.14.0.250:22"),
        "addressing.transitSupernet",
        "contains routers[0].dockerHost 10.14.0.250",
    ),
    # Floating IPs and supernets in ranges no router can own.
    (
        "floating IP on the underlay",
        _router(0, floatingIp="198.51.100.5/32"),
        "routers[0].floatingIp",
        "198.51.100.5 lies inside the underlay network 198.51.100.0/29 of routers[0].underlay.address and routers[1].underlay.address",
    ),
    ("multicast floating IP", _router(0, floatingIp="224.0.0.5/32"), "routers[0].floatingIp", "224.0.0.5 is multicast (224.0.0.0/4)"),
    ("reserved floating IP", _router(1, floatingIp="240.0.0.1/32"), "routers[1].floatingIp", "240.0.0.1 is reserved (240.0.0.0/4)"),
    ("loopback floating IP", _router(0, floatingIp="127.0.0.2/32"), "routers[0].floatingIp", "127.0.0.2 is loopback (127.0.0.0/8)"),
    ("this-network floating IP", _router(0, floatingIp="0.0.0.1/32"), "routers[0].floatingIp", "0.0.0.1 is 'this network' (0.0.0.0/8)"),
    (
        "link-local floating IP",
        _router(1, floatingIp="169.254.7.7/32"),
        "routers[1].floatingIp",
        "169.254.7.7 is link-local (169.254.0.0/16)",
    ),
    (
        "broadcast floating IP",
        _router(0, floatingIp="255.255.255.255/32"),
        "routers[0].floatingIp",
        "255.255.255.255 is the limited broadcast address",
    ),
    ("multicast supernet", _supernet("224.1.0.0/24"), "addressing.transitSupernet", "224.1.0.0/24 overlaps multicast (224.0.0.0/4)"),
    ("reserved supernet", _supernet("240.0.0.0/24"), "addressing.transitSupernet", "240.0.0.0/24 overlaps reserved (240.0.0.0/4)"),
    ("loopback supernet", _supernet("127.0.0.0/24"), "addressing.transitSupernet", "127.0.0.0/24 overlaps loopback (127.0.0.0/8)"),
    ("this-network supernet", _supernet("0.0.0.0/24"), "addressing.transitSupernet", "0.0.0.0/24 overlaps 'this network'"),
    ("link-local supernet", _supernet("169.254.0.0/24"), "addressing.transitSupernet", "overlaps link-local (169.254.0.0/16)"),
    (
        "broadcast supernet",
        _both(_paths(1), _supernet("255.255.255.252/30")),
        "addressing.transitSupernet",
        "255.255.255.252/30 overlaps the limited broadcast address",
    ),
    # Path ports on something the routers already serve.
    ("a path port on the SSH port", _zerotier(basePort=21), "zerotier.basePort", "port 22 (path 1) is routers[0].ssh.port"),
    (
        "a path port on one router's own SSH port",
        _ssh(1, port=9995),
        "zerotier.basePort",
        "port 9995 (path 2) is routers[1].ssh.port, where r2's SSH server listens; every instance binds its port for UDP and for "
        "its local API on TCP",
    ),
    (
        "an explicit port on a router service",
        _zerotier(ports=[9994, 4789, 9996, 9997]),
        "zerotier.ports",
        "port 4789 (path 2) is the port of VXLAN",
    ),
    # Bring-your-own networks, MTU and SSH hosts.
    (
        "one network for two paths",
        _zerotier(networks=["8056c2e21c000001", "8056c2e21c000002", "8056c2e21c000001", "8056c2e21c000004"]),
        "zerotier.networks",
        "network id 8056c2e21c000001 is given for paths 1 and 3; every path is its own ZeroTier network",
    ),
    (
        "an underlay MTU below ZeroTier's datagrams",
        _underlay(0, mtu=1400),
        "routers[0].underlay.mtu",
        "1400 is too small for ZeroTier: zerotier-one sends UDP datagrams with up to 1432 bytes of payload, which take an MTU of "
        "1460 with their IPv4 and UDP headers",
    ),
    ("an underlay MTU one byte short", _underlay(1, mtu=1459), "routers[1].underlay.mtu", "1459 is too small for ZeroTier"),
    ("an underlay MTU past VyOS's", _underlay(0, mtu=16001), "routers[0].underlay.mtu", "16001 is more than VyOS accepts"),
    (
        "a user in the SSH host",
        _ssh(0, host="vyos@192.0.2.41"),
        "routers[0].ssh.host",
        "'vyos@192.0.2.41' has a user in it; ssh.host takes the host alone: set ssh.host: 192.0.2.41, ssh.user: vyos",
    ),
    (
        "a port in the SSH host",
        _ssh(1, host="r2.lab.example:2222"),
        "routers[1].ssh.host",
        "'r2.lab.example:2222' has a port in it; ssh.host takes the host alone: set ssh.host: r2.lab.example, ssh.port: 2222",
    ),
    (
        "a bracketed IPv6 SSH host with a port",
        _ssh(1, host="[2001:db8::42]:2222"),
        "routers[1].ssh.host",
        "set ssh.host: 2001:db8::42, ssh.port: 2222",
    ),
    (
        "a URL as SSH host",
        _ssh(0, host="ssh://admin@192.0.2.41:2200"),
        "routers[0].ssh.host",
        "has a scheme and a user and a port in it; ssh.host takes the host alone: "
        "set ssh.host: 192.0.2.41, ssh.user: admin, ssh.port: 2200",
    ),
    ("an IPv4 address out of range", _ssh(0, host="192.0.2.300"), "routers[0].ssh.host", "it is not a valid IPv4 address"),
    ("a bracketed IPv6 SSH host", _ssh(0, host="[2001:db8::42]"), "routers[0].ssh.host", "without brackets: 2001:db8::42"),
    ("spaces in the SSH host", _ssh(0, host="r1 lab"), "routers[0].ssh.host", "not an IPv4 address, an IPv6 address or a DNS name"),
    # Keys written in the wrong place, named with where they belong.
    (
        "a host key under the underlay",
        _underlay(0, hostKey="ssh-ed25519 AAAA"),
        "routers[0].underlay.hostKey",
        "unknown setting here; hostKey belongs in routers[0].ssh: write routers[0].ssh.hostKey",
    ),
    ("a speed beside the underlay", _router(1, speed="2.5G"), "routers[1].speed", "write routers[1].underlay.speed"),
    (
        "BFD's interval under routing",
        _routing(intervalMs=300),
        "routing.intervalMs",
        "belongs in routing.bfd: write routing.bfd.intervalMs",
    ),
    ("a login user under zerotier", _zerotier(user="vyos"), "zerotier.user", "user belongs in routers[].ssh: write routers[].ssh.user"),
    # Host addresses that are no host of their subnet.
    (
        "an underlay address on the network address",
        _underlay(0, address="198.51.100.0/29"),
        "routers[0].underlay.address",
        "198.51.100.0/29 is the network address of 198.51.100.0/29, not a host of it (hosts 198.51.100.1..198.51.100.6)",
    ),
    (
        "an underlay address on the broadcast address",
        _underlay(1, address="198.51.100.7/29"),
        "routers[1].underlay.address",
        "198.51.100.7/29 is the broadcast address of 198.51.100.0/29",
    ),
    # One machine written two ways.
    (
        "the same host name in another case",
        _both(_ssh(0, host="r1.lab.example"), _ssh(1, host="R1.Lab.Example.")),
        "routers[1].ssh.host",
        "'R1.Lab.Example.' names the same host as routers[0].ssh.host 'r1.lab.example'",
    ),
    (
        "the same IPv6 address spelt twice",
        _both(_ssh(0, host="2001:db8::42"), _ssh(1, host="2001:DB8:0::42")),
        "routers[1].ssh.host",
        "names the same host as routers[0].ssh.host '2001:db8::42'",
    ),
    (
        "two Linux sites on one Docker host",
        _both(_router(0, flavor="linux"), _router(1, flavor="linux", dockerHost="ssh://admin@192.0.2.41")),
        "routers[1].dockerHost",
        "ssh://admin@192.0.2.41 is the Docker engine of routers[0] (r1) too; two sites on one engine would clash",
    ),
    # What goes to ssh as a name must never read as one of its options.
    ("a login name like an option", _ssh(0, user="-oProxyCommand=x"), "routers[0].ssh.user", "'-oProxyCommand=x' is not a login name"),
    (
        "a Docker endpoint whose host reads as an option",
        _router(0, dockerHost="ssh://vyos@-oproxy"),
        "routers[0].dockerHost",
        "'ssh://vyos@-oproxy' is not a Docker endpoint: its host '-oproxy'",
    ),
]


def _paths_of(**values: Any) -> Callable[[Settings], None]:
    return lambda s: s.update(paths=values)


def _set_zerotier(**values: Any) -> Callable[[Settings], None]:
    """Change some zerotier settings, keeping the others; a value of None removes the setting."""

    def change(settings: Settings) -> None:
        zerotier = settings.setdefault("zerotier", {})
        zerotier.update(values)
        for key in [key for key, value in zerotier.items() if value is None]:
            zerotier.pop(key)

    return change


# (what is wrong, change to the gk41 stack, the setting, the hint its message gives, the change that follows the hint)
# Following the hint must leave nothing to refuse.
HINTS: list[tuple[str, Callable[[Settings], None], str, str, Callable[[Settings], None]]] = [
    ("K above N, lowest", _paths(4, 5), "paths.active", "choose 1..4", _paths(4, 1)),
    ("K above N, highest", _paths(4, 5), "paths.active", "choose 1..4", _paths(4, 4)),
    (
        "supernet too small",
        _supernet("10.14.0.0/29"),
        "addressing.transitSupernet",
        "use a /28 or larger that overlaps nothing else the lab uses, such as 10.14.0.0/28",
        _supernet("10.14.0.0/28"),
    ),
    (
        "supernet smaller than a /30",
        _supernet("10.14.0.0/31"),
        "addressing.transitSupernet",
        "use a /28 or larger that overlaps nothing else the lab uses, such as 10.14.0.0/28",
        _supernet("10.14.0.0/28"),
    ),
    (
        "supernet over the underlay",
        _supernet("198.51.100.0/24"),
        "addressing.transitSupernet",
        "use a /28 or larger that overlaps nothing else the lab uses, such as 10.0.0.0/24",
        _supernet("10.0.0.0/24"),
    ),
    (
        "supernet holding an SSH host",
        _ssh(0, host="10.14.0.7"),
        "addressing.transitSupernet",
        "use a /28 or larger that overlaps nothing else the lab uses, such as 10.0.0.0/24",
        _supernet("10.0.0.0/24"),
    ),
    (
        "supernet of the whole private range holding everything",
        _both(_supernet("10.0.0.0/8"), _ssh(0, host="10.1.2.3")),
        "addressing.transitSupernet",
        "use a /28 or larger that overlaps nothing else the lab uses, such as 10.0.0.0/28",
        _supernet("10.0.0.0/28"),
    ),
    (
        "multicast supernet",
        _supernet("224.1.0.0/24"),
        "addressing.transitSupernet",
        "such as 10.0.0.0/24",
        _supernet("10.0.0.0/24"),
    ),
    (
        "floating IP not a /32",
        _router(0, floatingIp="10.0.55.1/24"),
        "routers[0].floatingIp",
        "use 10.0.55.1/32",
        _router(0, floatingIp="10.0.55.1/32"),
    ),
    (
        "floating IP inside the supernet",
        _router(0, floatingIp="10.14.0.200/32"),
        "routers[0].floatingIp",
        "use a free address such as 10.0.55.1/32",
        _router(0, floatingIp="10.0.55.1/32"),
    ),
    (
        "floating IPs equal",
        _router(1, floatingIp="10.0.55.1/32"),
        "routers[1].floatingIp",
        "use a free address such as 10.0.55.2/32",
        _router(1, floatingIp="10.0.55.2/32"),
    ),
    (
        "floating IP on the default of the other router",
        _both(_router(0, floatingIp="10.0.55.2/32"), _router(1, floatingIp="10.0.55.2/32")),
        "routers[1].floatingIp",
        "use a free address such as 10.0.55.1/32",
        _both(_router(0, floatingIp="10.0.55.2/32"), _router(1, floatingIp="10.0.55.1/32")),
    ),
    (
        "floating IP on the underlay",
        _router(1, floatingIp="198.51.100.6/32"),
        "routers[1].floatingIp",
        "use a free address such as 10.0.55.2/32",
        _router(1, floatingIp="10.0.55.2/32"),
    ),
    (
        "floating IP in a supernet that holds the defaults",
        _both(_supernet("10.0.55.0/24"), _router(0, floatingIp="10.0.55.1/32")),
        "routers[0].floatingIp",
        "use a free address such as 10.0.0.1/32",
        # routers[1]'s default is inside that supernet too, and its own message names 10.0.0.2/32.
        _both(_router(0, floatingIp="10.0.0.1/32"), _router(1, floatingIp="10.0.0.2/32")),
    ),
    (
        "multicast floating IP",
        _router(0, floatingIp="224.0.0.5/32"),
        "routers[0].floatingIp",
        "use a free address such as 10.0.55.1/32",
        _router(0, floatingIp="10.0.55.1/32"),
    ),
    (
        "port past 65535",
        _zerotier(basePort=65533),
        "zerotier.basePort",
        "use basePort 65531 (ports 65532..65535), which clashes with nothing",
        _zerotier(basePort=65531),
    ),
    (
        "a path port on the SSH port",
        _zerotier(basePort=21),
        "zerotier.basePort",
        "use basePort 22 (ports 23..26), which clashes with nothing",
        _zerotier(basePort=22),
    ),
    (
        "a path port on one router's own SSH port",
        _ssh(1, port=9995),
        "zerotier.basePort",
        "use basePort 9995 (ports 9996..9999), which clashes with nothing",
        _zerotier(basePort=9995),
    ),
    (
        "one path's port on a system zerotier-one",
        _both(_paths(1), _zerotier(basePort=9992)),
        "zerotier.basePort",
        "use basePort 9993 (port 9994), which clashes with nothing",
        _zerotier(basePort=9993),
    ),
    (
        "ports colliding",
        _zerotier(ports=[9994, 9994, 9996, 9997]),
        "zerotier.ports",
        "use ports [9994, 9998, 9996, 9997]",
        _zerotier(ports=[9994, 9998, 9996, 9997]),
    ),
    (
        "a port list of the wrong length",
        _zerotier(ports=[9994, 9995]),
        "zerotier.ports",
        "give exactly one per path; use ports [9994, 9995, 9996, 9997]",
        _zerotier(ports=[9994, 9995, 9996, 9997]),
    ),
    (
        "a port list on services",
        _zerotier(ports=[22, 53, 65535, 51820]),
        "zerotier.ports",
        "use ports [1024, 1025, 65535, 1026]",
        _zerotier(ports=[1024, 1025, 65535, 1026]),
    ),
    (
        "interface name too long",
        _zerotier(interfacePrefix="ztverylongprefix"),
        "zerotier.interfacePrefix",
        "use at most 15 of A-Z a-z 0-9 _ . -",
        _zerotier(interfacePrefix="ztverylongpre"),
    ),
    (
        "concurrency as many as CPUs",
        _both(_paths(1), _zerotier(mode="hybrid", concurrency=3, cpusPerInstance=3)),
        "zerotier.concurrency",
        "choose 2..2",
        _set_zerotier(concurrency=2),
    ),
    (
        "hybrid without concurrency, pinned to one CPU each, unpinned",
        _zerotier(mode="hybrid"),
        "zerotier.concurrency",
        "nothing while each instance is pinned to 1 CPU(s): set zerotier.cpusPerInstance to 3 or more (listing that many CPUs per "
        "instance in routers[].cpus), or leave routers[].cpus empty so that each instance sees all 4 CPUs and choose 2..3",
        _both(_unpinned, _set_zerotier(concurrency=3)),
    ),
    (
        "hybrid without concurrency, pinned to one CPU each, given more",
        _both(_paths(1), _zerotier(mode="hybrid")),
        "zerotier.concurrency",
        "set zerotier.cpusPerInstance to 3 or more",
        _set_zerotier(cpusPerInstance=3, concurrency=2),
    ),
    (
        "multicore pinned to two CPUs",
        _both(_paths(1), _zerotier(mode="multicore", concurrency=2), _router(0, cpus=[0, 1]), _router(1, cpus=[2, 3])),
        "zerotier.concurrency",
        "nothing while each instance is pinned to 2 CPU(s): list at least 3 CPUs per router in routers[].cpus",
        _both(_router(0, cpus=[0, 1, 2]), _router(1, cpus=[1, 2, 3])),
    ),
    (
        "hybrid on a box with two CPUs",
        _both(_unpinned, lambda s: s["hardware"].update(performanceCores=2), _zerotier(mode="hybrid")),
        "zerotier.concurrency",
        "nothing: a Minisforum GK41 has 2 logical CPU(s), and zerotier-one needs at least 3 to run more than one thread; "
        "use zerotier.mode multi-instance and leave concurrency out",
        _set_zerotier(mode="multi-instance"),
    ),
    (
        "hybrid with concurrency on a box with two CPUs",
        _both(_unpinned, lambda s: s["hardware"].update(performanceCores=2), _zerotier(mode="hybrid", concurrency=2)),
        "zerotier.concurrency",
        "use zerotier.mode multi-instance and leave concurrency out",
        _set_zerotier(mode="multi-instance", concurrency=None),
    ),
    (
        "multicore with several paths",
        _zerotier(mode="multicore", concurrency=2),
        "paths.count",
        "set paths.count: 1 and paths.active: 1 (or remove it)",
        _paths_of(count=1, active=1),
    ),
    (
        "multicore with several paths, K removed",
        _zerotier(mode="multicore", concurrency=2),
        "paths.count",
        "(or remove it)",
        _paths_of(count=1),
    ),
    (
        "CPUs per instance in multi-instance mode",
        _zerotier(cpusPerInstance=2),
        "zerotier.cpusPerInstance",
        "set 1",
        _zerotier(cpusPerInstance=1),
    ),
    ("concurrency without multithreading", _zerotier(concurrency=2), "zerotier.concurrency", "remove it", _zerotier()),
    ("a CPU the box lacks", _router(0, cpus=[0, 1, 2, 7]), "routers[0].cpus", "0..3", _router(0, cpus=[0, 1, 2, 3])),
    (
        "Docker on stock VyOS, installed",
        _router(0, runtime="docker"),
        "routers[0].runtime",
        "set routers[0].dockerInstalled: true",
        _router(0, dockerInstalled=True),
    ),
    (
        "Docker on stock VyOS, VyOS's own",
        _router(0, runtime="docker"),
        "routers[0].runtime",
        "use runtime 'vyos'",
        _router(0, runtime="vyos"),
    ),
    (
        "dockerInstalled on a Linux router",
        _router(1, flavor="linux", dockerInstalled=True),
        "routers[1].dockerInstalled",
        "remove it",
        _remove(1, "dockerInstalled"),
    ),
    (
        "VyOS containers on a Linux router",
        _router(0, flavor="linux", runtime="vyos"),
        "routers[0].runtime",
        "use runtime 'docker' on a Linux router",
        _router(0, runtime="docker"),
    ),
    (
        "FRR on VyOS routers, as Linux",
        lambda s: s.update(routing={"linuxRoutes": "frr"}),
        "routing.linuxRoutes",
        "give every router flavor linux, or use iproute2",
        _both(_router(0, flavor="linux"), _router(1, flavor="linux")),
    ),
    (
        "a misspelt hub",
        _both(_sites(3), _routing(topology="hub-and-spoke", hub="r11")),
        "routing.hub",
        "did you mean 'r1'?",
        _routing(topology="hub-and-spoke", hub="r1"),
    ),
    (
        "hub-and-spoke with two routers",
        _routing(topology="hub-and-spoke", hub="r1"),
        "routing.topology",
        "use full-mesh",
        _routing(topology="full-mesh"),
    ),
    (
        "a supernet too small for three routers",
        _both(_sites(3), _supernet("10.14.0.0/28")),
        "addressing.transitSupernet",
        "use a /27 or larger that overlaps nothing else the lab uses, such as 10.14.0.0/27",
        _supernet("10.14.0.0/27"),
    ),
    (
        "planned sites below the routers",
        _both(_sites(3), _planned(2)),
        "addressing.plannedSites",
        "use 3..16",
        _planned(3),
    ),
    (
        "a site number past the planned sites, a free one",
        _both(_planned(3), _router(1, siteNumber=4)),
        "routers[1].siteNumber",
        "use a free number such as 2",
        _router(1, siteNumber=2),
    ),
    (
        "a site number past the planned sites, more sites",
        _both(_planned(3), _router(1, siteNumber=4)),
        "routers[1].siteNumber",
        "raise addressing.plannedSites to 4",
        _planned(4),
    ),
    (
        "a site number taken",
        _both(_sites(3), _router(2, siteNumber=1)),
        "routers[2].siteNumber",
        "use a free number such as 3",
        _router(2, siteNumber=3),
    ),
    (
        "a floating IP repeated by a third router",
        _both(_sites(3), _router(2, floatingIp="10.0.55.1/32")),
        "routers[2].floatingIp",
        "use a free address such as 10.0.55.3/32",
        _router(2, floatingIp="10.0.55.3/32"),
    ),
    (
        "FRR on VyOS routers, iproute2",
        lambda s: s.update(routing={"linuxRoutes": "frr"}),
        "routing.linuxRoutes",
        "or use iproute2",
        lambda s: s.update(routing={"linuxRoutes": "iproute2"}),
    ),
    (
        "underlay on a blacklisted prefix",
        _underlay(0, interface="br0"),
        "routers[0].underlay.interface",
        "remove 'br' from zerotier.blacklistPrefixes or name another underlay interface",
        _zerotier(blacklistPrefixes=["dum", "wg", "veth"]),
    ),
    (
        "an empty blacklist prefix",
        _zerotier(blacklistPrefixes=["dum", ""]),
        "zerotier.blacklistPrefixes",
        "remove entry 1",
        _zerotier(blacklistPrefixes=["dum"]),
    ),
    ("an MTU below ZeroTier's", _underlay(0, mtu=1400), "routers[0].underlay.mtu", "choose 1460..15338", _underlay(0, mtu=1460)),
    ("an MTU past the NIC's", _underlay(0, mtu=15339), "routers[0].underlay.mtu", "choose 1460..15338", _underlay(0, mtu=15338)),
    (
        "half duplex at 2.5G",
        _underlay(0, negotiation="fixed", duplex="half"),
        "routers[0].underlay.duplex",
        "use full",
        _underlay(0, duplex="full"),
    ),
    (
        "duplex without fixed negotiation",
        _underlay(0, duplex="full"),
        "routers[0].underlay.duplex",
        "needs negotiation fixed",
        _underlay(0, negotiation="fixed"),
    ),
    (
        "a speed the NIC lacks",
        _underlay(0, speed="10G"),
        "routers[0].underlay.speed",
        "(hardware.nic.speeds: 1G, 2.5G)",
        _underlay(0, speed="1G"),
    ),
    (
        "ring buffer on a NIC VyOS cannot resize",
        _underlay(0, ringBuffer={"rx": 2048}),
        "routers[0].underlay.ringBuffer",
        "remove it",
        _remove(0, "underlay", "ringBuffer"),
    ),
    (
        "LRO on a router",
        _underlay(0, offload={"lro": True}),
        "routers[0].underlay.offload.lro",
        "use gro",
        _underlay(0, offload={"gro": True}),
    ),
    (
        "socket buffer default above the max",
        _underlay(0, socketBuffers={"maxBytes": 1048576, "defaultBytes": 2097152}),
        "routers[0].underlay.socketBuffers.defaultBytes",
        "the default cannot exceed the limit",
        _underlay(0, socketBuffers={"maxBytes": 1048576, "defaultBytes": 1048576}),
    ),
    (
        "BFD interval too short",
        lambda s: s.update(routing={"bfd": {"intervalMs": 5}}),
        "routing.bfd.intervalMs",
        "10..60000 ms",
        lambda s: s.update(routing={"bfd": {"intervalMs": 10}}),
    ),
    (
        "BFD multiplier too small",
        lambda s: s.update(routing={"bfd": {"multiplier": 1}}),
        "routing.bfd.multiplier",
        "2..255",
        lambda s: s.update(routing={"bfd": {"multiplier": 2}}),
    ),
    (
        "a user and port in the SSH host",
        _ssh(0, host="admin@192.0.2.41:2222"),
        "routers[0].ssh.host",
        "set ssh.host: 192.0.2.41, ssh.user: admin, ssh.port: 2222",
        _ssh(0, host="192.0.2.41", user="admin", port=2222),
    ),
    (
        "a bracketed IPv6 SSH host",
        _ssh(0, host="[2001:db8::42]"),
        "routers[0].ssh.host",
        "without brackets: 2001:db8::42",
        _ssh(0, host="2001:db8::42"),
    ),
    (
        "one network for two paths",
        _zerotier(networks=["8056c2e21c000001", "8056c2e21c000002", "8056c2e21c000001", "8056c2e21c000004"]),
        "zerotier.networks",
        "give each path a different network id",
        _zerotier(networks=["8056c2e21c000001", "8056c2e21c000002", "8056c2e21c000003", "8056c2e21c000004"]),
    ),
    (
        "the same underlay address twice",
        _underlay(1, address="198.51.100.1/29"),
        "routers[1].underlay.address",
        "each router needs its own",
        _underlay(1, address="198.51.100.2/29"),
    ),
    (
        "an underlay address on the network address",
        _underlay(0, address="198.51.100.0/29"),
        "routers[0].underlay.address",
        "use a host address such as 198.51.100.1/29",
        _underlay(0, address="198.51.100.1/29"),
    ),
    (
        "an underlay address on the broadcast address",
        _underlay(1, address="198.51.100.7/29"),
        "routers[1].underlay.address",
        "use a host address such as 198.51.100.2/29",
        _underlay(1, address="198.51.100.2/29"),
    ),
    (
        "a speed beside the underlay",
        _both(_remove(1, "underlay", "speed"), _router(1, speed="2.5G")),
        "routers[1].speed",
        "write routers[1].underlay.speed",
        _both(_remove(1, "speed"), _underlay(1, speed="2.5G")),
    ),
    (
        "a misspelt nested setting",
        _both(_remove(0, "flavor"), _router(0, flavour="vyos")),
        "routers[0].flavour",
        "did you mean routers[0].flavor?",
        _both(_remove(0, "flavour"), _router(0, flavor="vyos")),
    ),
]


@pytest.mark.parametrize(("change", "setting", "hint", "follow"), [case[1:] for case in HINTS], ids=[case[0] for case in HINTS])
def test_following_a_hint_is_accepted(
    change: Callable[[Settings], None], setting: str, hint: str, follow: Callable[[Settings], None]
) -> None:
    settings = stack_settings("gk41")
    change(settings)
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    assert any(problem.startswith(f"{setting}: ") and hint in problem for problem in refused.value.problems), refused.value.problems
    follow(settings)
    parse_lab_config(settings)


@pytest.mark.parametrize(("change", "setting", "words"), [case[1:] for case in BAD_SETTINGS], ids=[case[0] for case in BAD_SETTINGS])
def test_bad_setting_is_refused_naming_it(change: Callable[[Settings], None], setting: str, words: str) -> None:
    settings = stack_settings("gk41")
    change(settings)
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    matching = [problem for problem in refused.value.problems if problem.startswith(f"{setting}: ")]
    assert matching, f"no problem names {setting}: {refused.value.problems}"
    assert any(words in problem for problem in matching), matching


def test_committed_stacks_are_valid() -> None:
    for stack in ("gk41", "ms01", "gk41-sites"):
        parse_lab_config(stack_settings(stack))


def test_all_problems_are_reported_together() -> None:
    settings = stack_settings("gk41")
    settings["paths"] = {"count": 4, "active": 5}
    settings["routers"][1]["name"] = "r1"
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    assert [problem.split(":")[0] for problem in refused.value.problems] == ["paths.active", "routers[1].name"]


def test_missing_ssh_key_secret_names_the_setting_and_how_to_set_it() -> None:
    with pytest.raises(ConfigError, match=r"sshPrivateKey: not set.*pulumi config set --secret sshPrivateKey"):
        parse_stack_settings(stack_settings("gk41"), secret_names=set())


def test_the_one_secret_pulumi_yaml_declares_is_the_default_ssh_key_setting() -> None:
    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    assert [name for name, spec in declared.items() if spec.get("secret")] == [DEFAULT_PRIVATE_KEY_SETTING]


def test_ssh_key_in_plain_text_is_refused() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----"}
    with pytest.raises(ConfigError, match="sshPrivateKey: stored in plain text"):
        parse_stack_settings(values, secret_names=set())


def test_a_lab_setting_stored_as_a_secret_is_refused_by_name() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "k"}
    with pytest.raises(ConfigError) as refused:
        parse_stack_settings(values, secret_names={"sshPrivateKey", "routers"})
    assert refused.value.problems == [
        "routers: stored as a secret, but lab settings are plain data that router scripts and the stack outputs show "
        "in the clear; only SSH private keys are secrets here. Run `pulumi config rm routers` and set it again "
        "without --secret (`pulumi config set routers ...`, or in the stack file)"
    ]


def test_agent_authentication_needs_no_key_secret() -> None:
    values = stack_settings("gk41")
    for router in values["routers"]:
        router["ssh"]["auth"] = "agent"
    assert parse_stack_settings(values, secret_names=set()).private_key_settings == {}


def test_unreferenced_secret_setting_is_refused() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "k", "sshPrivateKye": "k"}
    with pytest.raises(ConfigError, match="sshPrivateKye: unknown secret setting"):
        parse_stack_settings(values, secret_names={"sshPrivateKey", "sshPrivateKye"})


def test_bad_settings_register_no_resource() -> None:
    project, values, secrets = load_stack_file("gk41")
    values["zt-ecmp:paths"] = {"count": 4, "active": 9}
    values["zt-ecmp:sshPrivateKey"] = "[secret]"
    secrets.add("zt-ecmp:sshPrivateKey")
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"paths\.active"):
        run_offline(project, "gk41", values, secrets, program=program)
    assert registered == []


@pytest.mark.parametrize("host", ["192.0.2.41", "2001:db8::42", "fe80::1%eth0", "r1", "r1.lab.example", "r1.lab.example."])
def test_ssh_hosts_are_ipv4_ipv6_or_dns_names(host: str) -> None:
    settings = stack_settings("gk41")
    settings["routers"][0]["ssh"]["host"] = host
    assert parse_lab_config(settings).routers[0].ssh.host == host


# Every curated port, with the words that say who uses it.
ROUTER_SERVICES = [
    (22, "SSH"),
    (53, "DNS"),
    (67, "DHCP servers"),
    (68, "DHCP clients"),
    (123, "NTP"),
    (161, "SNMP"),
    (162, "SNMP traps"),
    (179, "BGP"),
    (443, "VyOS's HTTPS API"),
    (500, "IKE"),
    (1194, "OpenVPN"),
    (2375, "Docker's API over TCP"),
    (2376, "Docker's API over TLS"),
    (3784, "BFD, which this lab runs on every path"),
    (3785, "BFD echo"),
    (4500, "IKE behind NAT"),
    (4784, "multi-hop BFD"),
    (4789, "VXLAN"),
    (5201, "iperf3, which this lab's sweep runs on the routers"),
    # The last of the sweep's servers between 16 routers: one per sending router, from 5201.
    (5215, "iperf3, which this lab's sweep runs on the routers"),
    (9993, "a system zerotier-one"),
    (51820, "WireGuard"),
]


@pytest.mark.parametrize(("port", "service"), ROUTER_SERVICES, ids=[str(port) for port, _ in ROUTER_SERVICES])
def test_a_path_port_on_a_router_service_is_refused_with_a_port_that_is_accepted(port: int, service: str) -> None:
    settings = stack_settings("gk41")
    for router in settings["routers"]:
        router["ssh"]["port"] = 2222  # so that 22 is refused for being SSH, not for being an ssh.port
    settings["zerotier"] = {"ports": [port, 9995, 9996, 9997]}
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    [problem] = refused.value.problems
    assert problem.startswith(f"zerotier.ports: port {port} (path 1) is the port of {service}")
    assert problem.endswith("; use ports [9998, 9995, 9996, 9997]")
    settings["zerotier"] = {"ports": [9998, 9995, 9996, 9997]}
    parse_lab_config(settings)


def test_the_curated_ports_are_those_the_lab_knows() -> None:
    sweep_servers = list(range(IPERF_PORT, IPERF_PORT + 15))
    assert sorted(RESERVED_PORTS) == sorted({port for port, _ in ROUTER_SERVICES} | set(sweep_servers))


def test_a_base_port_suggestion_is_the_nearest_that_clashes_with_nothing() -> None:
    settings = stack_settings("gk41")
    settings["zerotier"] = {"basePort": 4781}  # paths on 4782..4785: 4784 is multi-hop BFD
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    assert refused.value.problems == [
        "zerotier.basePort: port 4784 (path 3) is the port of multi-hop BFD; every instance binds its port for UDP and for its "
        "local API on TCP; use basePort 4779 (ports 4780..4783), which clashes with nothing"
    ]
    settings["zerotier"] = {"basePort": 4779}
    parse_lab_config(settings)


def test_an_mtu_that_carries_zerotier_datagrams_is_accepted() -> None:
    settings = stack_settings("gk41")
    settings["routers"][0]["underlay"]["mtu"] = 1460
    assert parse_lab_config(settings).routers[0].underlay.mtu == 1460


def test_a_vyos_container_name_vyos_refuses_is_refused_when_the_plan_is_built() -> None:
    with pytest.raises(ConfigError) as refused:
        build_plan(lab_config("gk41"), "zt-ecmp", "lab_1.a")
    assert refused.value.problems == [
        "stack 'lab_1.a': routers[0] (r1) and routers[1] (r2) run the instances as VyOS containers named "
        "<project>-<stack>-path<i>, here 'zt-ecmp-lab_1.a-path1', and VyOS's `container name` accepts only letters, digits and "
        "'-'; use a stack name of letters, digits and '-' only, such as 'lab-1-a', or run the instances on Docker "
        "(runtime docker, with dockerInstalled: true on VyOS)"
    ]
    assert build_plan(lab_config("gk41"), "zt-ecmp", "lab-1-a").paths[0].network_name == "zt-ecmp-lab-1-a-path1"


def test_a_project_name_vyos_refuses_asks_for_both_names() -> None:
    with pytest.raises(ConfigError, match=r"rename the project \('zt_ecmp' in Pulumi.yaml\) and the stack"):
        build_plan(lab_config("gk41"), "zt_ecmp", "gk41")


def test_stack_names_with_underscores_are_fine_where_no_router_runs_vyos_containers() -> None:
    docker_vyos, linux = docker_routers("gk41")
    linux.update(flavor="linux", runtime=None)
    linux.pop("dockerInstalled")
    plan = build_plan(lab_config("gk41", routers=[docker_vyos, linux]), "zt-ecmp", "lab_1")
    assert plan.paths[0].network_name == "zt-ecmp-lab_1-path1"
    stock_vyos = stack_settings("gk41")["routers"][0]
    with pytest.raises(ConfigError, match=r"'lab_1': routers\[0\] \(r1\) run the instances as VyOS containers"):
        build_plan(lab_config("gk41", routers=[stock_vyos, linux]), "zt-ecmp", "lab_1")


def test_a_stack_name_vyos_refuses_registers_no_resource() -> None:
    project, values, secrets = load_stack_without_secrets("gk41")
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"stack 'gk41_b'"):
        run_offline(project, "gk41_b", values, secrets, program=program)
    assert registered == []


def test_a_misspelt_top_level_setting_is_named_with_the_one_it_meant() -> None:
    values = stack_settings("gk41")
    values["rooters"] = values.pop("routers")
    with pytest.raises(ConfigError) as refused:
        parse_stack_settings(values, secret_names={"sshPrivateKey"})
    assert refused.value.problems == [
        "rooters: unknown setting; did you mean routers?",
        "routers: required but not set; see the configuration reference in README.md",
    ]


def test_a_setting_written_at_the_top_names_the_section_it_belongs_in() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "[secret]", "count": 4}
    values.pop("paths")
    with pytest.raises(ConfigError) as refused:
        parse_stack_settings(values, secret_names={"sshPrivateKey"})
    assert refused.value.problems == [
        "count: unknown setting here; count belongs in paths: write paths.count",
        "paths: required but not set; see the configuration reference in README.md",
    ]


def test_a_misspelt_optional_setting_is_named_with_the_one_it_meant() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "[secret]", "adressing": {"transitSupernet": "10.9.0.0/24"}}
    with pytest.raises(ConfigError) as refused:
        parse_stack_settings(values, secret_names={"sshPrivateKey"})
    assert refused.value.problems == ["adressing: unknown setting (a typo?); did you mean addressing?"]


def test_a_misspelt_key_secret_is_named_with_the_one_it_meant() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "k", "sshPrivateKye": "k"}
    with pytest.raises(ConfigError) as refused:
        parse_stack_settings(values, secret_names={"sshPrivateKey", "sshPrivateKye"})
    assert refused.value.problems == [
        "sshPrivateKye: unknown secret setting; no router's ssh.privateKeyConfig names it; did you mean sshPrivateKey?"
    ]


def _qualified(stack: str) -> dict[str, Any]:
    return {f"{NAMESPACE}:{key}": value for key, value in stack_settings(stack).items()} | {f"{NAMESPACE}:sshPrivateKey": "[secret]"}


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("zt-ecpm:routers", "zt-ecmp:routers"), ("zt_ecmp:routers", "zt-ecmp:routers"), ("ztecmp:rooters", "zt-ecmp:routers")],
)
def test_a_misspelt_namespace_is_named_with_the_key_it_meant(typo: str, meant: str) -> None:
    values = _qualified("gk41")
    values[typo] = values.pop("zt-ecmp:routers")
    namespace = typo.partition(":")[0]
    with pytest.raises(ConfigError) as refused:
        parse_qualified_settings(values, {"zt-ecmp:sshPrivateKey"})
    assert refused.value.problems == [
        f"{typo}: namespace {namespace!r} is not this project's (zt-ecmp), so nothing reads it; did you mean {meant}?",
        "routers: required but not set; see the configuration reference in README.md",
    ]


def test_a_misspelt_namespace_is_refused_even_when_the_lab_is_complete() -> None:
    values = _qualified("gk41") | {"zt-ecmpp:paths": {"count": 2}}
    with pytest.raises(ConfigError) as refused:
        parse_qualified_settings(values, {"zt-ecmp:sshPrivateKey"})
    assert refused.value.problems == [
        "zt-ecmpp:paths: namespace 'zt-ecmpp' is not this project's (zt-ecmp), so nothing reads it; did you mean zt-ecmp:paths?"
    ]


def test_the_providers_and_the_engines_namespaces_are_accepted() -> None:
    others = {
        "zerotier:zerotierCentralToken": "[secret]",
        "zerotier:zerotierCentralUrl": "https://controller.example/api/v1",
        "pulumi:disable-default-providers": '["docker"]',
        "docker:host": "unix:///var/run/docker.sock",
        "command:ignoreErrors": "false",
    }
    settings = parse_qualified_settings(_qualified("gk41") | others, {"zt-ecmp:sshPrivateKey", "zerotier:zerotierCentralToken"})
    assert settings.lab.paths.count == 4


def test_a_misspelt_namespace_in_the_runtime_config_is_refused_before_any_resource() -> None:
    project, values, secrets = load_stack_without_secrets("gk41")
    values["zt-ecpm:paths"] = values.pop("zt-ecmp:paths")
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"zt-ecpm:paths: namespace 'zt-ecpm' is not this project's .*did you mean zt-ecmp:paths\?"):
        run_offline(project, "gk41", values, secrets, program=program)
    assert registered == []


def test_a_central_token_in_plain_text_is_refused_before_anything_is_registered() -> None:
    # Pulumi.yaml cannot declare the provider's token secret, so the program refuses a plain one itself.
    project, values, secrets = load_stack_file("gk41")
    values["zt-ecmp:sshPrivateKey"] = "[secret]"
    secrets.add("zt-ecmp:sshPrivateKey")
    values["zerotier:zerotierCentralToken"] = "FAKE-PLAIN-TOKEN"
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"zerotier:zerotierCentralToken: stored in plain text.*--secret"):
        run_offline(project, "gk41", values, secrets, program=program)
    assert registered == []
    secrets.add("zerotier:zerotierCentralToken")
    run_offline(project, "gk41", values, secrets, program=program)
    assert registered == ["program ran"]


def test_an_agent_only_stack_may_hold_the_key_that_pulumi_yaml_requires_of_every_stack() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "[secret]"}
    for router in values["routers"]:
        router["ssh"]["auth"] = "agent"
    assert parse_stack_settings(values, secret_names={"sshPrivateKey"}).private_key_settings == {}
    with pytest.raises(ConfigError, match="sshPrivateKey: unknown setting"):
        parse_stack_settings(values, secret_names=set())
