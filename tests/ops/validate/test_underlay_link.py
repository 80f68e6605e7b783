"""Underlay link: what the underlay runs at, judged against the plan, one line per property."""

from __future__ import annotations

from components.ops.facts.model import Absent, Ethtool, Link, Underlay, Unread
from components.ops.facts.needs import UNDERLAY
from components.ops.validate.checks.underlay_link import CHECK
from tests.ops.validate.judged import failed, verdicts
from tests.support.stacks import jumbo_routers, lab_plan

# r1 of the ms01 lab with jumbo frames: a 25G DAC, forced (autonegotiation off), MTU 9000.
JUMBO_MS01 = lab_plan("ms01", routers=jumbo_routers("ms01"))
AS_PLANNED = Ethtool(link_detected=True, speed="25000Mb/s", duplex="full", autonegotiation=False)
JUMBO = Link("eth4", up=True, carrier=True, state="UP", mtu=9000)


def ms01(ethtool: Ethtool | Unread = AS_PLANNED, link: Link | Unread | None = JUMBO) -> list[tuple[str, str, str]]:
    return verdicts(CHECK, {UNDERLAY: Underlay("eth4", ethtool, link)}, JUMBO_MS01)


def test_a_link_at_the_planned_speed_and_mtu_passes_every_property() -> None:
    assert ms01() == [
        ("eth4 link", "pass", "link detected: yes"),
        ("eth4 speed", "pass", "negotiated 25000Mb/s, planned 25000Mb/s (25G)"),
        ("eth4 duplex", "pass", "full, planned full"),
        ("eth4 autonegotiation", "pass", "off, planned off"),
        ("eth4 mtu", "pass", "9000, planned 9000"),
    ]


def test_a_link_that_settled_at_10g_fails_the_speed_and_says_both() -> None:
    at_10g = Ethtool(link_detected=True, speed="10000Mb/s", duplex="full", autonegotiation=False)
    assert ms01(at_10g)[1] == ("eth4 speed", "fail", "negotiated 10000Mb/s, planned 25000Mb/s (25G)")


def test_a_down_link_fails_link_speed_and_duplex() -> None:
    no_link = Ethtool(link_detected=False, speed="Unknown!", duplex="unknown! (255)", autonegotiation=False)
    assert [status for _, status, _ in ms01(no_link)[:3]] == ["fail", "fail", "fail"]


def test_an_mtu_other_than_planned_fails() -> None:
    assert ms01(link=Link("eth4", up=True, carrier=True, state="UP", mtu=1500))[4] == ("eth4 mtu", "fail", "1500, planned 9000")


def test_a_missing_underlay_interface_fails_the_mtu() -> None:
    assert ms01(link=None)[4] == ("eth4 mtu", "fail", "interface not found, planned 9000")


def test_ethtool_that_could_not_run_fails_once() -> None:
    assert ms01(Unread("ethtool", "missing", "bash: line 1: /sbin/ethtool: No such file or directory")) == [
        ("eth4", "fail", "ethtool: bash: line 1: /sbin/ethtool: No such file or directory")
    ]


# -- r1 of the gk41 lab: 2.5G, autonegotiated, MTU not set by the lab --------------------------------

AT_2500 = Ethtool(link_detected=True, speed="2500Mb/s", duplex="full", autonegotiation=True)
ETH2 = Link("eth2", up=True, carrier=True, state="UP", mtu=9000)


def test_an_mtu_the_lab_does_not_set_is_reported() -> None:
    assert verdicts(CHECK, {UNDERLAY: Underlay("eth2", AT_2500, ETH2)})[4] == ("eth2 mtu", "pass", "9000 (not set by the lab)")


def test_a_link_negotiated_below_the_planned_speed_fails() -> None:
    at_1g = Ethtool(link_detected=True, speed="1000Mb/s", duplex="full", autonegotiation=True)
    assert failed(CHECK, {UNDERLAY: Underlay("eth2", at_1g, ETH2)}) == [("eth2 speed", "negotiated 1000Mb/s, planned 2500Mb/s (2.5G)")]


def test_an_underlay_mtu_other_than_planned_fails() -> None:
    plan = lab_plan("gk41", routers=jumbo_routers("gk41"))
    at_1500 = Link("eth2", up=True, carrier=True, state="UP", mtu=1500)
    assert failed(CHECK, {UNDERLAY: Underlay("eth2", AT_2500, at_1500)}, plan) == [("eth2 mtu", "1500, planned 9000")]


def test_routers_without_an_underlay_get_not_applicable() -> None:
    assert verdicts(CHECK, {UNDERLAY: Absent("no underlay here")}) == [("eth2", "n/a", "no underlay here")]
