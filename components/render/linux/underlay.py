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
from components.render.formats import SysctlFile, sysctl_text
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


def _rings(tuning: UnderlayTuning) -> list[dict[str, str]]:
    """The ring sizes the plan sets, as the values of underlay-read-ring.sh and underlay-set-ring.sh."""
    sizes = (("rx", tuning.rx_ring), ("tx", tuning.tx_ring))
    return [
        {"DEV": tuning.interface, "DIRECTION": direction, "FIELD": direction.upper(), "SIZE": str(size)}
        for direction, size in sizes
        if size is not None
    ]


def _snapshot_function(tuning: UnderlayTuning) -> str:
    dev = tuning.interface
    offloads = [{"DEV": dev, "NAME": name, "FEATURE": FEATURE_NAMES[name]} for name, _ in tuning.offloads if name in FEATURE_NAMES]
    reads = [
        *(PROGRAMS.lines("underlay-read-link.sh", DEV=dev) if tuning.link is not None else []),
        *PROGRAMS.each("underlay-read-ring.sh", ({key: ring[key] for key in ("DEV", "DIRECTION", "FIELD")} for ring in _rings(tuning))),
        *PROGRAMS.each("underlay-read-offload.sh", offloads),
    ]
    return PROGRAMS.text(
        "underlay-snapshot.sh",
        MTU=PROGRAMS.lines("underlay-read-mtu.sh", DEV=dev) if tuning.mtu is not None else [],
        ETHTOOL=PROGRAMS.lines("underlay-ethtool-reads.sh", READS=reads) if reads else [],
        RPS=PROGRAMS.lines("underlay-read-rps.sh", DEV=dev) if tuning.offload("rps") is not None else [],
        SYSCTLS=PROGRAMS.each("underlay-read-sysctl.sh", ({"KEY": key, "FILE": proc_sys(key)} for key, _ in tuning.sysctls)),
    ).removesuffix("\n")


def _link_lines(tuning: UnderlayTuning) -> list[str]:
    link = tuning.link
    if link is None:
        return []
    if link.autoneg:
        return PROGRAMS.lines("underlay-set-autoneg.sh", DEV=tuning.interface)
    return PROGRAMS.lines("underlay-set-link.sh", DEV=tuning.interface, SPEED=str(link.speed_mbps), DUPLEX=str(link.duplex))


def _sysctl_values(key: str, value: object) -> dict[str, str]:
    # What asked for the value: the hub's forwarding, or the socket limits.
    remedy = ": the hub of a hub-and-spoke lab needs it" if key in HUB_SYSCTL_KEYS else ", or remove underlay.socketBuffers"
    return {"KEY": key, "FILE": proc_sys(key), "VALUE": str(value), "REMEDY": remedy}


def _tune_function(tuning: UnderlayTuning) -> str:
    dev = tuning.interface
    offloads = [
        {"DEV": dev, "NAME": name, "FEATURE": FEATURE_NAMES[name], "STATE": "on" if on else "off"}
        for name, on in tuning.offloads
        if name in FEATURE_NAMES
    ]
    sets = [
        *_link_lines(tuning),
        *PROGRAMS.each("underlay-set-ring.sh", _rings(tuning)),
        *PROGRAMS.each("underlay-set-offload.sh", offloads),
    ]
    rps = tuning.offload("rps")
    return PROGRAMS.text(
        "underlay-tune.sh",
        MTU=PROGRAMS.lines("underlay-set-mtu.sh", DEV=dev, MTU=str(tuning.mtu)) if tuning.mtu is not None else [],
        ETHTOOL=PROGRAMS.lines("underlay-ethtool-sets.sh", SETS=sets, DEV=dev) if sets else [],
        RPS=PROGRAMS.lines("underlay-set-rps.sh", DEV=dev, MASK=tuning.rps_cpu_mask if rps else "0") if rps is not None else [],
        SYSCTLS=PROGRAMS.each("underlay-set-sysctl.sh", (_sysctl_values(key, value) for key, value in tuning.sysctls)),
    ).removesuffix("\n")


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
        why.append(f"zt-ecmp {plan.stack}: UDP socket limits sized for the underlay link; every instance moves its traffic over UDP.")
    if any(key in HUB_SYSCTL_KEYS for key, _ in tuning.sysctls):
        why.append(f"zt-ecmp {plan.stack}: {router} is the hub: it forwards between the spokes and sends them no ICMP redirects.")
    return sysctl_text(SysctlFile(settings=tuple((key, str(value)) for key, value in tuning.sysctls), why=tuple(why)))
