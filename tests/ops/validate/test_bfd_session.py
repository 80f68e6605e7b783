"""Bfd session: where BFD tracks the next hops, every active path's session is up; inactive ones are reported."""

from __future__ import annotations

from components.ops.validate.runner import commands_for
from tests.ops.validate.gk41_r1 import failures, healthy_r1, plan_with_runtime, r1_scope, results


def test_a_bfd_session_down_fails_its_path_saying_the_next_hop_is_withdrawn() -> None:
    assert failures(healthy_r1("gk41-r1-bfd-path2-down")) == [
        ("bfd session", "path 2 10.14.0.6", "session down, diagnostic control detection time expired: the next-hop is withdrawn")
    ]


def test_a_path_without_a_bfd_session_fails() -> None:
    assert failures(healthy_r1("gk41-r1-bfd-path4-missing")) == [
        ("bfd session", "path 4 10.14.0.14", "no BFD session with the path's peer")
    ]


def test_an_inactive_paths_bfd_session_is_reported_but_does_not_fail() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    bfd = [(result.subject, result.status, result.detail) for result in results("bfd session", healthy_r1(), plan)]
    assert bfd[3] == ("path 4 10.14.0.14", "pass", "up on ztecmp4")


def test_bfd_is_not_applicable_when_the_stack_turns_it_off() -> None:
    plan = plan_with_runtime("vyos", routing={"bfd": {"enabled": False}})
    assert "vtysh -c 'show bfd peers json'" not in commands_for(r1_scope(plan))
    assert [(result.status, result.detail) for result in results("bfd session", healthy_r1(), plan)] == [
        ("n/a", "BFD is off (routing.bfd.enabled)")
    ]
