"""Underlay link: what the underlay actually runs at, checked against the plan.

``underlay_checks`` judges what the router prints for ``ethtool <underlay>`` and ``ip -j link show
dev <underlay>``, one verdict per property (link, speed, duplex, autonegotiation, MTU); the check
asks for those two commands and reports each verdict as one line.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from components.model.plan import LabPlan
from components.model.underlay import LINK_SPEED_MBPS
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope

NAME = "underlay link"
# By its full path: ethtool is in /sbin, which the router's SSH user does not have on its
# non-interactive PATH (on VyOS: /usr/local/bin:/usr/bin:/bin:/usr/games, OpenSSH's default).
# Debian's ethtool package installs /sbin/ethtool, which merged-/usr systems reach as well.
ETHTOOL = "/sbin/ethtool"


@dataclass(frozen=True)
class UnderlayCheck:
    name: str
    ok: bool
    detail: str


def parse_ethtool(text: str) -> dict[str, str]:
    """``ethtool <if>`` as {"Speed": "2500Mb/s", "Duplex": "Full", "Auto-negotiation": "on", ...}."""
    fields = {}
    for line in text.splitlines():
        match = re.match(r"^\s+([A-Za-z][A-Za-z -]*):\s*(.*?)\s*$", line)
        if match:
            fields[match.group(1)] = match.group(2)
    return fields


def _link(ip_link_json: str, interface: str) -> dict[str, Any] | None:
    for link in json.loads(ip_link_json or "[]"):
        if isinstance(link, dict) and link.get("ifname") == interface:
            return link
    return None


def underlay_checks(plan: LabPlan, router: str, ethtool_text: str, ip_link_json: str) -> list[UnderlayCheck]:
    """Link, negotiated speed and duplex, autonegotiation and MTU of ``router``'s underlay, against its plan.

    Speed is checked against ``underlay.speed`` whether or not the lab sets it: the capacity estimate
    assumes it. MTU is checked where the lab sets one and otherwise only reported.
    """
    own = plan.router(router)
    tuning = own.underlay_tuning
    interface = own.underlay_interface
    prefix = f"{router} underlay {interface}"
    fields = parse_ethtool(ethtool_text)
    checks = []

    detected = fields.get("Link detected", "")
    checks.append(UnderlayCheck(f"{prefix} link", detected == "yes", f"link detected: {detected or 'not reported'}"))

    wanted_speed = LINK_SPEED_MBPS[own.link_speed]
    speed_text = fields.get("Speed", "")
    speed = re.match(r"^(\d+)Mb/s$", speed_text)
    checks.append(
        UnderlayCheck(
            f"{prefix} speed",
            speed is not None and int(speed.group(1)) == wanted_speed,
            f"negotiated {speed_text or 'not reported'}, planned {wanted_speed}Mb/s ({own.link_speed})",
        )
    )

    wanted_duplex = tuning.link.duplex if tuning.link is not None and tuning.link.duplex else "full"
    duplex = fields.get("Duplex", "").lower()
    checks.append(UnderlayCheck(f"{prefix} duplex", duplex == wanted_duplex, f"{duplex or 'not reported'}, planned {wanted_duplex}"))

    if tuning.link is not None:
        wanted_autoneg = "on" if tuning.link.autoneg else "off"
        autoneg = fields.get("Auto-negotiation", "")
        checks.append(
            UnderlayCheck(f"{prefix} autonegotiation", autoneg == wanted_autoneg, f"{autoneg or 'not reported'}, planned {wanted_autoneg}")
        )

    link = _link(ip_link_json, interface)
    mtu = link.get("mtu") if link else None
    if tuning.mtu is not None:
        checks.append(
            UnderlayCheck(f"{prefix} mtu", mtu == tuning.mtu, f"{mtu if mtu is not None else 'interface not found'}, planned {tuning.mtu}")
        )
    else:
        checks.append(UnderlayCheck(f"{prefix} mtu", link is not None, f"{mtu} (not set by the lab)" if link else "interface not found"))
    return checks


def commands(scope: RouterScope) -> list[str]:
    if scope.underlay_absent:
        return []
    interface = scope.router.underlay_interface
    return [shlex.join([ETHTOOL, interface]), shlex.join(["ip", "-j", "link", "show", "dev", interface])]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    if scope.underlay_absent:
        return [scope.result(NAME, scope.router.underlay_interface, "n/a", scope.underlay_absent)]
    ethtool, link = (observed[command] for command in commands(scope))
    if not ethtool.ok:
        return [scope.result(NAME, scope.router.underlay_interface, "fail", f"ethtool: {ethtool.why()}")]
    # The router is the report's own column: each line names only the interface and the property.
    prefix = f"{scope.router.name} underlay "
    return [
        scope.result(NAME, check.name.removeprefix(prefix), "pass" if check.ok else "fail", check.detail)
        for check in underlay_checks(scope.plan, scope.router.name, ethtool.stdout, link.stdout if link.ok else "[]")
    ]


CHECK = Check(NAME, commands, evaluate)
