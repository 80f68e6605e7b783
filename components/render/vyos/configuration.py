"""What one VyOS router should hold for the lab, feature by feature, as a configuration tree.

Each builder turns one part of the plan into leaves (components/render/tree/): the floating address,
the static routes, BFD, the firewall rules, the containers and the underlay tuning. ``desired_config``
puts them together, with the nodes that must be the lab's alone (anchors), the operator values the
lab replaces and the offloads it wants off. The scripts that apply it are in ``scripts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from components.model.naming import ZEROTIER_HOME, instance_name, vyos_container_home
from components.model.plan import LabPlan, RoutePlan, RouterPlan
from components.render.placeholders import placeholder_network_ids
from components.render.tree.config import Leaf, TreeConfig
from components.render.vyos import PROGRAMS

# VyOS's wrapper for operational-mode commands (show, add container image) outside its interactive
# shell: the scripts pull images with it, and validate reads the router's state with it.
OP_MODE = "/opt/vyatta/bin/vyatta-op-cmd-wrapper"
# The official image's entrypoint (ENTRYPOINT in ZeroTierOne's Dockerfile.release).
IMAGE_ENTRYPOINT = "/entrypoint.sh"
# VyOS's `container` has no CPU-set option: a pinned instance starts through this script in its home,
# which runs the image's entrypoint under taskset (util-linux, in the Debian-based official image).
PINNED_START = "zt-ecmp-start"
# The hub forwards spoke-to-spoke traffic out of the path it came in on, where the kernel would tell the
# sender (ICMP redirect) to reach the other spoke directly, which the path networks do not allow. VyOS
# sends redirects unless told not to (vyos/vyos-1x interface-definitions/include/firewall/
# global-options.xml.i: send-redirects defaults to enable), and this leaf sets
# /proc/sys/net/ipv4/conf/*/send_redirects, every interface's (smoketest/scripts/cli/test_firewall.py).
# VyOS forwards IPv4 unless `system ip disable-forwarding` is set, so nothing else is needed.
NO_REDIRECTS = Leaf(("firewall", "global-options", "send-redirects"), "disable")
# The firewall rule closing an instance's local API (TCP, same number as its UDP port) to all but lo.
API_RULE_OFFSET = 100000


def vyos_container_name(plan: LabPlan, path_index: int) -> str:
    """Same name as the Docker runtime's container, valid for ``container name`` (letters, digits, ``-``)."""
    return instance_name(plan.project, plan.stack, path_index)


# The tag every container of the lab names instead of the image itself: an image change then leaves the
# configuration as it is, so VyOS's commit restarts no container (vyos-1x src/conf_mode/container.py
# restarts every container whose node changed, one right after the other), and the apply script moves
# the tags one path at a time instead. A local name: podman resolves it without a registry
# (containers/podman docs/source/markdown/podman-tag.1.md: "podman tag ... localhost/..."), and
# VyOS's `container name X image` takes any ASCII up to 255 characters (vyos-1x
# interface-definitions/container.xml.in, constraint [[:ascii:]]{1,255}). podman's repository names
# are lowercase (containers/image docker/reference/regexp.go, alphanumeric: [a-z0-9]+).
LOCAL_TAG = "current"


def container_image_tag(plan: LabPlan, path_index: int) -> str:
    """The lab's own local reference to path ``path_index``'s image, which its container names."""
    return f"localhost/{vyos_container_name(plan, path_index).lower()}:{LOCAL_TAG}"


def container_home(plan: LabPlan, path_index: int) -> str:
    return vyos_container_home(plan.stack, path_index)


def _floating_address(router: RouterPlan) -> Leaf:
    if router.floating_on == "loopback":
        return Leaf(("interfaces", "loopback", "lo", "address"), str(router.floating_ip))
    return Leaf(("interfaces", "dummy", router.dummy_interface, "address"), str(router.floating_ip))


def route_path(route: RoutePlan) -> tuple[str, ...]:
    return ("protocols", "static", "route", str(route.destination))


def _static_routes(router: RouterPlan) -> list[Leaf]:
    """Every route with all its next hops; those of inactive paths ``disable``d."""
    leaves = []
    for route in router.routes:
        destination = route_path(route)
        for hop in route.next_hops:
            next_hop = (*destination, "next-hop", str(hop.address))
            leaves.append(Leaf(next_hop))
            if not hop.active:
                leaves.append(Leaf((*next_hop, "disable")))
    return leaves


def bfd_leaves(plan: LabPlan, router: RouterPlan) -> list[Leaf]:
    """BFD on every path: the shared profile, one peer per built path and neighbour, and tracking on every next-hop.

    Peers exist for inactive paths too, so their health shows in ``show bfd peers`` before they are
    enabled; their next-hops stay ``disable``d whatever BFD says. A next-hop whose session is down
    leaves the route; it returns once the session is up again.
    """
    bfd = plan.routing.bfd
    profile = ("protocols", "bfd", "profile", bfd.profile)
    leaves = [
        Leaf((*profile, "interval", "receive"), str(bfd.interval_ms)),
        Leaf((*profile, "interval", "transmit"), str(bfd.interval_ms)),
        Leaf((*profile, "interval", "multiplier"), str(bfd.multiplier)),
    ]
    for path in plan.paths:
        end = path.end(router.name)
        # A spoke's sessions go to the hub alone: frames to another spoke never arrive.
        for other in plan.neighbours(path, router.name):
            peer = ("protocols", "bfd", "peer", str(other.address.ip))
            leaves += [Leaf((*peer, "profile"), bfd.profile), Leaf((*peer, "source", "address"), str(end.address.ip))]
    for route in router.routes:
        destination = route_path(route)
        leaves += [Leaf((*destination, "next-hop", str(hop.address), "bfd", "profile"), bfd.profile) for hop in route.next_hops]
    return leaves


def _firewall_rules(plan: LabPlan, router: RouterPlan) -> tuple[list[Leaf], list[tuple[str, ...]]]:
    """Per instance: its UDP port admitted on the underlay, and its local API closed to all but lo.

    zerotier-one's local API listens on every IPv4 and IPv6 address on the instance's port over TCP
    (service/OneService.cpp, startHTTPControlPlane); allowManagementFrom only decides who gets 401.
    """
    leaves: list[Leaf] = []
    anchors: list[tuple[str, ...]] = []
    for path in plan.paths:
        port = str(path.end(router.name).port)
        name = instance_name(plan.project, plan.stack, path.index)
        # Numbered after the port: stable, and readable in `show firewall`.
        rule = ("firewall", "ipv4", "input", "filter", "rule", port)
        anchors.append(rule)
        leaves += [
            Leaf((*rule, "action"), "accept"),
            Leaf((*rule, "description"), name),
            Leaf((*rule, "destination", "port"), port),
            Leaf((*rule, "inbound-interface", "name"), router.underlay_interface),
            Leaf((*rule, "protocol"), "udp"),
        ]
        for family in ("ipv4", "ipv6"):
            api = ("firewall", family, "input", "filter", "rule", str(API_RULE_OFFSET + int(port)))
            anchors.append(api)
            leaves += [
                Leaf((*api, "action"), "drop"),
                Leaf((*api, "description"), f"{name}-local-api"),
                Leaf((*api, "destination", "port"), port),
                Leaf((*api, "inbound-interface", "name"), "!lo"),
                Leaf((*api, "protocol"), "tcp"),
            ]
    return leaves, anchors


def _containers(plan: LabPlan, router: RouterPlan, network_ids: Mapping[int, str]) -> tuple[list[Leaf], list[tuple[str, ...]]]:
    leaves: list[Leaf] = []
    anchors: list[tuple[str, ...]] = []
    for path in plan.paths:
        if path.index not in network_ids:
            raise KeyError(f"no network id for path{path.index}; VyOS containers join their network by id")
        container = ("container", "name", vyos_container_name(plan, path.index))
        anchors.append(container)
        # NET_ADMIN and the tun device are all zerotier-one needs (the official image's README asks for
        # nothing more, and an instance with only those created its tap, joined and passed traffic).
        leaves += [
            Leaf((*container, "image"), container_image_tag(plan, path.index)),
            Leaf((*container, "allow-host-networks")),
            Leaf((*container, "capability"), "net-admin"),
            Leaf((*container, "device", "tun", "source"), "/dev/net/tun"),
            Leaf((*container, "device", "tun", "destination"), "/dev/net/tun"),
            Leaf((*container, "volume", "home", "source"), container_home(plan, path.index)),
            Leaf((*container, "volume", "home", "destination"), ZEROTIER_HOME),
            # The image's entrypoint joins every network id it is given; identities are files, never environment.
            Leaf((*container, "arguments"), network_ids[path.index]),
            Leaf((*container, "restart"), "always"),
        ]
        if path.end(router.name).cpus:
            leaves.append(Leaf((*container, "entrypoint"), f"{ZEROTIER_HOME}/{PINNED_START}"))
    return leaves, anchors


def render_pinned_start(plan: LabPlan, router: str, path_index: int) -> str | None:
    """The start script of a pinned instance on runtime vyos (None when it is not pinned)."""
    cpus = ",".join(str(cpu) for cpu in plan.path(path_index).end(router).cpus)
    if not cpus:
        return None
    return PROGRAMS.text("pinned-start.sh", CPUS=cpus, IMAGE_ENTRYPOINT=IMAGE_ENTRYPOINT)


# Where VyOS keeps its configuration reader: commands outside a vbash script name it in full.
CLI_SHELL_API = "/bin/cli-shell-api"


def render_write_home_file(path: str, mode: str, restart_container: str | None) -> str:
    """The command that writes one file of an instance's home from its standard input and, on an
    update (``restart_container``), restarts the container that reads it."""
    write = PROGRAMS.text("write-home-file.sh", FILE=path, MODE=mode)
    if restart_container is None:
        return write
    restart = PROGRAMS.text("restart-container.sh", CONTAINER=restart_container, OP_MODE=OP_MODE, CLI_SHELL_API=CLI_SHELL_API)
    return PROGRAMS.text("write-home-file-and-restart.sh", WRITE=write, RESTART=restart)


def desired_config(plan: LabPlan, router_name: str, network_ids: Mapping[int, str] | None = None) -> TreeConfig:
    """What ``router_name`` should hold. ``network_ids`` (path index -> id) matters for runtime ``vyos`` only;
    without it the containers join placeholder ids, as in a plan shown before the networks exist."""
    router = plan.router(router_name)
    leaves = [_floating_address(router), *_static_routes(router), Leaf(("system", "ip", "multipath", "layer4-hashing"))]
    # A route the operator already has to a peer's floating /32 would be merged into the ECMP route,
    # and the flows hashed to its next hops would leave unencrypted: the routes must be the lab's alone.
    anchors: list[tuple[str, ...]] = [route_path(route) for route in router.routes]
    if plan.routing.bfd.enabled:
        leaves += bfd_leaves(plan, router)
    if plan.routing.open_firewall:
        rule_leaves, rule_anchors = _firewall_rules(plan, router)
        leaves += rule_leaves
        anchors += rule_anchors
    if router.runtime == "vyos":
        # Without ids (a plan shown before the networks exist) the containers name placeholders.
        known = network_ids if network_ids is not None else placeholder_network_ids(plan)
        container_leaves, container_anchors = _containers(plan, router, known)
        leaves += container_leaves
        anchors += container_anchors
    tuning = underlay_tuning_config(router)
    leaves += tuning.leaves
    replaceable = tuning.replaceable
    if router.forwards:
        leaves.append(NO_REDIRECTS)
        replaceable += (NO_REDIRECTS.path,)
    return TreeConfig(
        stack=plan.stack,
        router=router.name,
        leaves=tuple(leaves),
        anchors=tuple(anchors),
        replaceable=replaceable,
        absent=tuning.absent,
    )


# --- underlay tuning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnderlayTuningConfig:
    leaves: tuple[Leaf, ...]
    replaceable: tuple[tuple[str, ...], ...]
    absent: tuple[tuple[str, ...], ...]


def underlay_tuning_config(router: RouterPlan) -> UnderlayTuningConfig:
    """The underlay interface's speed, duplex, MTU, rings and offloads, and the UDP socket sysctls.

    VyOS takes speed and duplex only together (both ``auto`` or both fixed). An offload is on while
    its valueless leaf exists, so "off" is the leaf's absence.
    """
    tuning = router.underlay_tuning
    interface = ("interfaces", "ethernet", tuning.interface)
    valued: list[Leaf] = []
    if tuning.link is not None:
        speed = "auto" if tuning.link.autoneg else str(tuning.link.speed_mbps)
        duplex = "auto" if tuning.link.autoneg else str(tuning.link.duplex)
        valued += [Leaf((*interface, "speed"), speed), Leaf((*interface, "duplex"), duplex)]
    if tuning.mtu is not None:
        valued.append(Leaf((*interface, "mtu"), str(tuning.mtu)))
    for direction, size in (("rx", tuning.rx_ring), ("tx", tuning.tx_ring)):
        if size is not None:
            valued.append(Leaf((*interface, "ring-buffer", direction), str(size)))
    for key, value in tuning.sysctls:
        valued.append(Leaf(("system", "sysctl", "parameter", key, "value"), str(value)))
    switched_on = [Leaf((*interface, "offload", name)) for name, on in tuning.offloads if on]
    absent = tuple((*interface, "offload", name) for name, on in tuning.offloads if not on)
    return UnderlayTuningConfig(leaves=(*valued, *switched_on), replaceable=tuple(leaf.path for leaf in valued), absent=absent)


def desired_set_lines(plan: LabPlan, router_name: str, network_ids: Mapping[int, str] | None = None) -> tuple[str, ...]:
    return desired_config(plan, router_name, network_ids).set_lines


def container_images(plan: LabPlan, router_name: str) -> tuple[str, ...]:
    """Images that must be on the router before the commit (VyOS does not pull on commit)."""
    return (plan.zerotier.image,) if plan.router(router_name).runtime == "vyos" else ()
