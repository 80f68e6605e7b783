"""Bfd session: where BFD tracks the next hops, every active path's session is up; inactive ones are reported."""

from __future__ import annotations

from components.ops.facts.model import BfdPeer, BfdPeers, Unread
from components.ops.facts.needs import BFD_PEERS
from components.ops.validate.checks.bfd_session import CHECK
from components.ops.validate.framework import RouterScope
from tests.ops.validate.gk41_r1 import plan_with_runtime
from tests.ops.validate.judged import failed, verdicts
from tests.support.variants import linux_plan


def session(path: int, status: str = "up", diagnostic: str = "ok") -> BfdPeer:
    """r1's session with r2 on ``path``."""
    return BfdPeer(f"10.14.0.{4 * path - 2}", f"10.14.0.{4 * path - 3}", f"ztecmp{path}", status, diagnostic)


def peers(*sessions: BfdPeer) -> BfdPeers:
    return BfdPeers(sessions or tuple(session(path) for path in range(1, 5)))


def test_every_session_up_passes_naming_its_interface() -> None:
    assert verdicts(CHECK, {BFD_PEERS: peers()})[0] == ("path 1 10.14.0.2 (r2)", "pass", "up on ztecmp1")


def test_a_bfd_session_down_fails_its_path_saying_the_next_hop_is_withdrawn() -> None:
    down = peers(session(1), session(2, "down", "control detection time expired"), session(3), session(4))
    assert failed(CHECK, {BFD_PEERS: down}) == [
        ("path 2 10.14.0.6 (r2)", "session down, diagnostic control detection time expired: the next-hop is withdrawn")
    ]


def test_a_path_without_a_bfd_session_fails() -> None:
    assert failed(CHECK, {BFD_PEERS: peers(session(1), session(2), session(3))}) == [
        ("path 4 10.14.0.14 (r2)", "no BFD session with the path's peer")
    ]


def test_an_inactive_paths_session_that_is_up_passes() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    assert verdicts(CHECK, {BFD_PEERS: peers()}, plan)[3] == ("path 4 10.14.0.14 (r2)", "pass", "up on ztecmp4")


def test_an_inactive_paths_session_that_is_down_is_reported_but_does_not_fail() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    down = peers(session(1), session(2), session(3), session(4, "down"))
    assert verdicts(CHECK, {BFD_PEERS: down}, plan)[3] == ("path 4 10.14.0.14 (r2)", "n/a", "inactive path: session down")


def test_a_vyos_router_without_a_session_on_an_inactive_path_fails() -> None:
    # VyOS peers on every built path, so the session's health shows before the path carries traffic.
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    assert failed(CHECK, {BFD_PEERS: peers(session(1), session(2), session(3))}, plan) == [
        ("path 4 10.14.0.14 (r2)", "inactive path: not peered")
    ]


def test_peers_that_could_not_be_read_fail_once_saying_why() -> None:
    unread = Unread("show bfd peers", "permission", "% Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'.")
    assert verdicts(CHECK, {BFD_PEERS: unread}) == [
        ("all paths", "fail", "cannot read BFD peers: % Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'.")
    ]


def test_bfd_is_not_applicable_and_not_asked_when_the_stack_turns_it_off() -> None:
    plan = plan_with_runtime("vyos", routing={"bfd": {"enabled": False}})
    assert CHECK.needs(RouterScope(plan, plan.router("r1"))) == []
    assert verdicts(CHECK, {}, plan) == [("paths 1-4", "n/a", "BFD is off (routing.bfd.enabled)")]


def test_routes_that_bfd_does_not_track_are_not_applicable() -> None:
    plan = linux_plan("gk41")
    assert verdicts(CHECK, {}, plan) == [("paths 1-4", "n/a", "iproute2 routes are not tracked (routing.linuxRoutes)")]
