"""What the underlay runs at, judged against the plan from `ethtool` and `ip -j link` text."""

from __future__ import annotations

import json

from components.ops.validate.underlay import UnderlayCheck, parse_ethtool, underlay_checks
from tests.lab_settings import jumbo_routers, lab_plan

ETHTOOL_25G = """Settings for eth4:
\tSupported ports: [ FIBRE ]
\tSupported link modes:   1000baseKX/Full
\t                        10000baseKR/Full
\t                        25000baseCR/Full
\tSpeed: 25000Mb/s
\tDuplex: Full
\tAuto-negotiation: off
\tPort: Direct Attach Copper
\tLink detected: yes
"""
ETHTOOL_FELL_BACK = ETHTOOL_25G.replace("Speed: 25000Mb/s", "Speed: 10000Mb/s")
ETHTOOL_NO_LINK = (
    ETHTOOL_25G.replace("Speed: 25000Mb/s", "Speed: Unknown!")
    .replace("Duplex: Full", "Duplex: Unknown! (255)")
    .replace("Link detected: yes", "Link detected: no")
)


def ip_link(mtu: int, name: str = "eth4") -> str:
    return json.dumps([{"ifindex": 1, "ifname": "lo", "mtu": 65536}, {"ifindex": 5, "ifname": name, "mtu": mtu, "operstate": "UP"}])


def by_name(checks: list[UnderlayCheck]) -> dict[str, UnderlayCheck]:
    return {check.name.removeprefix("r1 underlay eth4 "): check for check in checks}


def test_ethtool_fields_are_read_by_name() -> None:
    fields = parse_ethtool(ETHTOOL_25G)
    assert (fields["Speed"], fields["Duplex"], fields["Auto-negotiation"], fields["Link detected"]) == ("25000Mb/s", "Full", "off", "yes")


JUMBO_MS01 = lab_plan("ms01", routers=jumbo_routers("ms01"))


def test_a_link_at_the_planned_speed_and_mtu_passes_every_check() -> None:
    checks = underlay_checks(JUMBO_MS01, "r1", ETHTOOL_25G, ip_link(9000))
    assert [(check.name, check.ok) for check in checks] == [
        ("r1 underlay eth4 link", True),
        ("r1 underlay eth4 speed", True),
        ("r1 underlay eth4 duplex", True),
        ("r1 underlay eth4 autonegotiation", True),
        ("r1 underlay eth4 mtu", True),
    ]


def test_a_link_that_settled_at_10g_fails_the_speed_check_and_says_both() -> None:
    speed = by_name(underlay_checks(JUMBO_MS01, "r1", ETHTOOL_FELL_BACK, ip_link(9000)))["speed"]
    assert speed == UnderlayCheck("r1 underlay eth4 speed", False, "negotiated 10000Mb/s, planned 25000Mb/s (25G)")


def test_a_down_link_fails_link_speed_and_duplex() -> None:
    checks = by_name(underlay_checks(JUMBO_MS01, "r1", ETHTOOL_NO_LINK, ip_link(9000)))
    assert [checks[name].ok for name in ("link", "speed", "duplex")] == [False, False, False]


def test_an_mtu_other_than_planned_fails() -> None:
    mtu = by_name(underlay_checks(JUMBO_MS01, "r1", ETHTOOL_25G, ip_link(1500)))["mtu"]
    assert mtu == UnderlayCheck("r1 underlay eth4 mtu", False, "1500, planned 9000")


def test_a_missing_underlay_interface_fails_the_mtu_check() -> None:
    mtu = by_name(underlay_checks(JUMBO_MS01, "r1", ETHTOOL_25G, ip_link(9000, name="eth5")))["mtu"]
    assert (mtu.ok, mtu.detail) == (False, "interface not found, planned 9000")
