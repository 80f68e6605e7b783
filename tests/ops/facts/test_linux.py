"""The Linux getters (VyOS shares them): what iproute2, /proc/sys, ping, FRR's vtysh and ethtool print, as facts.

Read from recorded answers of r1 of the gk41 lab (tests/ops/recordings/). The vtysh failures were
recorded with Debian 12's FRR 8.4: as a user outside the frrvty group, through a bash without
vtysh on its PATH, and with zebra running but not bfdd.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from components.ops.facts.model import (
    Addresses,
    BfdPeer,
    Ethtool,
    HashPolicy,
    Link,
    Ping,
    Route,
    RouteNextHop,
    Routes,
    Underlay,
    Unread,
)
from components.ops.facts.needs import ADDRESSES, BFD_PEERS, HASH_POLICY, LINKS, UNDERLAY, PingNeed, RoutesNeed
from components.ops.shell import CommandOutput
from tests.ops.facts.read import asked, fact, r1_fact
from tests.ops.recorded_router import recorded
from tests.support.stacks import jumbo_routers, lab_plan

TO_R2 = RoutesNeed(IPv4Network("10.0.55.2/32"))


def hop(gateway: str, device: str, *flags: str) -> RouteNextHop:
    return RouteNextHop(gateway, device, flags)


# -- routes ----------------------------------------------------------------------------------------


def test_routes_are_asked_with_details_so_that_a_linkdown_flag_is_listed() -> None:
    assert asked(TO_R2) == ["ip -d -j route show 10.0.55.2/32"]


def test_a_multipath_route_is_one_route_with_every_next_hop() -> None:
    assert r1_fact(TO_R2) == Routes(
        "10.0.55.2/32",
        (Route((hop("10.14.0.2", "ztecmp1"), hop("10.14.0.6", "ztecmp2"), hop("10.14.0.10", "ztecmp3"), hop("10.14.0.14", "ztecmp4"))),),
    )


def test_a_route_with_one_next_hop_has_it_although_iproute2_lists_no_nexthops() -> None:
    assert r1_fact(TO_R2, "gk41-r1-route-one-next-hop") == Routes("10.0.55.2/32", (Route((hop("10.14.0.2", "ztecmp1"),)),))


def test_next_hops_keep_the_kernels_flags() -> None:
    routes = r1_fact(TO_R2, "gk41-r1-route-linkdown")
    assert isinstance(routes, Routes)
    assert [(next_hop.flags, next_hop.dead_flags) for next_hop in routes.next_hops] == [(("linkdown",), ("linkdown",))] * 4


def test_no_route_is_an_empty_list_of_routes() -> None:
    assert r1_fact(TO_R2, "gk41-r1-route-none") == Routes("10.0.55.2/32", ())


def test_a_command_the_shell_stopped_is_unread_for_a_timeout() -> None:
    answers = {"ip -d -j route show 10.0.55.2/32": CommandOutput(124, "", "timed out after 60 s")}
    assert fact(TO_R2, answers) == Unread("ip route", "timeout", "timed out after 60 s")


def test_output_that_is_not_json_is_unread_naming_what_was_printed() -> None:
    answers = {"ip -d -j route show 10.0.55.2/32": CommandOutput(0, "10.0.55.2 nhid 52 proto static metric 20\n")}
    assert fact(TO_R2, answers) == Unread("ip route", "unparsed", "not JSON: 10.0.55.2 nhid 52 proto static metric 20")


# -- links -----------------------------------------------------------------------------------------


def test_links_say_up_carrier_state_and_mtu() -> None:
    links = r1_fact(LINKS)
    assert not isinstance(links, Unread)
    assert [link.name for link in links.links] == ["lo", "eth0", "eth2", "dum0", "ztecmp1", "ztecmp2", "ztecmp3", "ztecmp4"]
    assert links.named("ztecmp1") == Link("ztecmp1", up=True, carrier=True, state="UNKNOWN", mtu=2800)


def test_a_link_without_carrier_is_up_but_has_none() -> None:
    links = r1_fact(LINKS, "gk41-r1-path2-no-carrier")
    assert not isinstance(links, Unread)
    assert links.named("ztecmp2") == Link("ztecmp2", up=True, carrier=False, state="DOWN", mtu=2800)


def test_a_renamed_interface_is_not_found_by_its_planned_name() -> None:
    links = r1_fact(LINKS, "gk41-r1-path3-interface-renamed")
    assert not isinstance(links, Unread)
    assert links.named("ztecmp3") is None


# -- the hash policy -------------------------------------------------------------------------------


def test_the_hash_policy_is_read_from_proc_sys_as_a_number() -> None:
    assert asked(HASH_POLICY) == ["cat /proc/sys/net/ipv4/fib_multipath_hash_policy"]
    assert (r1_fact(HASH_POLICY), r1_fact(HASH_POLICY, "gk41-r1-layer3-hashing")) == (HashPolicy(1), HashPolicy(0))


def test_a_kernel_without_the_sysctl_leaves_the_hash_policy_unread_with_cats_complaint() -> None:
    answers = {
        "cat /proc/sys/net/ipv4/fib_multipath_hash_policy": CommandOutput(
            1, "", "cat: /proc/sys/net/ipv4/fib_multipath_hash_policy: No such file or directory\n"
        )
    }
    assert fact(HASH_POLICY, answers) == Unread(
        "cat /proc/sys/net/ipv4/fib_multipath_hash_policy",
        "failed",
        "cat: /proc/sys/net/ipv4/fib_multipath_hash_policy: No such file or directory",
    )


# -- pings -----------------------------------------------------------------------------------------


def test_a_ping_from_the_floating_ip_names_its_source() -> None:
    need = PingNeed(IPv4Address("10.0.55.2"), IPv4Address("10.0.55.1"))
    assert asked(need) == ["ping -n -q -c 2 -i 0.2 -W 1 -I 10.0.55.1 10.0.55.2"]
    assert r1_fact(need) == Ping("10.0.55.2", "10.0.55.1", 2, 2, "2 packets transmitted, 2 received, 0% packet loss, time 201ms")


def test_a_silent_peer_is_a_ping_without_replies() -> None:
    ping = r1_fact(PingNeed(IPv4Address("10.14.0.10")), "gk41-r1-path3-peer-silent")
    assert ping == Ping("10.14.0.10", None, 2, 0, "2 packets transmitted, 0 received, 100% packet loss, time 1023ms")
    assert not ping.answered


def test_a_ping_that_could_not_send_is_unread_with_its_complaint() -> None:
    answers = {"ping -n -q -c 2 -i 0.2 -W 1 10.14.0.10": CommandOutput(2, "", "ping: connect: Network is unreachable\n")}
    assert fact(PingNeed(IPv4Address("10.14.0.10")), answers) == Unread("ping", "failed", "ping: connect: Network is unreachable")


# -- BFD -------------------------------------------------------------------------------------------


def test_bfd_peers_are_read_with_state_addresses_and_diagnostic() -> None:
    peers = r1_fact(BFD_PEERS, "gk41-r1-bfd-path2-down")
    assert not isinstance(peers, Unread)
    assert peers.with_address("10.14.0.6") == BfdPeer(
        "10.14.0.6", local="10.14.0.5", interface="ztecmp2", status="down", diagnostic="control detection time expired"
    )
    assert peers.with_address("10.14.0.3") is None


def test_a_user_outside_frrvty_leaves_the_bfd_peers_unread_as_not_permitted() -> None:
    assert r1_fact(BFD_PEERS, "gk41-r1-bfd-user-not-in-frrvty") == Unread(
        "show bfd peers", "permission", "% Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'."
    )


def test_a_router_without_vtysh_leaves_the_bfd_peers_unread_as_missing() -> None:
    assert r1_fact(BFD_PEERS, "gk41-r1-bfd-no-vtysh") == Unread("show bfd peers", "missing", "bash: line 1: vtysh: command not found")


def test_bfdd_not_running_leaves_the_bfd_peers_unread_with_vtyshs_words() -> None:
    assert r1_fact(BFD_PEERS, "gk41-r1-bfd-bfdd-not-running") == Unread("show bfd peers", "failed", "bfdd is not running")


# -- the underlay NIC (r1 of the ms01 lab: a 25G DAC with jumbo frames) ------------------------------

MS01 = lab_plan("ms01", routers=jumbo_routers("ms01"))


def underlay(*cases: str) -> Underlay:
    found = fact(UNDERLAY, recorded("ms01-r1-jumbo-underlay", *cases), MS01)
    assert isinstance(found, Underlay)
    return found


def test_the_underlay_is_asked_of_ethtool_by_its_full_path_and_of_ip_link() -> None:
    assert asked(UNDERLAY, MS01) == ["/sbin/ethtool eth4", "ip -j link show dev eth4"]


def test_the_underlay_says_link_speed_duplex_autonegotiation_and_mtu() -> None:
    assert underlay() == Underlay(
        "eth4",
        Ethtool(link_detected=True, speed="25000Mb/s", duplex="full", autonegotiation=False),
        Link("eth4", up=True, carrier=True, state="UP", mtu=9000),
    )


def test_a_link_at_10g_reports_its_speed() -> None:
    ethtool = underlay("ms01-r1-underlay-at-10g").ethtool
    assert isinstance(ethtool, Ethtool)
    assert (ethtool.speed, ethtool.speed_mbps) == ("10000Mb/s", 10000)


def test_a_link_without_carrier_has_no_speed_or_duplex() -> None:
    assert underlay("ms01-r1-underlay-no-link").ethtool == Ethtool(
        link_detected=False, speed="Unknown!", duplex="unknown! (255)", autonegotiation=False
    )


def test_an_interface_the_router_lacks_is_none() -> None:
    assert underlay("ms01-r1-underlay-missing").link is None


# -- addresses -------------------------------------------------------------------------------------


def test_addresses_are_every_ipv4_address_by_interface() -> None:
    assert asked(ADDRESSES) == ["ip -j -4 address show"]
    addresses = r1_fact(ADDRESSES)
    assert isinstance(addresses, Addresses)
    assert addresses.on("dum0") == ("10.0.55.1/32",)
    assert addresses.on("ztecmp3") == ("10.14.0.9/30",)
    assert addresses.holding("10.0.55.1") == ("dum0",)


def test_an_address_no_interface_holds_is_held_by_none() -> None:
    addresses = r1_fact(ADDRESSES, "gk41-r1-floating-missing")
    assert isinstance(addresses, Addresses)
    assert (addresses.holding("10.0.55.1"), addresses.on("dum0")) == ((), ())


def test_addresses_that_cannot_be_listed_are_unread_with_iproute2s_complaint() -> None:
    failed = fact(ADDRESSES, {"ip -j -4 address show": CommandOutput(255, "", 'Object "address" is unknown, try "ip help".\n')})
    assert failed == Unread("ip address", "failed", 'Object "address" is unknown, try "ip help".')
