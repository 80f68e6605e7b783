"""Zerotier joined: a path is judged by its network, its address and its interface; root contact is only reported."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import failures, healthy_r1, results


def test_a_network_still_waiting_for_its_configuration_fails_with_status_and_addresses() -> None:
    assert failures(healthy_r1("gk41-r1-path2-requesting-configuration")) == [
        (
            "zerotier joined",
            "path 2",
            "network a09acf0233e6b1c4 status is REQUESTING_CONFIGURATION; addresses are [], planned 10.14.0.5/30",
        )
    ]


def test_an_interface_name_taken_elsewhere_shows_as_the_wrong_device() -> None:
    assert failures(healthy_r1("gk41-r1-path2-interface-taken")) == [
        ("zerotier joined", "path 2", "interface is zt5u3nqbwn, planned ztecmp2")
    ]


def test_a_node_without_root_contact_is_judged_by_its_path_and_says_so() -> None:
    # ONLINE only means a root was heard lately: it reads OFFLINE for a while after start, and always
    # where roots are unreachable by design, while the path itself carries traffic.
    answers = healthy_r1("gk41-r1-path1-no-root-heard")
    assert failures(answers) == []
    [joined] = [result for result in results("zerotier joined", answers) if result.subject == "path 1"]
    assert joined.detail.endswith("; no root heard since the instance started (information only)")


def test_when_a_root_was_last_heard_is_reported_from_the_nodes_own_clock() -> None:
    [joined] = [result for result in results("zerotier joined", healthy_r1()) if result.subject == "path 1"]
    assert joined.detail == "node 3a5c0e21f4, network a09acf0233c1d9e2 OK, 10.14.0.1/30 on ztecmp1; a root was last heard 12 s ago"


def test_a_root_heard_long_ago_is_reported_with_its_age_and_judges_nothing() -> None:
    # The controller down changes nothing here: roots and controller are different nodes, and only
    # the age of the last word from a root says whether this instance still reaches one.
    answers = healthy_r1("gk41-r1-path2-root-heard-long-ago")
    assert failures(answers) == []
    [joined] = [result for result in results("zerotier joined", answers) if result.subject == "path 2"]
    assert joined.detail.endswith("; a root was last heard 75 s ago")


def test_an_instance_joined_to_a_second_network_fails() -> None:
    assert failures(healthy_r1("gk41-r1-path1-second-network")) == [
        ("zerotier joined", "path 1", "joined to 2 networks, expected exactly one: a09acf0233c1d9e2, 8056c2e21c000001")
    ]


def test_a_container_that_cannot_run_zerotier_cli_reports_its_error() -> None:
    assert failures(healthy_r1("gk41-r1-path4-no-container")) == [
        (
            "zerotier joined",
            "path 4",
            'zerotier-cli info: Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container',
        )
    ]
