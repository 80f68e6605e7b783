"""VyOS configuration of one router: what it should hold, and the scripts that apply and undo it.

The desired configuration is plain data (``VyosConfig``: leaves with full paths and values); the
scripts are a thin vbash wrapping around it, deterministic for a given plan.

Transaction and undo
--------------------
Every change to a router is one configuration session with one commit. What this program owns on the
router is recorded in a ledger file beside the configuration (``/config/zt-ecmp/<stack>-<router>.owned``):
one line per configuration node it created, that is, a node that did not exist in the active
configuration when this program first set it. Nodes the operator had already configured (``system ip
multipath layer4-hashing``, the ``lo`` interface, a static route they also use) are used but never
owned, so destroying the lab leaves them alone.

Ledger lines are ``<kind> <path words>``:
  ``leaf``    a line this program sets (a valueless leaf, a leaf value, a next-hop); deleting it is
              always ours to do.
  ``node``    a parent node the program's leaves created; deleted only once it has no children
              left, so anything the operator added beneath it survives.
  ``anchor``  a node that must be this program's alone (a container, a firewall rule, the route to
              the peer's floating /32): applying refuses to touch one that exists and is not in the
              ledger, and names what the operator has there (a route's next hops).
  ``image``   ``<image reference>``: a container image the apply step pulled (runtime vyos); removed
              once no version of the lab wants it, so destroy leaves no image behind.
  ``replaced`` ``<leaf path> <value>``: a single-valued leaf the operator had set to ``<value>``
              before this program set its own (an MTU, a sysctl); put back when the lab no longer
              sets it. Kept only while the lab's own value is still in place (a ``leaf`` at that path):
              a value the operator changed since is theirs.
  ``removed`` a valueless leaf the operator had (an offload) that the lab wants off; put back when
              the lab no longer wants it off, kept only while it is still absent.

Apply (``render_apply_script``):
  0. Keep a copy of itself beside the ledger, so the confirm step can run it again (below).
  1. Owned = ledger plus pending ledger, keeping only entries that exist in the active configuration
     (a commit that failed or was rolled back leaves entries that do not exist: they are dropped).
  2. Refuse if an anchor exists but is not owned.
  3. Delete owned entries the new version no longer wants, deepest first.
  4. Claim the wanted entries that are not in the active configuration yet; write owned + claimed
     as the pending ledger (before the commit, so even a partly applied commit stays accounted for).
  5. Set every desired line that is not already there, check VyOS staged each of them.
  6. ``commit-confirm N`` once. ``commit`` returns 0 even when it fails, so success is read from the
     session itself: after a good commit nothing is left uncommitted. On failure VyOS's message has
     been printed, the session is torn down and the script exits 1; the ledger is untouched.
  7. Wait until every instance has joined (its interface holds its planned address), so that
     ``pulumi up`` returns only with the paths up; if they do not within JOIN_WAIT_SECONDS, exit 1
     and leave the commit unconfirmed, so VyOS rolls it back.
Underlay tuning leaves are ``replaceable``: before claiming one, apply records the operator's value
(``cli-shell-api returnActiveValue``) as ``replaced``, once, so a later version never records the
lab's own earlier value. Offloads the lab wants off are ``absent`` paths, deleted after the sets.
Confirm (``render_confirm_script``), in a fresh SSH session after apply, so it only runs while the
router still answers: if the desired configuration is not active (an interrupted ``pulumi up``
let the commit-confirm timer roll it back, or stopped before the commit), run the saved apply script
again first; then ``confirm``, check every desired line is active, ``save``, promote the pending
ledger (filtered by the active configuration) to the ledger, and remove images the lab pulled that
no container of this version uses. It names the apply script's digest, so it runs whenever the
apply script changes, as an update rather than a replacement.
Delete (``render_delete_script``): owned entries (as in 1) deleted deepest first, one ``commit``,
``save``, the images the lab pulled removed, ledger files and the saved apply script removed. It
needs nothing but the ledger, so it also undoes nodes an older version created.

Rollback when the confirm step never comes: VyOS 1.4 schedules ``config-mgmt revert`` for N minutes
later, which reboots the router into the saved ``config.boot``; 1.5 does the same unless
``system config-management commit-confirm action reload`` is set, which reloads the previous
configuration without a reboot. Either way the apply step must not ``save`` (a saved change would
come back after the reboot): saving is the confirm step's job.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from components.model.naming import (
    VYOS_STATE_DIR,
    ZEROTIER_HOME,
    instance_name,
    vyos_container_home,
    vyos_ledger,
    vyos_ledger_file,
    vyos_saved_apply,
    vyos_saved_apply_file,
)
from components.model.plan import LabPlan, RoutePlan, RouterPlan

STATE_DIR = VYOS_STATE_DIR
SCRIPT_TEMPLATE = "/opt/vyatta/etc/functions/script-template"
OP_MODE = "/opt/vyatta/bin/vyatta-op-cmd-wrapper"
CONFIG_GROUP = "vyattacfg"
# The official image's entrypoint (ENTRYPOINT in ZeroTierOne's Dockerfile.release).
IMAGE_ENTRYPOINT = "/entrypoint.sh"
# VyOS's `container` has no CPU-set option: a pinned instance starts through this script in its home,
# which runs the image's entrypoint under taskset (util-linux, in the Debian-based official image).
PINNED_START = "zt-ecmp-start"
# How long the apply step waits for every instance to join its path network.
JOIN_WAIT_SECONDS = 120
# The firewall rule closing an instance's local API (TCP, same number as its UDP port) to all but lo.
API_RULE_OFFSET = 100000

# Words go into shell word lists and the ledger unquoted: no spaces, quotes or shell syntax (`!` is
# VyOS's negation in firewall matches; scripts run without history expansion).
SAFE_WORD = re.compile(r"^[A-Za-z0-9._:/@+,=!-]+$")

EntryKind = Literal["leaf", "node", "anchor"]
# Beside the entries: characters an operator's value may hold to be recorded in the ledger and set back.
RECORDABLE_VALUE_GLOB = "*[!A-Za-z0-9._:/@+,=-]*"


@dataclass(frozen=True, order=True)
class Entry:
    """One configuration node this program may own, as recorded in the ledger."""

    kind: EntryKind
    path: tuple[str, ...]

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def ledger_line(self) -> str:
        return f"{self.kind} {' '.join(self.path)}"

    @property
    def delete_line(self) -> str:
        return f"delete {' '.join(self.path)}"


@dataclass(frozen=True)
class Leaf:
    """One ``set`` line: a path and, for leaves that take one, a value."""

    path: tuple[str, ...]
    value: str | None = None

    def __post_init__(self) -> None:
        for word in (*self.path, *((self.value,) if self.value is not None else ())):
            if not SAFE_WORD.match(word):
                raise ValueError(f"{word!r} cannot be used in a VyOS path or value here; expected {SAFE_WORD.pattern}")

    @property
    def words(self) -> tuple[str, ...]:
        """The path as the ledger and ``cli-shell-api`` see it: a value is the last word."""
        return (*self.path, self.value) if self.value is not None else self.path

    @property
    def set_line(self) -> str:
        value = f" '{self.value}'" if self.value is not None else ""
        return f"set {' '.join(self.path)}{value}"


@dataclass(frozen=True)
class VyosConfig:
    """The configuration one router should hold for the lab, in the order it is set."""

    stack: str
    router: str
    leaves: tuple[Leaf, ...]
    anchors: tuple[tuple[str, ...], ...] = ()
    # Leaf paths (no value) among ``leaves`` whose earlier operator value is put back on undo.
    replaceable: tuple[tuple[str, ...], ...] = ()
    # Valueless leaves that must not exist (offloads turned off); the operator's are put back on undo.
    absent: tuple[tuple[str, ...], ...] = ()

    @property
    def replaceable_lines(self) -> tuple[str, ...]:
        """``<leaf path> <wanted value>`` for every replaceable leaf."""
        wanted = set(self.replaceable)
        return tuple(" ".join(leaf.words) for leaf in self.leaves if leaf.path in wanted)

    @property
    def absent_lines(self) -> tuple[str, ...]:
        return tuple(" ".join(path) for path in self.absent)

    @property
    def set_lines(self) -> tuple[str, ...]:
        return tuple(leaf.set_line for leaf in self.leaves)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every node the leaves create, shallowest first: what this program may come to own."""
        leaf_paths = {leaf.words for leaf in self.leaves}
        anchors = set(self.anchors)
        paths: set[tuple[str, ...]] = set(leaf_paths)
        for leaf in self.leaves:
            paths.update(leaf.path[:length] for length in range(1, len(leaf.path)))
        entries = []
        for path in paths:
            kind: EntryKind = "leaf" if path in leaf_paths else "anchor" if path in anchors else "node"
            entries.append(Entry(kind, path))
        return tuple(sorted(entries, key=lambda entry: (entry.depth, entry.path)))


def deepest_first(entries: tuple[Entry, ...] | list[Entry] | frozenset[Entry]) -> tuple[Entry, ...]:
    """The order nodes are deleted in: children before their parents."""
    return tuple(sorted(entries, key=lambda entry: (-entry.depth, entry.path)))


def undo_lines(config: VyosConfig) -> tuple[str, ...]:
    """The deletes that remove every node of ``config``, deepest first (what destroy does when it created them all)."""
    return tuple(entry.delete_line for entry in deepest_first(config.entries))


def vyos_container_name(plan: LabPlan, path_index: int) -> str:
    """Same name as the Docker runtime's container, valid for ``container name`` (letters, digits, ``-``)."""
    return instance_name(plan.project, plan.stack, path_index)


def container_home(plan: LabPlan, path_index: int) -> str:
    return vyos_container_home(plan.stack, path_index)


def ledger_path(plan: LabPlan, router: str) -> str:
    return vyos_ledger(plan.stack, router)


def saved_apply_path(plan: LabPlan, router: str) -> str:
    return vyos_saved_apply(plan.stack, router)


def placeholder_network_ids(plan: LabPlan) -> dict[int, str]:
    """Network ids for showing a plan before the networks exist: the real ones where known."""
    return {path.index: path.existing_network_id or f"path{path.index}-network-id" for path in plan.paths}


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
        for hop in route.next_hops:
            next_hop = (*route_path(route), "next-hop", str(hop.address))
            leaves.append(Leaf(next_hop))
            if not hop.active:
                leaves.append(Leaf((*next_hop, "disable")))
    return leaves


def bfd_leaves(plan: LabPlan, router: RouterPlan) -> list[Leaf]:
    """BFD on every path: the shared profile, one peer per built path, and tracking on every next-hop.

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
        for other in path.peers(router.name):
            peer = ("protocols", "bfd", "peer", str(other.address.ip))
            leaves += [Leaf((*peer, "profile"), bfd.profile), Leaf((*peer, "source", "address"), str(end.address.ip))]
    for route in router.routes:
        leaves += [Leaf((*route_path(route), "next-hop", str(hop.address), "bfd", "profile"), bfd.profile) for hop in route.next_hops]
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
            Leaf((*container, "image"), plan.zerotier.image),
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
    return (
        "#!/bin/sh\n"
        f"# zt-ecmp {plan.stack} path{path_index}: the image's entrypoint on CPUs {cpus} (VyOS containers have no CPU set).\n"
        "if ! command -v taskset >/dev/null 2>&1; then\n"
        f'  echo "zt-ecmp: taskset is not in this image, so the instance cannot be pinned to CPUs {cpus}" >&2\n'
        "  exit 1\n"
        "fi\n"
        f'exec taskset -c {cpus} {IMAGE_ENTRYPOINT} "$@"\n'
    )


def desired_config(plan: LabPlan, router_name: str, network_ids: Mapping[int, str] | None = None) -> VyosConfig:
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
    return VyosConfig(
        stack=plan.stack,
        router=router.name,
        leaves=tuple(leaves),
        anchors=tuple(anchors),
        replaceable=tuning.replaceable,
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


# --- scripts ---------------------------------------------------------------------------------------
#
# After the template is sourced, `set`, `delete`, `commit`, `exit`... are VyOS commands (aliases):
# the scripts use `builtin exit` to leave the shell and never use `set` for shell options. VyOS
# commands run at the top level or through `eval`, so the aliases expand. Every path a script
# touches on the router derives from `state_dir`, the one line that says where the lab keeps state.


def _heredoc(target: str, marker: str, lines: tuple[str, ...] | list[str]) -> str:
    body = "".join(f"{line}\n" for line in lines)
    return f"cat > {target} <<'{marker}'\n{body}{marker}\n"


def _prologue(plan: LabPlan, router: str, purpose: str) -> str:
    return (
        "#!/bin/vbash\n"
        f"# zt-ecmp stack {plan.stack}, router {router}: {purpose}.\n"
        f"source {SCRIPT_TEMPLATE}\n"
        "\n"
        f"state_dir={STATE_DIR}\n"
        f'ledger="$state_dir/{vyos_ledger_file(plan.stack, router)}"\n'
        'pending="$ledger.pending"\n'
        f'saved_apply="$state_dir/{vyos_saved_apply_file(plan.stack, router)}"\n'
        'work="$(mktemp -d)"\n'
        'mkdir -p "$state_dir"\n'
        "\n"
        "abort() {\n"
        '  echo "zt-ecmp: $1" >&2\n'
        '  rm -rf "$work"\n'
        "  cli-shell-api teardownSession >/dev/null 2>&1\n"
        "  builtin exit 1\n"
        "}\n"
        "\n"
        "# Whether the ledger file $2 has configuration node $1 (as a leaf, node or anchor).\n"
        "recorded() {\n"
        '  awk -v p="$1" \'$1 == "leaf" || $1 == "node" || $1 == "anchor" { sub(/^[^ ]+ /, ""); if ($0 == p) found = 1 } '
        'END { exit !found }\' "$2"\n'
        "}\n"
        "\n"
    )


def _keep_owned(source: str, target: str) -> str:
    """Ledger lines from ``source`` that still hold, into ``target``: entries the active configuration
    has, images still on the router, operator values whose replacement by the lab is still in place,
    offloads still removed."""
    return (
        f'{source} > "$work/recorded"\n'
        "while read -r kind path; do\n"
        '  case "$kind" in\n'
        "    replaced|removed) ;;\n"
        '    image) if sudo podman image exists "$path"; then echo "$kind $path"; fi ;;\n'
        '    *) if cli-shell-api existsActive $path; then echo "$kind $path"; fi ;;\n'
        "  esac\n"
        'done < "$work/recorded" > "$work/kept"\n'
        "while read -r kind path; do\n"
        '  case "$kind" in\n'
        '    replaced) awk -v p="leaf ${path% *} " \'index($0, p) == 1 { found = 1 } END { exit !found }\' "$work/kept" '
        '&& echo "$kind $path" ;;\n'
        '    removed) cli-shell-api existsActive $path || echo "$kind $path" ;;\n'
        "  esac\n"
        'done < "$work/recorded" >> "$work/kept"\n'
        f'mv "$work/kept" {target}\n'
    )


# Owned now: ledger and pending ledger, minus entries the active configuration does not have.
_STILL_OWNED = (
    "# Owned: the ledger and a pending ledger, keeping what the active configuration has (a failed or\n"
    "# rolled-back commit leaves entries that do not exist).\n"
    + _keep_owned('cat "$ledger" "$pending" 2>/dev/null | sort -u', '"$work/owned"')
    + "\n"
)

# Only entries that name configuration nodes; operator values are put back and images removed, never deleted.
_NODES_ONLY = "grep -v -e '^replaced ' -e '^removed ' -e '^image ' | "


def _put_back(source: str) -> str:
    """Sets the operator's values back for the replaced/removed lines in ``source``; lists them in $work/restored."""
    return (
        "while read -r kind path; do\n"
        '  case "$kind" in\n'
        '    replaced) leaf="${path% *}"; value="${path##* }"; line="set $leaf \'$value\'" ;;\n'
        '    removed) leaf="$path"; value=""; line="set $path" ;;\n'
        "    *) continue ;;\n"
        "  esac\n"
        '  eval "$line"\n'
        '  if ! eval "cli-shell-api exists $leaf $value"; then abort "VyOS did not accept: $line"; fi\n'
        '  echo "$kind $path" >> "$work/restored"\n'
        f"done < {source}\n"
    )


# Deepest first; a parent node only once nothing is left beneath it (the operator's additions stay).
_REMOVE_IN_ORDER = (
    "awk '{ print NF, $0 }' | sort -k1,1nr -k2 | cut -d' ' -f2- > \"$work/remove\"\n"
    "while read -r kind path; do\n"
    "  if ! cli-shell-api exists $path; then continue; fi\n"
    '  if [ "$kind" != leaf ] && [ -n "$(cli-shell-api listNodes $path)" ]; then continue; fi\n'
    '  eval "delete $path"\n'
    '  if cli-shell-api exists $path; then abort "VyOS did not delete: $path"; fi\n'
    'done < "$work/remove"\n'
    "\n"
)


def _remove_images(source: str) -> str:
    """Removes the images listed as ``image`` lines in ``source`` that no container of this version uses."""
    return (
        "while read -r kind path; do\n"
        '  [ "$kind" = image ] || continue\n'
        '  if grep -qxF "$path" "$work/images"; then continue; fi\n'
        '  if sudo podman image rm "$path" >/dev/null; then echo "image $path" >> "$work/unpulled"\n'
        '  else echo "zt-ecmp: warning: could not remove image $path, which zt-ecmp pulled" >&2; fi\n'
        f"done < {source}\n"
    )


def _join_paths(plan: LabPlan, router: str) -> list[str]:
    return [f"{path.end(router).interface} {path.end(router).address.ip}" for path in plan.paths]


def _join_wait(plan: LabPlan, router: str) -> str:
    minutes = plan.routing.commit_confirm_minutes
    return (
        "# Every instance has joined once its interface holds its planned address: only then is the\n"
        "# update done. If they do not, this step fails and the commit stays unconfirmed.\n"
        + _heredoc('"$work/paths"', "ZT_ECMP_PATHS", _join_paths(plan, router))
        + "waited=0\n"
        "while :; do\n"
        "  missing=''\n"
        "  while read -r interface address; do\n"
        '    if [ -z "$(ip -4 -o addr show dev "$interface" to "$address/32" 2>/dev/null)" ]; then missing="$missing $interface"; fi\n'
        '  done < "$work/paths"\n'
        '  if [ -z "$missing" ]; then break; fi\n'
        f'  if [ "$waited" -ge {JOIN_WAIT_SECONDS} ]; then\n'
        f'    abort "after {JOIN_WAIT_SECONDS} s these instances have not joined their path network (no planned address on:$missing); '
        f'an unconfirmed commit rolls back within {minutes} minutes"\n'
        "  fi\n"
        "  sleep 2\n"
        "  waited=$((waited + 2))\n"
        "done\n"
    )


def _apply_body(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None) -> str:
    """The apply script without its digest line."""
    config = desired_config(plan, router, network_ids)
    minutes = plan.routing.commit_confirm_minutes
    images = "".join(
        f"if ! sudo podman image exists {image}; then\n"
        f'  {OP_MODE} add container image {image} || abort "could not pull {image}"\n'
        f'  echo "{image}" >> "$work/pulled"\n'
        "fi\n"
        for image in container_images(plan, router)
    )
    if images:
        images = "# Containers start at commit: their image must already be on the router.\n" + images + "\n"
    return (
        _prologue(plan, router, f"apply, then confirm within {minutes} minutes")
        + "# Kept for the confirm step, which runs it again if an interrupted update let VyOS roll it back.\n"
        'cp "$0" "$saved_apply.new" && mv "$saved_apply.new" "$saved_apply" || abort "cannot write $saved_apply"\n'
        "\n"
        "# commit-confirm asks whether to proceed and reads the answer from stdin; some releases loop\n"
        "# forever on a closed stdin.\n"
        "exec 0< <(yes)\n"
        "\n"
        "# The desired configuration, one set line each.\n"
        + _heredoc('"$work/desired"', "ZT_ECMP_DESIRED", config.set_lines)
        + "\n# Every node those lines create: what this program owns where it creates it.\n"
        + _heredoc('"$work/entries"', "ZT_ECMP_ENTRIES", [entry.ledger_line for entry in config.entries])
        + "\n# Leaves whose earlier operator value is put back on undo, with the value wanted now.\n"
        + _heredoc('"$work/replaceable"', "ZT_ECMP_REPLACEABLE", config.replaceable_lines)
        + "\n# Valueless leaves (offloads) that must not exist.\n"
        + _heredoc('"$work/absent"', "ZT_ECMP_ABSENT", config.absent_lines)
        + "\n"
        ': > "$work/pulled"\n' + images + "configure\n"
        "\n" + _STILL_OWNED + "# A node that must be the lab's alone (the route to the peer's floating IP, a container, a\n"
        "# firewall rule) but that the operator already has: leave it, and say what is there.\n"
        "grep '^anchor ' \"$work/entries\" | while read -r kind path; do\n"
        '  if cli-shell-api existsActive $path && ! recorded "$path" "$work/owned"; then\n'
        '    hops="$(cli-shell-api listActiveNodes $path next-hop 2>/dev/null | tr -d "\'")"\n'
        '    if [ -n "$hops" ]; then echo "$path (next hops: $hops)"; else echo "$path"; fi\n'
        "  fi\n"
        'done > "$work/taken"\n'
        'if [ -s "$work/taken" ]; then abort "already configured and not created by zt-ecmp: $(paste -sd\';\' "$work/taken")"; fi\n'
        "\n"
        "# What an earlier version created and this one no longer wants (whatever kind it was recorded as).\n"
        'awk \'{ sub(/^[^ ]+ /, ""); print }\' "$work/entries" > "$work/entry-paths"\n'
        "awk 'NR == FNR { wanted[$0]; next } { line = $0; sub(/^[^ ]+ /, \"\") } !($0 in wanted) { print line }' "
        '"$work/entry-paths" "$work/owned" | '
        + _NODES_ONLY
        + _REMOVE_IN_ORDER
        + "# Operator values an earlier version replaced or removed and this one leaves alone: put back.\n"
        ': > "$work/restored"\n'
        'sed \'s/ [^ ]*$//\' "$work/replaceable" > "$work/replaceable-paths"\n'
        "while read -r kind path; do\n"
        '  case "$kind" in\n'
        '    replaced) grep -qxF "${path% *}" "$work/replaceable-paths" || echo "$kind $path" ;;\n'
        '    removed) grep -qxF "$path" "$work/absent" || echo "$kind $path" ;;\n'
        "  esac\n"
        'done < "$work/owned" > "$work/unwanted"\n' + _put_back('"$work/unwanted"') + "\n"
        "# Claim what this commit creates; recorded as pending until the confirm step. A leaf the lab\n"
        "# removed from the operator and just put back stays theirs.\n"
        "while read -r kind path; do\n"
        '  if recorded "$path" "$work/owned"; then echo "$kind $path"\n'
        '  elif ! grep -qxF "removed $path" "$work/owned" && ! cli-shell-api existsActive $path; then echo "$kind $path"; fi\n'
        'done < "$work/entries" > "$work/claimed"\n'
        "# The operator's value of a leaf the lab sets, recorded once: never the lab's own earlier value.\n"
        "while IFS= read -r line; do\n"
        '  leaf="${line% *}"; value="${line##* }"\n'
        '  if awk -v l="leaf $leaf " -v r="replaced $leaf " \'index($0, l) == 1 || index($0, r) == 1 { found = 1 } END { exit !found }\' '
        '"$work/owned"; then continue; fi\n'
        "  if ! cli-shell-api existsActive $leaf; then continue; fi\n"
        '  old="$(cli-shell-api returnActiveValue $leaf)"\n'
        '  if [ "$old" = "$value" ]; then continue; fi\n'
        f"  case \"$old\" in ''|{RECORDABLE_VALUE_GLOB}) abort \"cannot record the value of $leaf to put it back later: '$old'\" ;; esac\n"
        '  echo "replaced $leaf $old"\n'
        'done < "$work/replaceable" >> "$work/claimed"\n'
        "while read -r path; do\n"
        '  if cli-shell-api existsActive $path && ! grep -qxF "leaf $path" "$work/owned"; then echo "removed $path"; fi\n'
        'done < "$work/absent" >> "$work/claimed"\n'
        "# Images pulled above are the lab's to remove again.\n"
        'sed \'s/^/image /\' "$work/pulled" >> "$work/claimed"\n'
        "# Pending: what is claimed now, plus owned lines this version does not claim (operator values not\n"
        "# yet put back, nodes kept because the operator added beneath them, images still in use).\n"
        'awk \'{ sub(/^[^ ]+ /, ""); print }\' "$work/claimed" > "$work/claimed-paths"\n'
        "while read -r kind path; do\n"
        '  if ! grep -qxF "$path" "$work/claimed-paths" && ! grep -qxF "$kind $path" "$work/restored"; then echo "$kind $path"; fi\n'
        'done < "$work/owned" | sort -u - "$work/claimed" > "$pending.new" && mv "$pending.new" "$pending" '
        '|| abort "cannot write $pending"\n'
        "\n"
        "while IFS= read -r line; do\n"
        '  if ! eval "cli-shell-api exists ${line#set }"; then eval "$line"; fi\n'
        '  if ! eval "cli-shell-api exists ${line#set }"; then abort "VyOS did not accept: $line"; fi\n'
        'done < "$work/desired"\n'
        "while read -r path; do\n"
        '  if cli-shell-api exists $path; then eval "delete $path"; fi\n'
        '  if cli-shell-api exists $path; then abort "VyOS did not delete: $path"; fi\n'
        'done < "$work/absent"\n'
        "\n"
        "if cli-shell-api sessionChanged; then\n"
        f"  commit-confirm {minutes}\n"
        '  if cli-shell-api sessionChanged; then abort "commit failed (see above); active configuration and ledger unchanged"; fi\n'
        "fi\n"
        "\n" + _join_wait(plan, router) + 'rm -rf "$work"\n'
        "exit\n"
    )


def apply_digest(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """What identifies one version of the apply script: the confirm step checks the saved copy by it."""
    return hashlib.sha256(_apply_body(plan, router, network_ids).encode()).hexdigest()


def render_apply_script(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """The vbash script that brings ``router`` to its desired configuration in one commit-confirm."""
    body = _apply_body(plan, router, network_ids)
    first_line, rest = body.split("\n", 1)
    return f"{first_line}\n# apply digest {apply_digest(plan, router, network_ids)}\n{rest}"


def render_confirm_script(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """Run in a new SSH session after apply: keeps the commit only if the router can still be reached.

    If the configuration the apply step committed is not active (VyOS rolled it back because an
    interrupted update never confirmed it, or the update stopped before committing), this runs the
    saved apply script again first, so the same ``pulumi up`` converges."""
    config = desired_config(plan, router, network_ids)
    digest = apply_digest(plan, router, network_ids)
    images = container_images(plan, router)
    return (
        _prologue(plan, router, "confirm the applied configuration")
        + _heredoc('"$work/desired"', "ZT_ECMP_DESIRED", config.set_lines)
        + _heredoc('"$work/absent"', "ZT_ECMP_ABSENT", config.absent_lines)
        + _heredoc('"$work/images"', "ZT_ECMP_IMAGES", images)
        + "\n"
        "# What the apply step committed and is not active, or still active and should not be.\n"
        "check_active() {\n"
        '  : > "$work/missing"\n'
        "  while IFS= read -r line; do\n"
        '    if ! eval "cli-shell-api existsActive ${line#set }"; then echo "not active: $line" >> "$work/missing"; fi\n'
        '  done < "$work/desired"\n'
        "  while read -r path; do\n"
        '    if cli-shell-api existsActive $path; then echo "still active: $path" >> "$work/missing"; fi\n'
        '  done < "$work/absent"\n'
        "}\n"
        "check_active\n"
        'if [ -s "$work/missing" ]; then\n'
        f"  if ! grep -qxF '# apply digest {digest}' \"$saved_apply\" 2>/dev/null; then\n"
        '    cat "$work/missing" >&2\n'
        '    abort "the configuration is not active and $saved_apply is not the apply script of this version; run pulumi up again"\n'
        "  fi\n"
        '  echo "zt-ecmp: the applied configuration is not active (rolled back, or never committed); applying it again" >&2\n'
        '  /bin/vbash "$saved_apply" || abort "applying again failed (see above)"\n'
        "fi\n"
        "\n"
        "configure\n"
        "confirm\n"
        "check_active\n"
        'if [ -s "$work/missing" ]; then\n'
        '  cat "$work/missing" >&2\n'
        '  abort "the configuration was rolled back before it could be confirmed"\n'
        "fi\n"
        "\n"
        "save\n"
        'if [ -f "$pending" ]; then\n'
        + _keep_owned('cat "$pending"', '"$ledger.new"')
        + 'mv "$ledger.new" "$ledger" && rm -f "$pending" || abort "cannot write $ledger"\n'
        "fi\n"
        "# Images the lab pulled for an earlier version and no container of this one uses.\n"
        ': > "$work/unpulled"\n'
        + _remove_images('"$ledger"')
        + 'if [ -s "$work/unpulled" ]; then grep -vxF -f "$work/unpulled" "$ledger" > "$ledger.new"; mv "$ledger.new" "$ledger"; fi\n'
        'rm -rf "$work"\n'
        "exit\n"
    )


def render_delete_script(plan: LabPlan, router: str) -> str:
    """Removes what the ledger says this program created, in one commit, and nothing else."""
    return (
        _prologue(plan, router, "remove what zt-ecmp created") + "configure\n"
        "\n"
        + _STILL_OWNED
        + 'cat "$work/owned" | '
        + _NODES_ONLY
        + _REMOVE_IN_ORDER
        + "# The operator's own values the lab replaced or removed.\n"
        + _put_back('"$work/owned"')
        + "\n"
        + "# No commit-confirm: destroy has no later step to confirm it, and only removes lab nodes.\n"
        "if cli-shell-api sessionChanged; then\n"
        "  commit\n"
        '  if cli-shell-api sessionChanged; then abort "commit failed (see above); nothing removed, ledger kept"; fi\n'
        "fi\n"
        "save\n"
        "# The images the lab pulled, now that no container of the lab is left to use them.\n"
        ': > "$work/images"\n'
        ': > "$work/unpulled"\n' + _remove_images('"$work/owned"') + 'rm -f "$ledger" "$pending" "$saved_apply"\n'
        'rm -rf "$work"\n'
        "exit\n"
    )


def remote_command(script: str) -> str:
    """The command pulumi-command runs over SSH: the script as a file, run by vbash in the config group."""
    return (
        'script="$(mktemp)" && cat > "$script" <<\'ZT_ECMP_SCRIPT\'\n'
        f"{script}"
        "ZT_ECMP_SCRIPT\n"
        f'sg {CONFIG_GROUP} -c "/bin/vbash $script"; status=$?; rm -f "$script"; exit $status\n'
    )
