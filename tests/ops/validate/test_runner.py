"""The validate runner: which commands a router is asked, in what order, and the report it prints."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cli.main import build_parser
from components.ops.shell import CommandOutput
from components.ops.validate.framework import Check, CheckResult, RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import commands_for, evaluate, exit_status, render_results, validate_lab
from tests.ops.recorded_router import RecordedShell
from tests.ops.validate.gk41_r1 import DOCKER, VYOS, cli, healthy_r1, plan_with_runtime, process_cpus_command, r1_scope


def test_commands_run_on_a_vyos_router_in_check_order() -> None:
    assert commands_for(r1_scope()) == [
        "cat /config/zt-ecmp/gk41-r1.owned.unconfirmed 2>/dev/null; /bin/systemctl is-active commit-confirm.timer || true",
        "/opt/vyatta/bin/vyatta-op-cmd-wrapper show container",
        *(cli(path, command) for path in range(1, 5) for command in ("info", "listnetworks", "peers")),
        *(process_cpus_command(path) for path in range(1, 5)),
        "ip -j link show",
        "ip -d -j route show 10.0.55.2/32",
        # The route's next hops must answer: the same pings the path peer check reads, asked once.
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.2",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.6",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.10",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.14",
        "cat /proc/sys/net/ipv4/fib_multipath_hash_policy",
        "ping -n -q -c 2 -i 0.2 -W 1 -I 10.0.55.1 10.0.55.2",
        "vtysh -c 'show bfd peers json'",
        "/sbin/ethtool eth2",
        "ip -j link show dev eth2",
    ]


def test_a_healthy_router_passes_every_check() -> None:
    results = evaluate(r1_scope(), healthy_r1())
    assert {result.status for result in results} == {"pass"}
    assert [(result.check, result.subject) for result in results if result.check in ("ecmp route", "floating peer answers")] == [
        ("ecmp route", "10.0.55.2/32"),
        ("floating peer answers", "10.0.55.1 -> 10.0.55.2"),
    ]
    # commit, containers, zerotier, pins, links, route, hashing, path pings, floating ping, BFD per path, underlay
    assert len(results) == 1 + 4 + 4 + 4 + 4 + 1 + 1 + 4 + 1 + 4 + 5


def test_docker_runtime_inspects_each_container_and_runs_zerotier_cli_through_docker_exec() -> None:
    commands = commands_for(r1_scope(DOCKER))
    assert commands[1:3] == [
        "docker --context default inspect --type container zt-ecmp-gk41-path1",
        "docker --context default inspect --type container zt-ecmp-gk41-path2",
    ]
    assert "docker --context default exec zt-ecmp-gk41-path2 zerotier-cli -p9995 -D/var/lib/zerotier-one -j listnetworks" in commands
    assert process_cpus_command(4, engine="docker --context default") in commands


def test_docker_commands_use_the_routers_own_engine_whatever_context_is_selected() -> None:
    # A DOCKER_CONTEXT or `docker context use` on the router would point the CLI at another engine.
    docker = [command for command in commands_for(r1_scope(DOCKER)) if command.startswith("docker")]
    assert docker
    assert all(command.startswith("docker --context default ") for command in docker)


def test_runner_asks_each_router_for_each_command_once_and_routes_answers_to_checks() -> None:
    def bfd_evaluate(scope: RouterScope, observed: Any) -> list[CheckResult]:
        peers = json.loads(observed["vtysh -c 'show bfd peers json'"].stdout)
        return [
            CheckResult(scope.router.name, "bfd up", peer["peer"], "pass" if peer["status"] == "up" else "fail", peer["status"])
            for peer in peers
        ]

    bfd = Check("bfd up", lambda scope: ["vtysh -c 'show bfd peers json'"], bfd_evaluate)
    hashing = next(check for check in CHECKS if check.name == "layer-4 hashing")
    answers = {
        "r1": {
            "cat /proc/sys/net/ipv4/fib_multipath_hash_policy": CommandOutput(0, "1\n"),
            "vtysh -c 'show bfd peers json'": CommandOutput(0, '[{"peer": "10.14.0.2", "status": "up"}]'),
        },
        "r2": {
            "cat /proc/sys/net/ipv4/fib_multipath_hash_policy": CommandOutput(0, "1\n"),
            "vtysh -c 'show bfd peers json'": CommandOutput(0, '[{"peer": "10.14.0.1", "status": "down"}]'),
        },
    }
    shells = {name: RecordedShell(name, answers[name]) for name in ("r1", "r2")}
    results = validate_lab(VYOS, shells, checks=[hashing, hashing, bfd])
    assert shells["r1"].asked == ["cat /proc/sys/net/ipv4/fib_multipath_hash_policy", "vtysh -c 'show bfd peers json'"]
    assert [(r.router, r.check, r.status) for r in results] == [
        ("r1", "layer-4 hashing", "pass"),
        ("r1", "layer-4 hashing", "pass"),
        ("r1", "bfd up", "pass"),
        ("r2", "layer-4 hashing", "pass"),
        ("r2", "layer-4 hashing", "pass"),
        ("r2", "bfd up", "fail"),
    ]
    assert exit_status(results) == 1


def test_routers_without_zerotier_get_not_applicable_and_no_commands() -> None:
    scope = RouterScope(VYOS, VYOS.router("r1"), zerotier_absent="no ZeroTier here")
    zerotier_checks = [check for check in CHECKS if check.name in ("container running", "zerotier joined")]
    assert commands_for(scope, zerotier_checks) == []
    assert [(r.check, r.subject, r.status, r.detail) for r in evaluate(scope, {}, zerotier_checks)] == [
        ("container running", "paths 1-4", "n/a", "no ZeroTier here"),
        ("zerotier joined", "paths 1-4", "n/a", "no ZeroTier here"),
    ]


def test_report_is_a_table_with_a_summary_and_failures_make_the_exit_status_non_zero() -> None:
    results = [
        CheckResult("r1", "layer-4 hashing", "net.ipv4.fib_multipath_hash_policy", "pass", "= 1"),
        CheckResult("r1", "path peer answers", "path 2: 10.14.0.6", "fail", "2 packets transmitted, 0 received, 100% packet loss"),
        CheckResult("r2", "zerotier joined", "paths 1-4", "n/a", "no ZeroTier here"),
    ]
    assert render_results(results).splitlines() == [
        "router  check              subject                             result  detail",
        "r1      layer-4 hashing    net.ipv4.fib_multipath_hash_policy  PASS    = 1",
        "r1      path peer answers  path 2: 10.14.0.6                   FAIL    2 packets transmitted, 0 received, 100% packet loss",
        "r2      zerotier joined    paths 1-4                           N/A     no ZeroTier here",
        "validate: 1 passed, 1 failed, 1 not applicable",
    ]
    assert exit_status(results) == 1
    assert exit_status([results[0], results[2]]) == 0


def test_validate_command_takes_a_stack() -> None:
    args = build_parser().parse_args(["validate", "--stack", "gk41"])
    assert args.stack == "gk41"


@pytest.mark.parametrize("runtime", ["docker", "vyos"])
def test_every_command_is_one_shell_line_without_secrets(runtime: str) -> None:
    plan = plan_with_runtime(runtime)
    for router in plan.routers:
        for command in commands_for(RouterScope(plan, router)):
            assert "\n" not in command
            assert "secret" not in command.lower()
