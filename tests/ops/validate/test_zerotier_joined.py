"""Zerotier joined: a path is judged by its network, its address and its interface; root contact is only reported."""

from __future__ import annotations

from dataclasses import replace

from components.ops.facts.model import Absent, ByPath, RootContact, Unread, ZeroTierInstance, ZeroTierNetwork, ZeroTierNode
from components.ops.facts.needs import ZEROTIER
from components.ops.validate.checks.zerotier_joined import CHECK
from tests.ops.validate.judged import failed, verdicts

NETWORK_IDS = {1: "a09acf0233c1d9e2", 2: "a09acf0233e6b1c4", 3: "a09acf023376c8a1", 4: "a09acf02335d04f7"}


def joined(index: int) -> ZeroTierInstance:
    """Path ``index``'s instance as planned: on its network, with its address on its interface."""
    network = ZeroTierNetwork(NETWORK_IDS[index], "OK", f"ztecmp{index}", (f"10.14.0.{4 * index - 3}/30",))
    return ZeroTierInstance(ZeroTierNode("3a5c0e21f4", 1764251406123), (network,), RootContact(12))


def instances(*changed: tuple[int, ZeroTierInstance]) -> ByPath[ZeroTierInstance]:
    return ByPath(tuple(({index: joined(index) for index in range(1, 5)} | dict(changed)).items()))


def test_an_instance_as_planned_passes_saying_when_a_root_was_last_heard() -> None:
    assert verdicts(CHECK, {ZEROTIER: instances()})[0] == (
        "path 1",
        "pass",
        "node 3a5c0e21f4, network a09acf0233c1d9e2 OK, 10.14.0.1/30 on ztecmp1; a root was last heard 12 s ago",
    )


def test_a_network_still_waiting_for_its_configuration_fails_with_status_and_addresses() -> None:
    waiting = replace(joined(2), networks=(ZeroTierNetwork(NETWORK_IDS[2], "REQUESTING_CONFIGURATION", "ztecmp2", ()),))
    assert failed(CHECK, {ZEROTIER: instances((2, waiting))}) == [
        ("path 2", "network a09acf0233e6b1c4 status is REQUESTING_CONFIGURATION; addresses are [], planned 10.14.0.5/30")
    ]


def test_an_interface_name_taken_elsewhere_shows_as_the_wrong_device() -> None:
    renamed = replace(joined(2), networks=(ZeroTierNetwork(NETWORK_IDS[2], "OK", "zt5u3nqbwn", ("10.14.0.5/30",)),))
    assert failed(CHECK, {ZEROTIER: instances((2, renamed))}) == [("path 2", "interface is zt5u3nqbwn, planned ztecmp2")]


def test_an_instance_joined_to_a_second_network_fails() -> None:
    planned = ZeroTierNetwork(NETWORK_IDS[1], "OK", "ztecmp1", ("10.14.0.1/30",))
    twice = replace(joined(1), networks=(planned, ZeroTierNetwork("8056c2e21c000001", "OK", "ztrfyc6hdf", ())))
    assert failed(CHECK, {ZEROTIER: instances((1, twice))}) == [
        ("path 1", "joined to 2 networks, expected exactly one: a09acf0233c1d9e2, 8056c2e21c000001")
    ]


def test_a_node_without_root_contact_is_judged_by_its_path_and_says_so() -> None:
    # ONLINE only means a root was heard lately: it reads OFFLINE for a while after start, and always
    # where roots are unreachable by design, while the path itself carries traffic.
    alone = replace(joined(1), roots=RootContact(None))
    [verdict] = [found for found in verdicts(CHECK, {ZEROTIER: instances((1, alone))}) if found[0] == "path 1"]
    assert verdict[1:] == (
        "pass",
        "node 3a5c0e21f4, network a09acf0233c1d9e2 OK, 10.14.0.1/30 on ztecmp1; "
        "no root heard since the instance started (information only)",
    )


def test_a_root_heard_long_ago_is_reported_with_its_age_and_judges_nothing() -> None:
    # The controller down changes nothing here: roots and controller are different nodes, and only
    # the age of the last word from a root says whether this instance still reaches one.
    late = replace(joined(2), roots=RootContact(75))
    assert verdicts(CHECK, {ZEROTIER: instances((2, late))})[1][1:] == (
        "pass",
        "node 3a5c0e21f4, network a09acf0233e6b1c4 OK, 10.14.0.5/30 on ztecmp2; a root was last heard 75 s ago",
    )


def test_unknown_root_contact_says_why_and_judges_nothing() -> None:
    unknown = replace(joined(1), roots=Unread("zerotier-cli peers", "timeout", "timed out after 60 s"))
    assert verdicts(CHECK, {ZEROTIER: instances((1, unknown))})[0][1:] == (
        "pass",
        "node 3a5c0e21f4, network a09acf0233c1d9e2 OK, 10.14.0.1/30 on ztecmp1; "
        "root contact unknown (zerotier-cli peers: timed out after 60 s)",
    )


def test_an_instance_that_could_not_be_asked_reports_the_complaint() -> None:
    no_container = replace(
        joined(4),
        node=Unread("zerotier-cli info", "failed", 'Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container'),
    )
    assert failed(CHECK, {ZEROTIER: instances((4, no_container))}) == [
        ("path 4", 'zerotier-cli info: Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container')
    ]


def test_networks_that_could_not_be_listed_fail_saying_why() -> None:
    unlisted = replace(joined(3), networks=Unread("zerotier-cli listnetworks", "failed", "401 listnetworks {}"))
    assert failed(CHECK, {ZEROTIER: instances((3, unlisted))}) == [("path 3", "zerotier-cli listnetworks: 401 listnetworks {}")]


def test_routers_without_zerotier_get_one_not_applicable_line() -> None:
    assert verdicts(CHECK, {ZEROTIER: Absent("no ZeroTier here")}) == [("paths 1-4", "n/a", "no ZeroTier here")]
