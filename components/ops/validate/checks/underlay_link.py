"""Underlay link: what the underlay actually runs at, checked against the plan.

One verdict per property (link, speed, duplex, autonegotiation, MTU) of the ``Underlay`` fact, each
reported as one line naming the interface and the property.
"""

from __future__ import annotations

from components.model.plan import RouterPlan
from components.model.underlay import LINK_SPEED_MBPS
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Absent, Ethtool, Link, Unread
from components.ops.facts.needs import UNDERLAY, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope

NAME = "underlay link"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [UNDERLAY]


def _said(value: bool | None, yes: str, no: str) -> str | None:
    return None if value is None else yes if value else no


def verdicts(router: RouterPlan, ethtool: Ethtool, link: Link | Unread | None) -> list[tuple[str, bool, str]]:
    """(property, as planned, detail) for the router's underlay, against its plan.

    Speed is checked against ``underlay.speed`` whether or not the lab sets it: the capacity estimate
    assumes it. MTU is checked where the lab sets one and otherwise only reported.
    """
    tuning = router.underlay_tuning
    found = []

    detected = _said(ethtool.link_detected, "yes", "no")
    found.append(("link", detected == "yes", f"link detected: {detected or 'not reported'}"))

    wanted_speed = LINK_SPEED_MBPS[router.link_speed]
    speed = f"negotiated {ethtool.speed or 'not reported'}, planned {wanted_speed}Mb/s ({router.link_speed})"
    found.append(("speed", ethtool.speed_mbps == wanted_speed, speed))

    wanted_duplex = tuning.link.duplex if tuning.link is not None and tuning.link.duplex else "full"
    found.append(("duplex", ethtool.duplex == wanted_duplex, f"{ethtool.duplex or 'not reported'}, planned {wanted_duplex}"))

    if tuning.link is not None:
        wanted_autoneg = "on" if tuning.link.autoneg else "off"
        autoneg = _said(ethtool.autonegotiation, "on", "off")
        found.append(("autonegotiation", autoneg == wanted_autoneg, f"{autoneg or 'not reported'}, planned {wanted_autoneg}"))

    if isinstance(link, Unread):
        found.append(("mtu", False, str(link)))
    elif tuning.mtu is not None:
        mtu = link.mtu if link is not None else None
        found.append(("mtu", mtu == tuning.mtu, f"{mtu if mtu is not None else 'interface not found'}, planned {tuning.mtu}"))
    else:
        found.append(("mtu", link is not None, f"{link.mtu} (not set by the lab)" if link is not None else "interface not found"))
    return found


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    interface = scope.router.underlay_interface
    underlay = facts[UNDERLAY]
    if isinstance(underlay, Absent):
        return [scope.result(NAME, interface, "n/a", underlay.why)]
    if isinstance(underlay.ethtool, Unread):
        return [scope.result(NAME, interface, "fail", str(underlay.ethtool))]
    return [
        scope.result(NAME, f"{interface} {name}", "pass" if ok else "fail", detail)
        for name, ok, detail in verdicts(scope.router, underlay.ethtool, underlay.link)
    ]


CHECK = Check(NAME, needs, evaluate)
