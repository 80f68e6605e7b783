"""The settings a stack file may hold under ``zt-ecmp:``, as frozen pydantic models.

camelCase as in ``Pulumi.<stack>.yaml``, snake_case in Python; an unknown key is an error. Each field
checks its own value; what several settings say together is judged by the cross-checks
(components/model/settings/checks.py), and only the check that needs the stack's name (VyOS
container names) waits for the plan (components/model/plan.py).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)
from pydantic.alias_generators import to_camel

from components.model.figures import ReferenceProfile
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
Topology = Literal["full-mesh", "hub-and-spoke"]
# Who owns the route on routers with flavor linux (a subset of components.model.flavors.RouteOwner).
LinuxRoutes = Literal["iproute2", "frr"]
SshAuth = Literal["key", "agent"]
FloatingOn = Literal["dummy", "loopback"]
Duplex = Literal["full", "half"]

# The stack settings' namespace: ``zt-ecmp:paths`` in Pulumi.<stack>.yaml.
NAMESPACE = "zt-ecmp"

# The secret stack setting holding the routers' SSH private key unless ``ssh.privateKeyConfig`` names another.
DEFAULT_PRIVATE_KEY_SETTING = "sshPrivateKey"

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

# Router k (1-based, in list order) defaults to the k-th address of this network as its floating /32.
FLOATING_NETWORK = ipaddress.IPv4Network("10.0.55.0/24")
# A lab joins 2 to 16 sites. Every router keeps a BFD session with every other over each path, so one
# site more adds N sessions to each router; past 16 sites the per-path LAN (a /27) and the sessions
# outgrow what the lab is meant to show, and a routing protocol between the sites is the better tool.
MIN_ROUTERS = 2
MAX_ROUTERS = 16

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

USER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

NETWORK_ID = re.compile(r"^[0-9a-f]{16}$")


def first_duplicate(values: list[Any]) -> Any | None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    return repeated[0] if repeated else None


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
    auth: SshAuth = Field(
        default="key",
        description="`key`: the private key in the secret config key named by `privateKeyConfig`; "
        "`agent`: the operator's ssh-agent (SSH_AUTH_SOCK).",
    )
    private_key_config: str = Field(
        default=DEFAULT_PRIVATE_KEY_SETTING,
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

    @field_validator("user")
    @classmethod
    def _user_shape(cls, value: str) -> str:
        # ssh takes the user with -l, Docker's ssh:// endpoints as user@host: a name that starts with '-' or holds
        # '@' or a space would be read as something else.
        if not USER_NAME.match(value):
            raise ValueError(f"{value!r} is not a login name; use letters, digits, '_', '.' and '-', not starting with '-'")
        return value

    @field_validator("host_key")
    @classmethod
    def _host_key_shape(cls, value: str) -> str:
        if not re.match(r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+$", value):
            raise ValueError(f"{value!r} is not a public host key; expected '<type> <base64>' as printed by ssh-keyscan")
        return value


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
    duplex: Duplex | None = Field(default=None, description="Duplex with `negotiation: fixed`; defaults to full.")
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
    site_number: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ROUTERS,
        description="k: the router's host number on every path subnet and, by default, of its floating IP; defaults to its place "
        "in the list (1, 2, ...). Keep it when a router before this one leaves, and this router's addresses stay.",
    )
    floating_ip: ipaddress.IPv4Interface | None = Field(
        default=None,
        description="Floating /32 on the dummy interface; defaults to the k-th address of 10.0.55.0/24 for router k (.1, .2, ...; "
        "k is siteNumber).",
    )

    @property
    def container_runtime(self) -> ContainerRuntime:
        """The runtime the stack names, or the flavor's own: VyOS's Podman-based `container`, Docker on Linux."""
        if self.runtime is not None:
            return self.runtime
        return flavor(self.flavor).default_runtime

    @property
    def docker_endpoint(self) -> str:
        """The Docker engine of the router: dockerHost, or its SSH login's when unset."""
        return self.docker_host or f"ssh://{self.ssh.user}@{self.ssh.host}:{self.ssh.port}"

    @field_validator("docker_host")
    @classmethod
    def _docker_scheme(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(ssh|tcp|unix)://\S+$", value):
            raise ValueError(f"{value!r} is not a Docker endpoint; expected ssh://user@host[:port], tcp://host:port or unix:///path")
        if value is not None and not value.startswith("unix://"):
            # The host and user go to ssh (or a TCP connection): each must be what it says, never an option.
            endpoint = urlsplit(value)
            user, host = endpoint.username, endpoint.hostname or ""
            if (problem := _bare_host_problem(host)) is not None or (user is not None and not USER_NAME.match(user)):
                what = f"its host {host!r}: {problem}" if problem is not None else f"its user {user!r} is not a login name"
                raise ValueError(f"{value!r} is not a Docker endpoint: {what}")
        return value


class PathsConfig(_Model):
    count: int = Field(ge=1, le=MAX_PATHS, description="N: ZeroTier instances per router, one per path.")
    active: int | None = Field(default=None, ge=1, le=MAX_PATHS, description="K: paths whose routes are enabled (1..N); defaults to N.")


class AddressingConfig(_Model):
    transit_supernet: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.14.0.0/24"),
        description="Carved into one subnet per path, in order, sized for plannedSites: a /30 for two, a /29 up to six, "
        "a /28 up to fourteen, a /27 up to sixteen.",
    )
    planned_sites: int | None = Field(
        default=None,
        ge=MIN_ROUTERS,
        le=MAX_ROUTERS,
        description="The number of sites the path subnets are sized for (2..16, at least the routers): the lab grows to it "
        "without moving any address; defaults to the highest site number, the number of routers unless siteNumber says more.",
    )
    dummy_interface: str = Field(default="dum0", pattern=r"^dum[0-9]+$", description="Dummy interface holding the floating /32.")
    floating_on: FloatingOn = Field(
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
    topology: Topology = Field(
        default="full-mesh",
        description="`full-mesh`: every router routes straight to every other; `hub-and-spoke`: the others (spokes) reach "
        "each other through `hub`, and the path networks carry no frame from spoke to spoke.",
    )
    hub: str | None = Field(default=None, description="With topology hub-and-spoke: the name of the router the spokes go through.")
    linux_routes: LinuxRoutes = Field(
        default="iproute2",
        description="Who owns the route on routers with flavor linux: `iproute2` (one `ip route`, not self-healing) or "
        "`frr` (FRR's OSPF over the active paths with BFD: a dead or restarted path leaves and rejoins the route by itself).",
    )

    @property
    def active_hub(self) -> str | None:
        """The router the spokes go through: ``hub`` with topology hub-and-spoke, None in a full mesh."""
        return self.hub if self.topology == "hub-and-spoke" else None


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
        if (duplicate := first_duplicate(list(value or ()))) is not None:
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
    published_reference: ReferenceProfile | None = Field(default=None, description="Which published measurements to show beside ours.")
    nic: NicConfig | None = Field(default=None, description="What the underlay NIC can do; the underlay settings are checked against it.")

    @property
    def logical_cpus(self) -> int:
        return self.performance_cores * self.threads_per_performance_core + self.efficiency_cores


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
    def _two_to_sixteen_routers(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and not MIN_ROUTERS <= len(value) <= MAX_ROUTERS:
            raise ValueError(
                f"{len(value)} router(s) given; a lab joins {MIN_ROUTERS} to {MAX_ROUTERS} routers: every router keeps a BFD "
                "session with every other over each path, and beyond 16 sites a routing protocol between them serves better"
            )
        return value

    @property
    def path_count(self) -> int:
        return self.paths.count

    @property
    def active_paths(self) -> int:
        return self.paths.active if self.paths.active is not None else self.paths.count
