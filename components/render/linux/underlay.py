"""The underlay interface and UDP socket limits on a Linux router, as POSIX shell functions.

The Linux renderer includes these functions in its scripts: the apply script snapshots, tunes and
(on failure) restores; the undo script restores; the boot script tunes again. Only the settings the
plan names are read or changed.

State files
-----------
``underlay_snapshot DIR`` writes one file per setting, ``DIR/underlay-<key>``, holding the interface
and the value(s) found: ``mtu``, ``link`` (autoneg, speed, duplex), ``ring-rx``, ``ring-tx``,
``offload-<name>``, ``rps`` (one line per receive queue) and ``sysctl-<key>``. Restoring a file needs
nothing but the file, so undo puts back what an older version of the plan touched, too.

Failures
--------
MTU and sysctl changes that fail stop the apply (which then rolls back): a wrong MTU loses large
packets silently, and a socket limit that cannot be set (read-only inside a network namespace or
container, where the host owns it) must be set on the host instead. Speed, duplex, rings and offloads
the driver refuses are skipped with a warning on stderr: the hardware profile was checked when the
stack was loaded, the routing still works without them, and `validate` reports what the link runs at.
Without `ethtool` on the router those settings are skipped with a warning too.
"""

from __future__ import annotations

from components.model.kernel import HUB_SYSCTL_KEYS
from components.model.plan import LabPlan, RouterPlan
from components.model.underlay import UnderlayTuning
from components.render.linux import PROGRAMS

# ethtool -k prints long names; -K takes short ones.
FEATURE_NAMES = {
    "gro": "generic-receive-offload",
    "gso": "generic-segmentation-offload",
    "lro": "large-receive-offload",
    "sg": "scatter-gather",
    "tso": "tcp-segmentation-offload",
}


def proc_sys(key: str) -> str:
    """The file under /proc/sys that holds sysctl ``key``: the scripts need nothing but a shell to set it."""
    return "/proc/sys/" + key.replace(".", "/")


def _common_functions() -> str:
    return "\n".join(PROGRAMS.lines("underlay-common.sh"))


def _keys(tuning: UnderlayTuning) -> list[str]:
    keys = []
    if tuning.mtu is not None:
        keys.append("mtu")
    if tuning.link is not None:
        keys.append("link")
    keys += [f"ring-{direction}" for direction, size in (("rx", tuning.rx_ring), ("tx", tuning.tx_ring)) if size is not None]
    keys += [f"offload-{name}" if name != "rps" else "rps" for name, _ in tuning.offloads]
    keys += [f"sysctl-{key}" for key, _ in tuning.sysctls]
    return keys


def underlay_keys(router: RouterPlan) -> tuple[str, ...]:
    """The state-file keys of the settings this router's plan touches."""
    return tuple(_keys(router.underlay_tuning))


def _snapshot_function(tuning: UnderlayTuning) -> str:
    dev = tuning.interface
    lines = ["underlay_snapshot() {"]
    if tuning.mtu is not None:
        lines.append(f'  echo "{dev} $(cat /sys/class/net/{dev}/mtu)" > "$1/underlay-mtu"')
    ethtool_lines = []
    if tuning.link is not None:
        ethtool_lines.append(f'  mode="$(link_mode {dev})"; [ -z "$mode" ] || echo "{dev} $mode" > "$1/underlay-link"')
    for direction, size in (("rx", tuning.rx_ring), ("tx", tuning.tx_ring)):
        if size is not None:
            ethtool_lines.append(
                f'  size="$(ring_size {dev} {direction.upper()})"; [ -z "$size" ] || echo "{dev} $size" > "$1/underlay-ring-{direction}"'
            )
    for name, _ in tuning.offloads:
        if name in FEATURE_NAMES:
            ethtool_lines.append(
                f'  state="$(feature_state {dev} {FEATURE_NAMES[name]})"; '
                f'[ -z "$state" ] || echo "{dev} ${{state%% *}}" > "$1/underlay-offload-{name}"'
            )
    if ethtool_lines:
        lines += ["  if has_ethtool; then", *(f"  {line}" for line in ethtool_lines), "  fi"]
    if tuning.offload("rps") is not None:
        lines += [
            f'  echo {dev} > "$1/underlay-rps"',
            f"  for queue in /sys/class/net/{dev}/queues/rx-*; do",
            '    echo "${queue##*/} $(cat "$queue/rps_cpus")" >> "$1/underlay-rps"',
            "  done",
        ]
    for key, _ in tuning.sysctls:
        lines.append(f'  echo "- $(cat {proc_sys(key)})" > "$1/underlay-sysctl-{key}"')
    lines += ["  :", "}"]
    return "\n".join(lines)


def _tune_function(tuning: UnderlayTuning) -> str:
    dev = tuning.interface
    lines = ["tune_underlay() {"]
    if tuning.mtu is not None:
        lines.append(f'  [ "$(cat /sys/class/net/{dev}/mtu)" = {tuning.mtu} ] || ip link set dev {dev} mtu {tuning.mtu}')
    ethtool_lines = []
    link = tuning.link
    if link is not None:
        if link.autoneg:
            ethtool_lines += [
                f'  case "$(link_mode {dev})" in on*) ;; *)',
                f"    ethtool -s {dev} autoneg on ||",
                f'    underlay_warn "{dev}: autonegotiation not supported; speed and duplex left as they are" ;;',
                "  esac",
            ]
        else:
            ethtool_lines += [
                f'  [ "$(link_mode {dev})" = "off {link.speed_mbps} {link.duplex}" ] ||',
                f"    ethtool -s {dev} speed {link.speed_mbps} duplex {link.duplex} autoneg off ||",
                f'    underlay_warn "{dev}: cannot force {link.speed_mbps} Mb/s {link.duplex} duplex; left as it is"',
            ]
    for direction, size in (("rx", tuning.rx_ring), ("tx", tuning.tx_ring)):
        if size is not None:
            ethtool_lines += [
                f'  [ "$(ring_size {dev} {direction.upper()})" = {size} ] ||',
                f"    ethtool -G {dev} {direction} {size} ||",
                f'    underlay_warn "{dev}: {direction} ring not resizable to {size}; left as it is"',
            ]
    for name, on in tuning.offloads:
        if name not in FEATURE_NAMES:
            continue
        state = "on" if on else "off"
        ethtool_lines += [
            f'  case "$(feature_state {dev} {FEATURE_NAMES[name]})" in',
            f'    "{state} "*) ;;',
            f'    *fixed) underlay_warn "{dev}: {name} is fixed by the driver; cannot turn it {state}" ;;',
            f'    *) ethtool -K {dev} {name} {state} 2>/dev/null || underlay_warn "{dev}: cannot turn {name} {state}" ;;',
            "  esac",
        ]
    if ethtool_lines:
        lines += [
            "  if has_ethtool; then",
            *(f"  {line}" for line in ethtool_lines),
            "  else",
            f'    underlay_warn "ethtool missing: speed, duplex, rings and offloads of {dev} left as they are"',
            "  fi",
        ]
    rps = tuning.offload("rps")
    if rps is not None:
        mask = tuning.rps_cpu_mask if rps else "0"
        lines += [
            f"  for queue in /sys/class/net/{dev}/queues/rx-*/rps_cpus; do",
            f'    echo {mask} > "$queue"',
            "  done",
        ]
    for key, value in tuning.sysctls:
        target = proc_sys(key)
        # What asked for the value: the hub's forwarding, or the socket limits.
        remedy = ": the hub of a hub-and-spoke lab needs it" if key in HUB_SYSCTL_KEYS else ", or remove underlay.socketBuffers"
        lines += [
            f'  if [ "$(cat {target})" != {value} ] && ! echo {value} 2>/dev/null > {target}; then',
            f"    echo \"zt-ecmp: cannot set {key} to {value} here (a network namespace or container sees the host's value "
            f'read-only): set it on the host{remedy}" >&2',
            "    return 1",
            "  fi",
        ]
    lines += ["  :", "}"]
    return "\n".join(lines)


def _bookkeeping_functions(router: RouterPlan) -> str:
    return "\n".join(PROGRAMS.lines("underlay-bookkeeping.sh", WANTED_KEYS=" ".join(underlay_keys(router))))


def underlay_shell_functions(router: RouterPlan) -> str:
    """Shell functions: ``underlay_snapshot DIR``, ``underlay_restore DIR``, ``tune_underlay``,
    ``underlay_record_new PREVIOUS BEFORE`` and ``underlay_forget_dropped PREVIOUS``."""
    tuning = router.underlay_tuning
    return "\n".join([_common_functions(), _snapshot_function(tuning), _tune_function(tuning), _bookkeeping_functions(router)])


def underlay_tune_functions(router: RouterPlan) -> str:
    """What the boot script needs: ``tune_underlay``."""
    return "\n".join([_common_functions(), _tune_function(router.underlay_tuning)])


def underlay_restore_functions() -> str:
    """What the undo script needs: ``underlay_restore DIR``, whatever version recorded DIR."""
    return _common_functions()


def render_underlay_sysctl_conf(plan: LabPlan, router: str) -> str:
    """The sysctl.d drop-in keeping the socket limits (and a hub's forwarding) across reboots; empty when
    the plan sets none."""
    tuning = plan.router(router).underlay_tuning
    if not tuning.sysctls:
        return ""
    why = []
    if any(key not in HUB_SYSCTL_KEYS for key, _ in tuning.sysctls):
        why.append(f"# zt-ecmp {plan.stack}: UDP socket limits sized for the underlay link; every instance moves its traffic over UDP.")
    if any(key in HUB_SYSCTL_KEYS for key, _ in tuning.sysctls):
        why.append(f"# zt-ecmp {plan.stack}: {router} is the hub: it forwards between the spokes and sends them no ICMP redirects.")
    return "\n".join([*why, *(f"{key} = {value}" for key, value in tuning.sysctls)]) + "\n"
