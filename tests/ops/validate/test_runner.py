"""The validate runner: every router reached first, each asked all its commands at once (each once, in
check order), its facts read once; routers it cannot reach named, their checks not run; the report as
a table or one JSON document."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from components.cli.main import build_parser
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import BfdPeers, HashPolicy
from components.ops.facts.needs import BFD_PEERS, HASH_POLICY, AnyNeed
from components.ops.lab_read import Unreachable, target_of
from components.ops.validate.checks import ecmp_route, path_peer
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import (
    Validation,
    commands_for,
    listed_checks,
    needs_for,
    render_results,
    results_document,
    validate_lab,
)
from tests.ops.recorded_router import RecordedShell
from tests.ops.validate.gk41_r1 import DOCKER, VYOS, check_named, healthy_r1, judge
from tests.ops.validate.gk41_sites import FULL_MESH, ROUTERS, healthy
from tests.support.variants import linux_plan

R1 = target_of(VYOS, VYOS.router("r1"))


def sites() -> dict[str, RecordedShell]:
    """The three routers of the gk41-sites full mesh, each answering from its recordings."""
    return {router: RecordedShell(router, healthy(router)) for router in ROUTERS}


def only(*names: str) -> list[Check]:
    return [check_named(name) for name in names]


def test_each_command_is_asked_once_per_router_and_every_one_the_checks_need_is_asked() -> None:
    lab = sites()
    validate_lab(FULL_MESH, lab)
    for router in ROUTERS:
        asked = lab[router].asked
        assert len(asked) == len(set(asked))
        assert asked == commands_for(target_of(FULL_MESH, FULL_MESH.router(router)))


def test_each_router_is_asked_all_its_commands_at_once() -> None:
    lab = sites()
    validate_lab(FULL_MESH, lab)
    assert {router: shell.batches for router, shell in lab.items()} == {"hq": 1, "br1": 1, "br2": 1}


def test_commands_come_in_the_order_of_the_checks_that_need_them() -> None:
    in_check_order = list(dict.fromkeys(command for check in CHECKS for command in commands_for(R1, [check])))
    assert commands_for(R1) == in_check_order


def test_a_fact_two_checks_need_is_read_with_one_command() -> None:
    # The route check pings its next hops, the path peer check the same addresses (N = K = 4, two routers).
    assert commands_for(R1, [ecmp_route.CHECK, path_peer.CHECK]) == commands_for(R1, [ecmp_route.CHECK])


def test_the_needs_of_all_checks_are_each_checks_needs_once_in_check_order() -> None:
    scope = RouterScope(VYOS, VYOS.router("r1"))
    assert needs_for(scope) == list(dict.fromkeys(need for check in CHECKS for need in check.needs(scope)))


def test_results_come_router_by_router_in_the_order_of_the_checks() -> None:
    results = validate_lab(FULL_MESH, sites(), only("path link up", "layer-4 hashing")).results
    assert [(result.router, result.check) for result in results] == [
        (router, check) for router in ROUTERS for check in ["path link up"] * 4 + ["layer-4 hashing"]
    ]


def test_every_router_is_read_before_any_is_judged_and_each_sees_the_others_facts() -> None:
    seen: dict[str, list[str]] = {}

    def evaluate(scope: RouterScope, facts: RouterFacts) -> Sequence[CheckResult]:
        seen[scope.router.name] = sorted(scope.elsewhere)
        policy = facts[HASH_POLICY]
        peer_policies = {name: other[HASH_POLICY] for name, other in scope.elsewhere.items()}
        same = all(isinstance(found, HashPolicy) and found == policy for found in peer_policies.values())
        return [scope.result("same hashing", "peers", "pass" if same else "fail", "")]

    def needs(scope: RouterScope) -> list[AnyNeed]:
        return [HASH_POLICY]

    lab = {"r1": RecordedShell("r1", healthy_r1()), "r2": RecordedShell("r2", healthy_r1("gk41-r1-layer3-hashing"))}
    validation = validate_lab(VYOS, lab, [Check("same hashing", needs, evaluate)])
    assert seen == {"r1": ["r2"], "r2": ["r1"]}
    assert [result.status for result in validation.results] == ["fail", "fail"]
    assert validation.exit_status == 1


def test_a_check_gets_exactly_the_facts_it_needs() -> None:
    def evaluate(scope: RouterScope, facts: RouterFacts) -> Sequence[CheckResult]:
        peers = facts[BFD_PEERS]
        assert isinstance(peers, BfdPeers)
        assert set(facts.known) == {BFD_PEERS}
        return [scope.result("bfd read", "all", "pass", str(len(peers.peers)))]

    def needs(scope: RouterScope) -> list[AnyNeed]:
        return [BFD_PEERS]

    results = validate_lab(FULL_MESH, sites(), [Check("bfd read", needs, evaluate)]).results
    assert [(result.router, result.detail) for result in results] == [("hq", "8"), ("br1", "8"), ("br2", "8")]


@pytest.mark.parametrize("check", CHECKS, ids=[check.name for check in CHECKS])
def test_every_check_judges_the_healthy_router_from_its_own_needs_alone(check: Check) -> None:
    results = judge(VYOS, "r1", healthy_r1(), [check])
    assert results and {result.status for result in results} == {"pass"}


def test_routers_without_zerotier_are_not_asked_about_instances_and_report_not_applicable() -> None:
    lab = {
        name: RecordedShell(name, healthy_r1(), zerotier_absent="no ZeroTier here", underlay_absent="no underlay here")
        for name in ("r1", "r2")
    }
    results = validate_lab(VYOS, lab, only("container running", "zerotier joined", "cpu pin", "underlay link")).results
    assert lab["r1"].asked == []
    assert [(r.check, r.subject, r.status, r.detail) for r in results if r.router == "r1"] == [
        ("container running", "paths 1-4", "n/a", "no ZeroTier here"),
        ("zerotier joined", "paths 1-4", "n/a", "no ZeroTier here"),
        ("cpu pin", "paths 1-4", "n/a", "no ZeroTier here"),
        ("underlay link", "eth2", "n/a", "no underlay here"),
    ]


def test_docker_routers_are_asked_through_docker() -> None:
    commands = commands_for(target_of(DOCKER, DOCKER.router("r1")), only("container running"))
    assert commands and all(command.startswith("docker --context default inspect") for command in commands)


def test_report_is_a_table_with_a_summary_and_failures_make_the_exit_status_1() -> None:
    results = (
        CheckResult("r1", "layer-4 hashing", "net.ipv4.fib_multipath_hash_policy", "pass", "= 1"),
        CheckResult("r1", "path peer answers", "path 2: 10.14.0.6", "fail", "2 packets transmitted, 0 received, 100% packet loss", 2, "r2"),
        CheckResult("r2", "zerotier joined", "paths 1-4", "n/a", "no ZeroTier here"),
    )
    assert render_results(Validation(results)).splitlines() == [
        "router  check              subject                             result  detail",
        "r1      layer-4 hashing    net.ipv4.fib_multipath_hash_policy  PASS    = 1",
        "r1      path peer answers  path 2: 10.14.0.6                   FAIL    2 packets transmitted, 0 received, 100% packet loss",
        "r2      zerotier joined    paths 1-4                           N/A     no ZeroTier here",
        "validate: 1 passed, 1 failed, 1 not applicable",
    ]
    assert Validation(results).exit_status == 1
    assert Validation((results[0], results[2])).exit_status == 0


BR2_DOWN = "ssh: connect to host 192.0.2.53 port 22: No route to host"


def br2_unreachable() -> dict[str, RecordedShell]:
    lab = sites()
    lab["br2"] = RecordedShell("br2", {}, unreachable=BR2_DOWN, address="vyos@192.0.2.53:22")
    return lab


def test_an_unreachable_router_is_named_with_its_address_and_error_and_its_checks_are_not_run_exit_3() -> None:
    validation = validate_lab(FULL_MESH, br2_unreachable())
    assert validation.unreachable == (Unreachable("br2", "vyos@192.0.2.53:22", BR2_DOWN),)
    not_run = [(result.check, result.subject, result.status, result.detail) for result in validation.results if result.router == "br2"]
    assert not_run == [(check.name, "all", "not run", "br2 is unreachable") for check in CHECKS]
    assert validation.exit_status == 3


def test_the_routers_that_answer_are_checked_when_another_is_unreachable() -> None:
    lab = br2_unreachable()
    validation = validate_lab(FULL_MESH, lab)
    assert lab["br2"].asked == []
    assert {result.router for result in validation.results if result.status != "not run"} == {"hq", "br1"}
    assert {result.status for result in validation.results if result.router != "br2"} == {"pass"}


def test_the_report_ends_with_a_line_per_unreachable_router() -> None:
    lines = render_results(validate_lab(FULL_MESH, br2_unreachable(), only("layer-4 hashing"))).splitlines()
    assert lines[-3:] == [
        "br2     layer-4 hashing  all                                 NOT RUN  br2 is unreachable",
        "validate: 2 passed, 0 failed, 0 not applicable, 1 not run",
        f"br2 (vyos@192.0.2.53:22) unreachable: {BR2_DOWN}",
    ]


def test_progress_says_each_router_that_is_unreachable_then_each_as_it_finishes() -> None:
    said: list[str] = []
    validate_lab(FULL_MESH, br2_unreachable(), only("layer-4 hashing"), progress=said.append)
    assert said[0] == f"br2 (vyos@192.0.2.53:22) unreachable: {BR2_DOWN}"
    assert sorted(said[1:]) == ["br1: 1 commands answered in 0.0 s", "hq: 1 commands answered in 0.0 s"]


def test_only_the_routers_named_are_reached_asked_and_reported() -> None:
    lab = br2_unreachable()
    validation = validate_lab(FULL_MESH, lab, routers=["br1"])
    assert lab["hq"].asked == [] and lab["hq"].batches == 0
    assert {result.router for result in validation.results} == {"br1"}
    assert validation.exit_status == 0


def test_the_json_document_gives_router_check_peer_path_verdict_and_reason_for_each_result() -> None:
    document = results_document(FULL_MESH, validate_lab(FULL_MESH, br2_unreachable(), only("path peer answers")))
    assert document["results"][0] == {
        "router": "hq",
        "check": "path peer answers",
        "subject": "path 1: 10.14.0.2 (br1)",
        "peer": "br1",
        "path": 1,
        "verdict": "pass",
        "reason": "2 packets transmitted, 2 received, 0% packet loss, time 201ms",
    }
    assert [result["verdict"] for result in document["results"] if result["router"] == "br2"] == ["not run"]
    assert document["unreachable"] == [{"router": "br2", "address": "vyos@192.0.2.53:22", "error": BR2_DOWN}]
    assert document["exitStatus"] == 3


def test_the_list_names_each_check_and_what_it_runs_on_each_router() -> None:
    listed = listed_checks(VYOS, only("layer-4 hashing", "container running"), ["r1"])
    assert listed.splitlines() == [
        "layer-4 hashing",
        "  r1: cat /proc/sys/net/ipv4/fib_multipath_hash_policy",
        "container running",
        "  r1: /opt/vyatta/bin/vyatta-op-cmd-wrapper show container",
    ]


def test_the_list_says_where_a_check_asks_nothing() -> None:
    listed = listed_checks(DOCKER, only("vyos commit"), ["r1"])
    assert "r1: cat " in listed
    linux = listed_checks(linux_plan("gk41"), only("vyos commit"), ["r1"])
    assert linux.splitlines() == ["vyos commit", "  r1: asks nothing (the check does not apply to this router)"]


def test_validate_command_takes_a_stack() -> None:
    args = build_parser().parse_args(["validate", "--stack", "gk41"])
    assert args.stack == "gk41"
