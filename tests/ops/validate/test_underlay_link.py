"""Underlay link: what the underlay runs at, judged against the plan from `ethtool` and `ip -j link` output."""

from __future__ import annotations

from components.ops.validate.checks.underlay_link import UnderlayCheck, parse_ethtool, underlay_checks
from components.ops.validate.framework import RouterScope
from components.ops.validate.runner import commands_for, evaluate
from tests.ops.recorded_router import recorded
from tests.ops.validate.gk41_r1 import VYOS, failures, healthy_r1
from tests.support.stacks import jumbo_routers, lab_plan

# -- the verdicts, on a 25G DAC of the ms01 lab with jumbo frames ----------------------------------

JUMBO_MS01 = lab_plan("ms01", routers=jumbo_routers("ms01"))
# r1's underlay at its planned 25G, forced, MTU 9000.
AS_PLANNED = "ms01-r1-jumbo-underlay"


def r1_underlay(*broken: str) -> list[UnderlayCheck]:
    answers = recorded(AS_PLANNED, *broken)
    ethtool, link = answers["/sbin/ethtool eth4"], answers["ip -j link show dev eth4"]
    return underlay_checks(JUMBO_MS01, "r1", ethtool.stdout, link.stdout)


def by_name(checks: list[UnderlayCheck]) -> dict[str, UnderlayCheck]:
    return {check.name.removeprefix("r1 underlay eth4 "): check for check in checks}


def test_ethtool_fields_are_read_by_name() -> None:
    fields = parse_ethtool(recorded(AS_PLANNED)["/sbin/ethtool eth4"].stdout)
    assert (fields["Speed"], fields["Duplex"], fields["Auto-negotiation"], fields["Link detected"]) == ("25000Mb/s", "Full", "off", "yes")


def test_a_link_at_the_planned_speed_and_mtu_passes_every_check() -> None:
    assert [(check.name, check.ok) for check in r1_underlay()] == [
        ("r1 underlay eth4 link", True),
        ("r1 underlay eth4 speed", True),
        ("r1 underlay eth4 duplex", True),
        ("r1 underlay eth4 autonegotiation", True),
        ("r1 underlay eth4 mtu", True),
    ]


def test_a_link_that_settled_at_10g_fails_the_speed_check_and_says_both() -> None:
    speed = by_name(r1_underlay("ms01-r1-underlay-at-10g"))["speed"]
    assert speed == UnderlayCheck("r1 underlay eth4 speed", False, "negotiated 10000Mb/s, planned 25000Mb/s (25G)")


def test_a_down_link_fails_link_speed_and_duplex() -> None:
    checks = by_name(r1_underlay("ms01-r1-underlay-no-link"))
    assert [checks[name].ok for name in ("link", "speed", "duplex")] == [False, False, False]


def test_an_mtu_other_than_planned_fails() -> None:
    mtu = by_name(r1_underlay("ms01-r1-underlay-mtu-1500"))["mtu"]
    assert mtu == UnderlayCheck("r1 underlay eth4 mtu", False, "1500, planned 9000")


def test_a_missing_underlay_interface_fails_the_mtu_check() -> None:
    mtu = by_name(r1_underlay("ms01-r1-underlay-missing"))["mtu"]
    assert (mtu.ok, mtu.detail) == (False, "interface not found, planned 9000")


# -- the check, on r1 of the gk41 lab ----------------------------------------------------------------


def test_a_link_negotiated_below_the_planned_speed_fails() -> None:
    assert failures(healthy_r1("gk41-r1-underlay-at-1g")) == [
        ("underlay link", "eth2 speed", "negotiated 1000Mb/s, planned 2500Mb/s (2.5G)")
    ]


def test_an_underlay_mtu_other_than_planned_fails() -> None:
    plan = lab_plan("gk41", routers=jumbo_routers("gk41"))
    assert failures(healthy_r1("gk41-r1-underlay-mtu-1500"), plan) == [("underlay link", "eth2 mtu", "1500, planned 9000")]


def test_routers_without_an_underlay_get_not_applicable() -> None:
    scope = RouterScope(VYOS, VYOS.router("r1"), underlay_absent="no underlay here")
    assert not any("ethtool" in command for command in commands_for(scope))
    underlay = [result for result in evaluate(scope, healthy_r1()) if result.check == "underlay link"]
    assert [(result.status, result.detail) for result in underlay] == [("n/a", "no underlay here")]
