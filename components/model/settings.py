"""Stack configuration: the validated, immutable model of one lab.

Every key a stack file may set lives here, in camelCase as it appears in ``Pulumi.<stack>.yaml``
under the ``zt-ecmp:`` namespace. Validation happens in this module, before the Pulumi program
registers a single resource, and every error names the setting's full path, the value that was
given and what would have been valid; a value it suggests is itself accepted. Only the check that
needs the stack's name (VyOS container names) waits for the plan (components/plan.py).
"""

from __future__ import annotations

import difflib
import ipaddress
import itertools
import re
import typing
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from components.model.flavors import ContainerRuntime, RouterFlavor, flavor

LinkSpeed = Literal["1G", "2.5G", "5G", "10G", "25G", "40G", "50G", "100G"]
LINK_SPEED_GBPS: Mapping[str, float] = {
    "1G": 1.0,
    "2.5G": 2.5,
    "5G": 5.0,
    "10G": 10.0,
    "25G": 25.0,
    "40G": 40.0,
    "50G": 50.0,
    "100G": 100.0,
}
ScalingMode = Literal["multi-instance", "multicore", "hybrid"]

MAX_PATHS = 64
LINUX_IFNAME_MAX = 15  # IFNAMSIZ - 1
# zerotier-one skips interfaces with these prefixes on Linux when choosing underlay paths;
# a path interface named "zt..." can therefore never carry another instance's traffic.
ZEROTIER_IGNORED_PREFIX = "zt"
# Every prefix zerotier-one itself never binds on Linux (service/OneService.cpp, shouldBindInterface):
# an underlay named like this is never used, whatever the blacklist says.
ZEROTIER_NEVER_BINDS = ("lo", "zt", "tun", "tap")
# Interfaces that must never carry an instance's UDP: the floating /32's dummy, other tunnels, and the
# bridges and veths of container engines (Docker's docker0, Podman's podman0 and cni-podman0, VyOS's
# container networks pod-<name>, libvirt's virbr0).
DEFAULT_BLACKLIST_PREFIXES = ("dum", "wg", "vti", "vtun", "br", "veth", "docker", "podman", "cni", "pod-", "virbr")
# Addresses no floating IP or transit supernet may use: none of them is a unicast address a router can own
# and route to the other router. The broadcast address comes first so that it is named for what it is.
SPECIAL_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (ipaddress.IPv4Network("255.255.255.255/32"), "the limited broadcast address"),
    (ipaddress.IPv4Network("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local (169.254.0.0/16)"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
    (ipaddress.IPv4Network("240.0.0.0/4"), "reserved (240.0.0.0/4)"),
)
# Where suggested transit supernets and floating IPs are looked for: the private ranges, in order.
PRIVATE_POOLS = (ipaddress.IPv4Network("10.0.0.0/8"), ipaddress.IPv4Network("172.16.0.0/12"), ipaddress.IPv4Network("192.168.0.0/16"))
DEFAULT_FLOATING_IPS = (ipaddress.IPv4Interface("10.0.55.1/32"), ipaddress.IPv4Interface("10.0.55.2/32"))
# How many candidates a suggestion tries before giving up; the first few almost always fit.
SUGGESTION_CANDIDATES = 4096
# Ports a router may already serve, which no path may take: each instance binds its port for UDP and for its
# local API on TCP, so a service on either protocol clashes. Curated: what VyOS or a lab router runs, and
# what this lab itself uses.
RESERVED_PORTS: Mapping[int, str] = {
    22: "SSH",
    53: "DNS (a router's forwarder or resolver)",
    67: "DHCP servers",
    68: "DHCP clients (a router that takes its address by DHCP)",
    123: "NTP, which VyOS serves and uses by default",
    161: "SNMP",
    162: "SNMP traps",
    179: "BGP",
    443: "VyOS's HTTPS API",
    500: "IKE (IPsec key exchange)",
    1194: "OpenVPN",
    2375: "Docker's API over TCP (a tcp:// dockerHost)",
    2376: "Docker's API over TLS (a tcp:// dockerHost)",
    3784: "BFD, which this lab runs on every path",
    3785: "BFD echo, which this lab's BFD may use",
    4500: "IKE behind NAT (IPsec)",
    4784: "multi-hop BFD",
    4789: "VXLAN",
    # components/ops/iperf.py IPERF_PORT: the sweep measures the paths with iperf3 on the routers.
    5201: "iperf3, which this lab's sweep runs on the routers",
    9993: "a system zerotier-one (its default port)",
    51820: "WireGuard (its usual port)",
}
# zerotier-one sends UDP datagrams with at most ZT_DEFAULT_PHYSMTU bytes of payload unless local.conf raises
# it for a subnet (zerotier/ZeroTierOne, include/ZeroTierOne.h, pulled into node/Constants.hpp); the
# underlay must carry that plus the IPv4 (20) and UDP (8) headers without fragmenting.
ZT_DEFAULT_PHYSMTU = 1432
IPV4_UDP_HEADERS = 28
ZEROTIER_MIN_UNDERLAY_MTU = ZT_DEFAULT_PHYSMTU + IPV4_UDP_HEADERS
# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 characters at most.
DNS_NAME = re.compile(r"^(?=.{1,253}\.?$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
IMAGE_WITH_TAG = re.compile(r"^[a-z0-9][a-z0-9._/-]*(:[0-9]+)?(/[a-z0-9._-]+)*:[A-Za-z0-9_.-]+(@sha256:[0-9a-f]{64})?$")
IFNAME = re.compile(r"^[A-Za-z0-9_.-]+$")
NETWORK_ID = re.compile(r"^[0-9a-f]{16}$")


class ConfigError(ValueError):
    """A stack configuration that cannot be built, with one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class _Model(BaseModel):
    """Frozen, strict about unknown keys, camelCase in YAML and snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        validate_default=True,
    )


def _bare_host_problem(host: str) -> str | None:
    """Why ``host`` is not an IPv4 address, an IPv6 address or a DNS name; None when it is one."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if host.startswith("[") and host.endswith("]"):
        return f"write the IPv6 address without brackets: {host[1:-1]}"
    if not DNS_NAME.match(host):
        return "it is not an IPv4 address, an IPv6 address or a DNS name"
    if all(label.isdigit() for label in host.rstrip(".").split(".")):
        return "it is not a valid IPv4 address"
    return None


def _split_ssh_target(value: str) -> tuple[str | None, str, str | None]:
    """(user, host, port) of something written the way ssh or a URL takes it: ``[scheme://][user@]host[:port]``."""
    rest = URL_SCHEME.sub("", value).rstrip("/")
    user, _, rest = rest.rpartition("@")
    if (bracketed := re.fullmatch(r"\[(.+)\]:(\d+)", rest)) is not None:
        return user or None, bracketed[1], bracketed[2]
    if (with_port := re.fullmatch(r"([^:]+):(\d+)", rest)) is not None:
        return user or None, with_port[1], with_port[2]
    return user or None, rest, None


def _ssh_host_problem(value: str) -> str | None:
    """Why ``value`` cannot be ssh.host, with the settings that say what it tried to say; None when it can."""
    if _bare_host_problem(value) is None:
        return None
    user, host, port = _split_ssh_target(value)
    parts = [
        *(["a scheme"] if URL_SCHEME.match(value) else []),
        *(["a user"] if user else []),
        *(["a port"] if port else []),
    ]
    if not parts:
        return f"{value!r} cannot be an SSH host: {_bare_host_problem(value)}"
    fixes = [f"ssh.host: {host}"]
    if user:
        fixes.append(f"ssh.user: {user}")
    if port is not None:
        if not 1 <= int(port) <= 65535:
            return f"{value!r} has a port, and {port} is outside 1..65535; give the host alone in ssh.host and the port in ssh.port"
        fixes.append(f"ssh.port: {port}")
    if (host_problem := _bare_host_problem(host)) is not None:
        return f"{value!r} has {' and '.join(parts)} in it, and its host {host!r} is no host either: {host_problem}"
    return f"{value!r} has {' and '.join(parts)} in it; ssh.host takes the host alone: set {', '.join(fixes)}"


class SshConfig(_Model):
    host: str = Field(
        min_length=1,
        description="IPv4 address, IPv6 address or DNS name the router's SSH server answers on; the user and port go in `user` and `port`.",
    )
    port: int = Field(default=22, ge=1, le=65535, description="SSH port.")
    user: str = Field(default="vyos", min_length=1, description="Login user.")
    auth: Literal["key", "agent"] = Field(
        default="key",
        description="`key`: the private key in the secret config key named by `privateKeyConfig`; "
        "`agent`: the operator's ssh-agent (SSH_AUTH_SOCK).",
    )
    private_key_config: str = Field(
        default="sshPrivateKey",
        pattern=r"^[A-Za-z][A-Za-z0-9]*$",
        description="Name of the secret stack setting (in this project's namespace) that holds the private key.",
    )
    host_key: str = Field(
        description="The router's public SSH host key (`ssh-ed25519 AAAA...`), verified on every connection (no trust on first use).",
    )

    @field_validator("host")
    @classmethod
    def _host_shape(cls, value: str) -> str:
        if (problem := _ssh_host_problem(value)) is not None:
            raise ValueError(problem)
        return value

    @field_validator("host_key")
    @classmethod
    def _host_key_shape(cls, value: str) -> str:
        if not re.match(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+$", value):
            raise ValueError(f"{value!r} is not a public host key; expected '<type> <base64>' as printed by ssh-keyscan")
        return value


# --- underlay tuning: what a stack may set on a router's underlay interface --------------------------
# Every setting is optional: what a stack leaves out is never touched on the router.

# VyOS's `interfaces ethernet <if> mtu` and `ring-buffer rx|tx` ranges.
MTU_RANGE = (68, 16000)
RING_RANGE = (80, 16384)
HALF_DUPLEX_MAX_GBPS = 1.0  # no Ethernet standard above 1000BASE-T defines half duplex


class NicConfig(_Model):
    model: str = Field(default="", description="NIC or chip, for reports and error messages.")
    speeds: tuple[LinkSpeed, ...] = Field(min_length=1, description="Link speeds the NIC can run at.")
    max_mtu: int = Field(default=1500, ge=MTU_RANGE[0], description="Largest MTU its driver accepts (`ip -d link` maxmtu).")
    max_rx_ring: int | None = Field(
        default=None, ge=1, description="Largest receive ring (`ethtool -g`, pre-set maximums); omitted: the driver cannot change it."
    )
    max_tx_ring: int | None = Field(
        default=None, ge=1, description="Largest transmit ring (`ethtool -g`, pre-set maximums); omitted: the driver cannot change it."
    )


class RingBufferConfig(_Model):
    rx: int | None = Field(default=None, ge=RING_RANGE[0], le=RING_RANGE[1], description="Receive ring descriptors (`ethtool -G rx`).")
    tx: int | None = Field(default=None, ge=RING_RANGE[0], le=RING_RANGE[1], description="Transmit ring descriptors (`ethtool -G tx`).")


class OffloadConfig(_Model):
    gro: bool | None = Field(default=None, description="Generic receive offload: `true` on, `false` off, omitted: left as it is.")
    gso: bool | None = Field(default=None, description="Generic segmentation offload.")
    lro: bool | None = Field(default=None, description="Large receive offload; only `false` is accepted on a router.")
    rps: bool | None = Field(default=None, description="Receive packet steering over all CPUs, for NICs with a single receive queue.")
    sg: bool | None = Field(default=None, description="Scatter-gather.")
    tso: bool | None = Field(default=None, description="TCP segmentation offload.")


class SocketBuffersConfig(_Model):
    max_bytes: int | None = Field(
        default=None,
        ge=4096,
        le=2**31 - 1,
        description="net.core.rmem_max and wmem_max; omitted: sized from `underlay.speed` (see README).",
    )
    default_bytes: int | None = Field(
        default=None,
        ge=4096,
        le=2**31 - 1,
        description="net.core.rmem_default and wmem_default; omitted: a quarter of the max, at least the kernel's 212992.",
    )


class UnderlayConfig(_Model):
    interface: str = Field(min_length=1, max_length=LINUX_IFNAME_MAX, description="Physical interface the instances send their UDP over.")
    speed: LinkSpeed = Field(
        description="Link speed: the capacity estimate, the socket buffer sizing and, with `negotiation: fixed`, the NIC's speed."
    )
    negotiation: Literal["auto", "fixed"] | None = Field(
        default=None,
        description="`auto`: speed and duplex negotiated; `fixed`: forced to `speed` and `duplex`; omitted: left as it is.",
    )
    duplex: Literal["full", "half"] | None = Field(default=None, description="Duplex with `negotiation: fixed`; defaults to full.")
    # The range is checked with the NIC's own limit (_underlay_problems), so that one message gives the whole of it.
    mtu: int | None = Field(
        default=None,
        description=f"Interface MTU, at least {ZEROTIER_MIN_UNDERLAY_MTU} (zerotier-one's {ZT_DEFAULT_PHYSMTU}-byte datagrams "
        "with their IPv4 and UDP headers); above 1500 only where both ends and the switch pass jumbo frames.",
    )
    address: ipaddress.IPv4Interface = Field(
        description="This router's own address on the underlay, with its prefix length (e.g. 198.51.100.1/29): "
        "every instance binds to it and to nothing else.",
    )
    ring_buffer: RingBufferConfig | None = None
    offload: OffloadConfig | None = None
    socket_buffers: SocketBuffersConfig | None = Field(default=None, description="UDP socket buffer limits; omitted: left as they are.")


class RouterConfig(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,30}$", description="Short router name used in resource names.")
    ssh: SshConfig
    flavor: RouterFlavor = Field(default="vyos", description="How routing is configured: VyOS commands or iproute2/sysctl.")
    runtime: ContainerRuntime | None = Field(
        default=None,
        description="What runs the ZeroTier containers: VyOS's own `container` (Podman; the default on VyOS) or a Docker engine "
        "(the default on Linux).",
    )
    docker_installed: bool = Field(
        default=False,
        description="VyOS only: Docker's CLI and daemon were installed on this router by its operator (stock VyOS has neither); "
        "required for runtime docker on VyOS.",
    )
    docker_host: str | None = Field(
        default=None,
        description="Docker endpoint (`ssh://user@host:port` or `tcp://host:port`); defaults to SSH to the router.",
    )
    underlay: UnderlayConfig
    cpus: tuple[Annotated[int, Field(ge=0)], ...] = Field(
        default=(),
        description="Logical CPU ids the instances are pinned to, in path order; empty means no pinning.",
    )
    floating_ip: ipaddress.IPv4Interface | None = Field(
        default=None,
        description="Floating /32 on the dummy interface; defaults to 10.0.55.1/32 for the first router and .2 for the second.",
    )

    @property
    def container_runtime(self) -> ContainerRuntime:
        """The runtime the stack names, or the flavor's own: VyOS's Podman-based `container`, Docker on Linux."""
        if self.runtime is not None:
            return self.runtime
        return flavor(self.flavor).default_runtime

    @field_validator("docker_host")
    @classmethod
    def _docker_scheme(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(ssh|tcp|unix)://\S+$", value):
            raise ValueError(f"{value!r} is not a Docker endpoint; expected ssh://user@host[:port], tcp://host:port or unix:///path")
        return value


class PathsConfig(_Model):
    count: int = Field(ge=1, le=MAX_PATHS, description="N: ZeroTier instances per router, one per path.")
    active: int | None = Field(default=None, ge=1, le=MAX_PATHS, description="K: paths whose routes are enabled (1..N); defaults to N.")


class AddressingConfig(_Model):
    transit_supernet: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.14.0.0/24"), description="Carved into /30s in order, one per path."
    )
    dummy_interface: str = Field(default="dum0", pattern=r"^dum[0-9]+$", description="Dummy interface holding the floating /32.")
    floating_on: Literal["dummy", "loopback"] = Field(
        default="dummy",
        description="Where the floating /32 lives: the dummy interface (default) or `lo`, for hosts whose kernel has no dummy driver.",
    )


# VyOS's grammar accepts 10..60000 ms for `protocols bfd profile P interval receive|transmit` and 2..255
# for `interval multiplier`; FRR's bfdd accepts the same ranges.
BFD_INTERVAL_MS = (10, 60000)
BFD_MULTIPLIER = (2, 255)


class BfdConfig(_Model):
    enabled: bool = Field(
        default=True,
        description="Track every next-hop to the peer's floating IP with BFD, so a dead path leaves the route on its own.",
    )
    interval_ms: int = Field(default=300, description="BFD transmit and receive interval, ms (10..60000).")
    multiplier: int = Field(
        default=3, description="Missed BFD packets before a path is declared down (2..255); detection takes intervalMs x multiplier."
    )

    @field_validator("interval_ms")
    @classmethod
    def _interval_range(cls, value: int) -> int:
        low, high = BFD_INTERVAL_MS
        if not low <= value <= high:
            raise ValueError(f"{value} ms is outside the BFD interval range VyOS and FRR accept: {low}..{high} ms")
        return value

    @field_validator("multiplier")
    @classmethod
    def _multiplier_range(cls, value: int) -> int:
        low, high = BFD_MULTIPLIER
        if not low <= value <= high:
            raise ValueError(f"{value} is outside the BFD detection multiplier range VyOS and FRR accept: {low}..{high}")
        return value


class RoutingConfig(_Model):
    commit_confirm_minutes: int = Field(
        default=5, ge=1, le=60, description="VyOS rolls a commit back after this many minutes unless the router still answers over SSH."
    )
    open_firewall: bool = Field(
        default=False, description="Add firewall rules admitting the instances' UDP ports on the underlay interface."
    )
    bfd: BfdConfig = BfdConfig()
    linux_routes: Literal["iproute2", "frr"] = Field(
        default="iproute2",
        description="Who owns the route on routers with flavor linux: `iproute2` (one `ip route`, not self-healing) or "
        "`frr` (FRR's OSPF over the active paths with BFD: a dead or restarted path leaves and rejoins the route by itself).",
    )


class ZeroTierConfig(_Model):
    image: str = Field(default="zerotier/zerotier:1.14.2", description="Container image with a pinned tag (or digest).")
    base_port: int = Field(default=9993, ge=1, le=65535 - 1, description="Path i listens on basePort + i (UDP, and TCP for its local API).")
    ports: tuple[int, ...] | None = Field(default=None, description="Explicit port per path, overriding basePort.")
    interface_prefix: str = Field(default="ztecmp", description="Path i's interface is named <prefix><i>.")
    interfaces: tuple[str, ...] | None = Field(default=None, description="Explicit interface name per path, overriding interfacePrefix.")
    blacklist_prefixes: tuple[str, ...] = Field(
        default=DEFAULT_BLACKLIST_PREFIXES,
        description="Interface prefixes no instance may use as an underlay, besides the path interfaces themselves.",
    )
    mode: ScalingMode = Field(default="multi-instance", description="How the lab uses more than one core; see the README.")
    concurrency: int | None = Field(default=None, description="Threads per instance in multicore and hybrid modes.")
    cpus_per_instance: int | None = Field(
        default=None, ge=1, description="CPUs each instance is pinned to; 1 in multi-instance mode, all listed CPUs in multicore mode."
    )
    networks: tuple[str, ...] | None = Field(
        default=None, description="Bring your own: existing network id per path; no ZeroTier network or member is created."
    )

    @field_validator("image")
    @classmethod
    def _pinned_image(cls, value: str) -> str:
        if not IMAGE_WITH_TAG.match(value) or value.endswith(":latest"):
            raise ValueError(f"{value!r} is not a pinned image; expected repository:tag with a fixed tag such as zerotier/zerotier:1.14.2")
        return value

    @field_validator("networks")
    @classmethod
    def _network_ids(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for nwid in value or ():
            if not NETWORK_ID.match(nwid):
                raise ValueError(f"{nwid!r} is not a ZeroTier network id; expected 16 lowercase hex digits")
        if (duplicate := _first_duplicate(list(value or ()))) is not None:
            # Each path is a point-to-point network of its own: two instances of a router on one network
            # would share its /30 and the paths would no longer be independent.
            paths = [str(index) for index, nwid in enumerate(value or (), start=1) if nwid == duplicate]
            raise ValueError(
                f"network id {duplicate} is given for paths {' and '.join(paths)}; every path is its own ZeroTier network, "
                "give each path a different network id"
            )
        return value


class HardwareConfig(_Model):
    model: str = Field(min_length=1, description="Hardware model, for reports.")
    cpu: str = Field(default="", description="Processor, for reports.")
    performance_cores: int = Field(ge=1, le=512, description="Performance (or only) cores.")
    efficiency_cores: int = Field(default=0, ge=0, le=512, description="Efficiency cores.")
    threads_per_performance_core: int = Field(default=1, ge=1, le=2, description="2 where performance cores have SMT.")
    instance_gbps: float = Field(gt=0, description="Estimated throughput of one ZeroTier instance on one core, Gbit/s.")
    published_reference: Literal["gk41", "ms01"] | None = Field(
        default=None, description="Which published measurements to show beside ours."
    )
    nic: NicConfig | None = Field(default=None, description="What the underlay NIC can do; the underlay settings are checked against it.")

    @property
    def logical_cpus(self) -> int:
        return self.performance_cores * self.threads_per_performance_core + self.efficiency_cores


def _first_duplicate(values: list[Any]) -> Any | None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    return repeated[0] if repeated else None


class LabConfig(_Model):
    """One stack's whole lab, as written under ``zt-ecmp:`` in its stack file."""

    hardware: HardwareConfig
    routers: tuple[RouterConfig, ...]
    paths: PathsConfig
    addressing: AddressingConfig = AddressingConfig()
    zerotier: ZeroTierConfig = ZeroTierConfig()
    routing: RoutingConfig = RoutingConfig()

    @field_validator("routers", mode="before")
    @classmethod
    def _exactly_two_routers(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) != 2:
            raise ValueError(f"{len(value)} router(s) given; a lab joins exactly two routers")
        return value

    @property
    def path_count(self) -> int:
        return self.paths.count

    @property
    def active_paths(self) -> int:
        return self.paths.active if self.paths.active is not None else self.paths.count

    @property
    def cpus_per_instance(self) -> int:
        zt = self.zerotier
        if zt.cpus_per_instance is not None:
            return zt.cpus_per_instance
        if zt.mode == "multicore":
            return max(1, min(len(router.cpus) for router in self.routers) or self.hardware.logical_cpus)
        return 1

    def path_ports(self) -> tuple[int, ...]:
        zt = self.zerotier
        if zt.ports is not None:
            return zt.ports
        return tuple(zt.base_port + index for index in range(1, self.path_count + 1))

    def path_interfaces(self) -> tuple[str, ...]:
        zt = self.zerotier
        if zt.interfaces is not None:
            return zt.interfaces
        return tuple(f"{zt.interface_prefix}{index}" for index in range(1, self.path_count + 1))

    def path_interface_prefix(self) -> str:
        """The longest prefix all path interfaces share: at least "zt", since every name must start with it."""
        names = self.path_interfaces()
        length = 0
        while all(len(name) > length and name[length] == names[0][length] for name in names):
            length += 1
        return names[0][:length]

    def floating_ips(self) -> tuple[ipaddress.IPv4Interface, ...]:
        """Each router's floating /32, in router order: its own setting, or its default."""
        return tuple(router.floating_ip or DEFAULT_FLOATING_IPS[position] for position, router in enumerate(self.routers))

    def underlay_networks(self) -> list[tuple[str, ipaddress.IPv4Network]]:
        """(setting, network) of each router's underlay address."""
        return [(f"routers[{position}].underlay.address", router.underlay.address.network) for position, router in enumerate(self.routers)]

    def management_addresses(self) -> list[tuple[str, ipaddress.IPv4Address]]:
        """(setting, address) of every way in to the routers that is an IPv4 address: SSH hosts and Docker endpoints."""
        found = []
        for position, router in enumerate(self.routers):
            for setting, host in (("ssh.host", router.ssh.host), ("dockerHost", _endpoint_host(router.docker_host))):
                address = _ipv4(host)
                if address is not None:
                    found.append((f"routers[{position}].{setting}", address))
        return found

    @model_validator(mode="after")
    def _cross_checks(self) -> LabConfig:
        problems = [
            *self._check_paths(),
            *self._check_addressing(),
            *self._check_ports_and_interfaces(),
            *self._check_routers(),
            *self._check_scaling(),
            *self._check_underlay(),
            *self._check_underlay_is_usable(),
            *self._check_linux_routes(),
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _check_paths(self) -> list[str]:
        n, k = self.paths.count, self.active_paths
        if k > n:
            return [f"paths.active: {k} is more than paths.count ({n}); choose 1..{n}"]
        return []

    def _check_addressing(self) -> list[str]:
        return [*self._check_supernet(), *self._check_floating_ips()]

    def _needed_supernet_prefix(self) -> int:
        """The longest prefix whose network still holds one /30 per path."""
        return 30 - (self.paths.count - 1).bit_length()

    def _supernet_conflicts(self, supernet: ipaddress.IPv4Network, *, with_floating: bool = False) -> list[tuple[str, str]]:
        """(what the supernet collides with, why that breaks the lab) for everything it must stay clear of."""
        conflicts = [
            (f"overlaps {name}", "the paths need unicast addresses a router can own and route")
            for network, name in SPECIAL_RANGES
            if supernet.overlaps(network)
        ][:1]
        underlays: dict[ipaddress.IPv4Network, list[str]] = {}
        for setting, network in self.underlay_networks():
            if supernet.overlaps(network):
                underlays.setdefault(network, []).append(setting)
        conflicts += [
            (
                f"overlaps the underlay network {network} of {' and '.join(settings)}",
                "every instance refuses the transit supernet as a physical path, so none would send over this underlay",
            )
            for network, settings in underlays.items()
        ]
        conflicts += [
            (
                f"contains {setting} {address}",
                "a path /30 would take the route to it, and the lab would lose its way in to the router",
            )
            for setting, address in self.management_addresses()
            if address in supernet
        ]
        if with_floating:
            conflicts += [
                (f"contains routers[{position}].floatingIp {address.ip}", "a floating IP must lie outside the supernet")
                for position, address in enumerate(self.floating_ips())
                if address.ip in supernet
            ]
        return conflicts

    def _free_supernet(self, prefixlen: int, preferred: ipaddress.IPv4Network | None = None) -> ipaddress.IPv4Network | None:
        """A /prefixlen the lab could use instead: ``preferred`` if it fits, else the first free one of the private ranges."""
        pools = (pool.subnets(new_prefix=prefixlen) for pool in PRIVATE_POOLS if pool.prefixlen <= prefixlen)
        candidates = itertools.chain([preferred] if preferred is not None else [], *pools)
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if not self._supernet_conflicts(candidate, with_floating=True):
                return candidate
        return None

    def _supernet_hint(self, preferred: ipaddress.IPv4Network | None = None) -> str:
        """What to use instead: any network large enough that is clear of everything, and one such network, of the current
        size where one is free and of the smallest size that fits otherwise."""
        needed = self._needed_supernet_prefix()
        current = self.addressing.transit_supernet.prefixlen
        free = self._free_supernet(min(current, needed), preferred) or self._free_supernet(needed)
        if free is None:
            return f"use a /{needed} or larger that overlaps no underlay, management address or floating IP"
        return f"use a /{needed} or larger that overlaps nothing else the lab uses, such as {free}"

    def _check_supernet(self) -> list[str]:
        supernet, setting = self.addressing.transit_supernet, "addressing.transitSupernet"
        needed = self._needed_supernet_prefix()
        problems: list[str] = []
        if supernet.prefixlen > needed:
            size = (
                "is smaller than one /30"
                if supernet.prefixlen > 30
                else f"holds {2 ** (30 - supernet.prefixlen)} /30s but paths.count is {self.paths.count}"
            )
            problems.append(f"{setting}: {supernet} {size}; {self._supernet_hint(supernet.supernet(new_prefix=needed))}")
        for conflict, why in self._supernet_conflicts(supernet):
            problems.append(f"{setting}: {supernet} {conflict}; {why}; {self._supernet_hint()}")
        return problems

    def _floating_conflicts(self, address: ipaddress.IPv4Address) -> list[tuple[str, str]]:
        """(where the address lies, why that breaks the lab) for a floating IP, apart from the two being equal."""
        conflicts = [
            (f"is {name}", "not a unicast address a router can own and route") for network, name in SPECIAL_RANGES if address in network
        ][:1]
        supernet = self.addressing.transit_supernet
        if address in supernet:
            conflicts.append((f"lies inside addressing.transitSupernet {supernet}", "the path /30s are carved from it"))
        underlays: dict[ipaddress.IPv4Network, list[str]] = {}
        for setting, network in self.underlay_networks():
            if address in network:
                underlays.setdefault(network, []).append(setting)
        conflicts += [
            (
                f"lies inside the underlay network {network} of {' and '.join(settings)}",
                "with every path down, traffic to it would take the underlay's own route, unencrypted and around the paths",
            )
            for network, settings in underlays.items()
        ]
        return conflicts

    def _free_floating_ip(self, position: int) -> ipaddress.IPv4Interface | None:
        """A floating /32 for this router that nothing refuses: its default if it fits, else the first free private address."""
        other = self.floating_ips()[1 - position].ip
        candidates = itertools.chain(
            [DEFAULT_FLOATING_IPS[position].ip],
            DEFAULT_FLOATING_IPS[position].network.supernet(new_prefix=24).hosts(),
            *(pool.hosts() for pool in PRIVATE_POOLS),
        )
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if candidate != other and not self._floating_conflicts(candidate):
                return ipaddress.IPv4Interface(f"{candidate}/32")
        return None

    def _floating_hint(self, position: int) -> str:
        free = self._free_floating_ip(position)
        return "use a private /32 outside the supernet and the underlay networks" if free is None else f"use a free address such as {free}"

    def _check_floating_ips(self) -> list[str]:
        problems: list[str] = []
        floating = self.floating_ips()
        for position, address in enumerate(floating):
            setting = f"routers[{position}].floatingIp"
            if address.network.prefixlen != 32:
                problems.append(f"{setting}: {address} is not a /32; a floating IP is a single host address: use {address.ip}/32")
            for conflict, why in self._floating_conflicts(address.ip):
                problems.append(f"{setting}: {address.ip} {conflict}; {why}; {self._floating_hint(position)}")
        if floating[0].ip == floating[1].ip:
            problems.append(
                f"routers[1].floatingIp: {floating[1].ip} equals routers[0].floatingIp; each router needs its own floating IP; "
                f"{self._floating_hint(1)}"
            )
        return problems

    def _check_ports_and_interfaces(self) -> list[str]:
        return [*self._check_ports(), *self._check_interfaces_and_networks()]

    def _port_taken_by(self, port: int) -> str | None:
        """What on a router already listens on ``port`` (and so refuses it to an instance), or None."""
        for position, router in enumerate(self.routers):
            if port == router.ssh.port:
                return f"routers[{position}].ssh.port, where {router.name}'s SSH server listens"
        if port in RESERVED_PORTS:
            return f"the port of {RESERVED_PORTS[port]}"
        return None

    def _port_accepted(self, port: int) -> bool:
        return 1 <= port <= 65535 and self._port_taken_by(port) is None

    def _free_base_port(self) -> int | None:
        """The basePort nearest the current one whose paths all get an accepted port."""
        n, current = self.paths.count, self.zerotier.base_port
        for distance in range(65536):
            for base in (current + distance, current - distance):
                if 1 <= base <= 65535 - n and all(self._port_accepted(base + index) for index in range(1, n + 1)):
                    return base
        return None

    def _free_ports(self) -> list[int]:
        """zerotier.ports with every refused or repeated port replaced by the next free one, one per path."""
        given = list(self.zerotier.ports or ())[: self.paths.count]
        kept: list[int | None] = []
        for port in given:
            accepted = self._port_accepted(port) and port not in kept
            kept.append(port if accepted else None)
        kept += [None] * (self.paths.count - len(kept))
        used = {port for port in kept if port is not None}
        candidate = max(used, default=self.zerotier.base_port)
        free = (port for port in itertools.chain(range(candidate + 1, 65536), range(1024, candidate + 1)) if self._port_accepted(port))
        return [port if port is not None else next(p for p in free if p not in used) for port in kept]

    def _port_hint(self) -> str:
        n = self.paths.count
        if self.zerotier.ports is not None:
            return f"use ports [{', '.join(str(port) for port in self._free_ports())}]"
        base = self._free_base_port()
        if base is None:
            return "no basePort gives every path a free port; give zerotier.ports explicitly"
        ports = f"port {base + 1}" if n == 1 else f"ports {base + 1}..{base + n}"
        return f"use basePort {base} ({ports}), which clashes with nothing"

    def _check_ports(self) -> list[str]:
        zt, n = self.zerotier, self.paths.count
        ports = self.path_ports()
        setting = "zerotier.ports" if zt.ports is not None else "zerotier.basePort"
        found: list[str] = []
        if zt.ports is not None and len(zt.ports) != n:
            found.append(f"{len(zt.ports)} ports given for paths.count {n}; give exactly one per path")
        outside = next((port for port in ports if not 1 <= port <= 65535), None)
        if outside is not None:
            which = "" if zt.ports is not None else f" (path ports are basePort + 1 .. basePort + {n})"
            found.append(f"port {outside} is outside 1..65535{which}")
        if (duplicate := _first_duplicate(list(ports))) is not None:
            found.append(f"port {duplicate} is used by more than one path; every instance on a router needs its own UDP and TCP port")
        for index, port in enumerate(ports, start=1):
            if (taken := self._port_taken_by(port)) is not None:
                found.append(f"port {port} (path {index}) is {taken}; every instance binds its port for UDP and for its local API on TCP")
        if not found:
            return []
        hint = self._port_hint()
        return [f"{setting}: {problem}; {hint}" for problem in found]

    def _check_interfaces_and_networks(self) -> list[str]:
        problems: list[str] = []
        zt, n = self.zerotier, self.paths.count
        if zt.interfaces is not None and len(zt.interfaces) != n:
            problems.append(f"zerotier.interfaces: {len(zt.interfaces)} names given for paths.count {n}; give exactly one per path")
        names_setting = "zerotier.interfaces" if zt.interfaces is not None else "zerotier.interfacePrefix"
        for name in self.path_interfaces():
            if not name.startswith(ZEROTIER_IGNORED_PREFIX):
                problems.append(
                    f"{names_setting}: interface {name!r} does not start with 'zt'; zerotier-one only ignores zt* interfaces as underlays"
                )
                break
            elif len(name) > LINUX_IFNAME_MAX or not IFNAME.match(name):
                problems.append(
                    f"{names_setting}: interface {name!r} is not a Linux interface name; "
                    f"use at most {LINUX_IFNAME_MAX} of A-Z a-z 0-9 _ . -"
                )
                break
        if (duplicate := _first_duplicate(list(self.path_interfaces()))) is not None:
            problems.append(f"{names_setting}: interface {duplicate!r} is used by more than one path; names must be unique per router")
        if zt.networks is not None and len(zt.networks) != n:
            problems.append(f"zerotier.networks: {len(zt.networks)} network ids given for paths.count {n}; give exactly one per path")
        return problems

    def _check_routers(self) -> list[str]:
        problems: list[str] = []
        first, second = self.routers
        if first.name == second.name:
            problems.append(f"routers[1].name: {second.name!r} is also routers[0].name; router names must differ")
        for position, router in enumerate(self.routers):
            capabilities = flavor(router.flavor)
            if router.runtime == "vyos" and "vyos" not in capabilities.runtimes:
                problems.append(
                    f"routers[{position}].runtime: 'vyos' runs the instances as VyOS containers, which needs flavor 'vyos'; "
                    f"use runtime {capabilities.default_runtime!r} on a {capabilities.title} router"
                )
            if capabilities.docker_needs_installing and router.runtime == "docker" and not router.docker_installed:
                # VyOS's `container` is Podman; the Docker provider's ssh:// transport runs `docker system
                # dial-stdio` on the router, which a stock VyOS image cannot.
                problems.append(
                    f"routers[{position}].runtime: 'docker' on a VyOS router needs Docker installed on it, and stock VyOS has no "
                    f"Docker (its containers run on Podman); use runtime 'vyos' (the default on VyOS), or set "
                    f"routers[{position}].dockerInstalled: true once Docker's CLI and daemon are installed there"
                )
            if router.docker_installed and not capabilities.docker_needs_installing:
                problems.append(
                    f"routers[{position}].dockerInstalled: only meaningful on flavor 'vyos' (Linux routers are expected to run Docker); "
                    "remove it"
                )
        if (first.ssh.host, first.ssh.port) == (second.ssh.host, second.ssh.port):
            problems.append(f"routers[1].ssh.host: {second.ssh.host!r} is also routers[0].ssh.host; each router needs its own host")
        if first.underlay.address.ip == second.underlay.address.ip:
            problems.append(
                f"routers[1].underlay.address: {second.underlay.address.ip} is also routers[0].underlay.address; the instances "
                "of each router bind to their router's own underlay address, so each router needs its own"
            )
        logical = self.hardware.logical_cpus
        needed = self.paths.count * self.cpus_per_instance if self.zerotier.mode != "multicore" else self.cpus_per_instance
        for position, router in enumerate(self.routers):
            if not router.cpus:
                continue
            setting = f"routers[{position}].cpus"
            if len(router.cpus) < needed:
                problems.append(
                    f"{setting}: {len(router.cpus)} CPUs listed but {needed} are needed "
                    f"({self.paths.count} instance(s) x {self.cpus_per_instance} CPU(s) each)"
                )
            unknown = sorted(cpu for cpu in router.cpus if cpu >= logical)
            if unknown:
                problems.append(
                    f"{setting}: CPU {unknown[0]} does not exist on a {self.hardware.model} ({logical} logical CPUs: 0..{logical - 1})"
                )
            if (duplicate := _first_duplicate(list(router.cpus))) is not None:
                problems.append(f"{setting}: CPU {duplicate} is listed twice; list each CPU once")
        return problems

    def _check_linux_routes(self) -> list[str]:
        if self.routing.linux_routes != "frr":
            return []
        return [
            f"routing.linuxRoutes: frr runs OSPF between the two routers, but routers[{position}] ({router.name}) has flavor "
            f"{router.flavor}; give both routers flavor linux, or use iproute2"
            for position, router in enumerate(self.routers)
            if "frr" not in flavor(router.flavor).route_owners
        ]

    def _check_scaling(self) -> list[str]:
        zt = self.zerotier
        problems: list[str] = []
        if zt.mode == "multicore" and self.paths.count != 1:
            # paths.active may not exceed paths.count, so a K that was set has to come down with it.
            also = " and paths.active: 1 (or remove it)" if self.paths.active not in (None, 1) else ""
            problems.append(
                f"paths.count: {self.paths.count} with zerotier.mode multicore; multicore runs one instance per router, "
                f"set paths.count: 1{also}"
            )
        if zt.mode == "multi-instance":
            if zt.concurrency is not None:
                problems.append("zerotier.concurrency: only applies to zerotier.mode multicore or hybrid; remove it or change the mode")
            if zt.cpus_per_instance not in (None, 1):
                problems.append(
                    f"zerotier.cpusPerInstance: {zt.cpus_per_instance} with mode multi-instance; each instance gets one CPU, set 1"
                )
            return problems
        # An unpinned instance sees every CPU of the box; a pinned one only its own.
        visible = self.cpus_per_instance if any(router.cpus for router in self.routers) else self.hardware.logical_cpus
        if zt.concurrency is None:
            problems.append(f"zerotier.concurrency: required with zerotier.mode {zt.mode}; {self._concurrency_choices(visible)}")
        elif not 1 < zt.concurrency < visible:
            problems.append(
                f"zerotier.concurrency: {zt.concurrency} is not accepted by zerotier-one for an instance that sees {visible} CPU(s); "
                f"it must be more than 1 and fewer than the CPUs the instance sees: {self._concurrency_choices(visible)}"
            )
        return problems

    def _concurrency_choices(self, visible: int) -> str:
        """The concurrency values zerotier-one accepts, or what to change when there are none."""
        if visible > 2:
            return f"choose 2..{visible - 1}"
        logical = self.hardware.logical_cpus
        if logical < 3:
            return (
                f"nothing: a {self.hardware.model} has {logical} logical CPU(s), and zerotier-one needs at least 3 to run more than "
                "one thread; use zerotier.mode multi-instance and leave concurrency out"
            )
        # Only a pinned instance sees fewer CPUs than the box has.
        more = (
            "list at least 3 CPUs per router in routers[].cpus"
            if self.zerotier.mode == "multicore" and self.zerotier.cpus_per_instance is None
            else "set zerotier.cpusPerInstance to 3 or more (listing that many CPUs per instance in routers[].cpus)"
        )
        return (
            f"nothing while each instance is pinned to {visible} CPU(s): {more}, or leave routers[].cpus empty so that "
            f"each instance sees all {logical} CPUs and choose 2..{logical - 1}"
        )

    def _check_underlay(self) -> list[str]:
        return [problem for position in range(len(self.routers)) for problem in _underlay_problems(self, position)]

    def _check_underlay_is_usable(self) -> list[str]:
        """The underlay must be an interface every instance may bind: not hidden by a blacklist prefix,
        not a path interface, not one zerotier-one never binds."""
        zt = self.zerotier
        problems = [
            f"zerotier.blacklistPrefixes: an empty prefix matches every interface, the underlay included, so no instance "
            f"could send anything; remove entry {position}"
            for position, prefix in enumerate(zt.blacklist_prefixes)
            if not prefix.strip()
        ]
        path_prefix = self.path_interface_prefix()
        for position, router in enumerate(self.routers):
            setting = f"routers[{position}].underlay.interface"
            interface = router.underlay.interface
            never = next((prefix for prefix in ZEROTIER_NEVER_BINDS if interface.startswith(prefix)), None)
            listed = next((prefix for prefix in zt.blacklist_prefixes if prefix.strip() and interface.startswith(prefix)), None)
            if interface in self.path_interfaces() or interface.startswith(path_prefix):
                problems.append(
                    f"{setting}: {interface!r} is named like the path interfaces ({path_prefix}...), which every instance skips; "
                    "the underlay must be the physical interface the instances send over"
                )
            elif never is not None:
                problems.append(
                    f"{setting}: {interface!r} starts with {never!r}, and zerotier-one never sends over interfaces named "
                    f"{', '.join(ZEROTIER_NEVER_BINDS)}...; use the physical interface that carries the underlay"
                )
            elif listed is not None:
                problems.append(
                    f"{setting}: {interface!r} starts with {listed!r}, which zerotier.blacklistPrefixes lists, so no instance "
                    f"would use it; remove {listed!r} from zerotier.blacklistPrefixes or name another underlay interface"
                )
        return problems


def _underlay_problems(config: LabConfig, position: int) -> list[str]:
    """Underlay settings the router's NIC, VyOS or a forwarding kernel cannot honour."""
    router = config.routers[position]
    underlay, nic = router.underlay, config.hardware.nic
    setting = f"routers[{position}].underlay"
    nic_name = (nic.model if nic and nic.model else None) or f"the {config.hardware.model}'s NIC"
    problems: list[str] = []
    if nic is not None and underlay.speed not in nic.speeds:
        problems.append(
            f"{setting}.speed: {underlay.speed} is not a speed {nic_name} can run at (hardware.nic.speeds: {', '.join(nic.speeds)})"
        )
    if underlay.duplex is not None and underlay.negotiation != "fixed":
        problems.append(
            f"{setting}.duplex: {underlay.duplex} needs negotiation fixed; speed and duplex are set together, both negotiated or both fixed"
        )
    if underlay.duplex == "half" and LINK_SPEED_GBPS[underlay.speed] > HALF_DUPLEX_MAX_GBPS:
        problems.append(f"{setting}.duplex: half duplex does not exist at {underlay.speed}; use full (half duplex stops at 1G)")
    if underlay.mtu is not None:
        problems += _mtu_problems(f"{setting}.mtu", underlay.mtu, nic, nic_name)
    rings = underlay.ring_buffer
    if rings is not None:
        for direction, wanted, largest in (
            ("rx", rings.rx, nic.max_rx_ring if nic else None),
            ("tx", rings.tx, nic.max_tx_ring if nic else None),
        ):
            if wanted is None or nic is None:
                continue
            if largest is None:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {nic_name} cannot change its {direction} ring "
                    f"(hardware.nic.max{direction.title()}Ring is not set)"
                )
            elif wanted > largest:
                problems.append(
                    f"{setting}.ringBuffer.{direction}: {wanted} is more than {nic_name} allows "
                    f"(hardware.nic.max{direction.title()}Ring {largest})"
                )
        if (
            flavor(router.flavor).rings_set_together
            and (rings.rx is not None or rings.tx is not None)
            and nic is not None
            and None in (nic.max_rx_ring, nic.max_tx_ring)
        ):
            problems.append(
                f"{setting}.ringBuffer: VyOS refuses any ring-buffer setting on a NIC that cannot change both rings, "
                f"and {nic_name} cannot; remove it"
            )
    if underlay.offload is not None and underlay.offload.lro:
        problems.append(
            f"{setting}.offload.lro: true is refused; LRO merges received packets beyond what can be forwarded unchanged and the kernel "
            "turns it off on forwarding interfaces; use gro"
        )
    buffers = underlay.socket_buffers
    if (
        buffers is not None
        and buffers.max_bytes is not None
        and buffers.default_bytes is not None
        and buffers.default_bytes > buffers.max_bytes
    ):
        problems.append(
            f"{setting}.socketBuffers.defaultBytes: {buffers.default_bytes} is more than maxBytes {buffers.max_bytes}; "
            "the default cannot exceed the limit"
        )
    return problems


def _mtu_problems(setting: str, mtu: int, nic: NicConfig | None, nic_name: str) -> list[str]:
    """An underlay MTU must carry zerotier-one's datagrams whole and stay within what VyOS and the NIC accept."""
    low = ZEROTIER_MIN_UNDERLAY_MTU
    high = min(MTU_RANGE[1], nic.max_mtu) if nic is not None else MTU_RANGE[1]
    choose = (
        f"choose {low}..{high}"
        if low <= high
        else f"nothing: {nic_name} (hardware.nic.maxMtu {high}) cannot carry zerotier-one's datagrams unfragmented"
    )
    if mtu < low:
        return [
            f"{setting}: {mtu} is too small for ZeroTier: zerotier-one sends UDP datagrams with up to {ZT_DEFAULT_PHYSMTU} bytes "
            f"of payload, which take an MTU of {low} with their IPv4 and UDP headers; {choose}"
        ]
    if mtu > MTU_RANGE[1]:
        return [f"{setting}: {mtu} is more than VyOS accepts ({MTU_RANGE[1]} at most); {choose}"]
    if nic is not None and mtu > nic.max_mtu:
        return [f"{setting}: {mtu} is more than {nic_name} accepts (hardware.nic.maxMtu {nic.max_mtu}); {choose}"]
    return []


def _endpoint_host(endpoint: str | None) -> str | None:
    """The host of a Docker endpoint (``ssh://user@host:port``, ``tcp://host:port``); None for ``unix://`` or none."""
    if endpoint is None:
        return None
    try:
        return urlsplit(endpoint).hostname
    except ValueError:
        return None


def _ipv4(host: str | None) -> ipaddress.IPv4Address | None:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return None
    return address if isinstance(address, ipaddress.IPv4Address) else None


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The settings model a field holds, directly, in a tuple or as an optional; None for plain values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        model = nested_model(argument)
        if model is not None:
            return model
    return None


def _settings_at(location: Iterable[int | str]) -> list[str]:
    """The setting names (camelCase) of the model at ``location`` in a stack's settings; empty if there is none."""
    model: type[BaseModel] | None = LabConfig
    for part in location:
        if isinstance(part, int):
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()} if model is not None else {}
        model = nested_model(fields[part].annotation) if part in fields else None
    return [field.alias or name for name, field in model.model_fields.items()] if model is not None else []


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` most likely misspells, if any is close enough to be worth suggesting."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _unknown_setting(location: tuple[int | str, ...]) -> str:
    where = _format_location(location)
    meant = closest_name(str(location[-1]), _settings_at(location[:-1]))
    if meant is None:
        return f"{where}: unknown setting (a typo?); see the configuration reference in README.md"
    return f"{where}: unknown setting; did you mean {_format_location((*location[:-1], meant))}?"


MISSING_HINTS = {
    "address": (
        "give the router's own address on the underlay interface with its prefix length (for example 198.51.100.1/29); "
        "every instance binds to it and to nothing else"
    ),
    "hostKey": (
        "pin the router's SSH host key: run `ssh-keyscan -t ed25519 -p <port> <host>` and compare its fingerprint with "
        "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the router's console before pasting it"
    ),
}


def _format_location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _describe(error: Mapping[str, Any]) -> list[str]:
    location = _format_location(tuple(error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        hint = MISSING_HINTS.get(str(error["loc"][-1]), "see the configuration reference in README.md")
        return [f"{location}: required but not set; {hint}"]
    if error["type"] == "extra_forbidden":
        return [_unknown_setting(tuple(error["loc"]))]
    if error["type"] == "value_error" and not location:
        return message.splitlines()
    given = error.get("input")
    already_shown = error["type"] == "value_error"
    shown = "" if already_shown or isinstance(given, dict | list) or given is None else f" (got {given!r})"
    prefix = f"{location}: " if location else ""
    return [f"{prefix}{message}{shown}"]


def parse_lab_config(raw: Mapping[str, Any]) -> LabConfig:
    """Validate a stack's ``zt-ecmp:`` settings (keys without the namespace) into a LabConfig.

    Raises ConfigError listing every problem found, each naming its setting.
    """
    try:
        return LabConfig.model_validate(dict(raw))
    except ValidationError as error:
        problems = [line for detail in error.errors() for line in _describe(detail)]
        raise ConfigError(problems) from None
