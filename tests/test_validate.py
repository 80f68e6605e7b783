"""Validation checks judged from recorded router answers: a VyOS router of the gk41 lab, healthy and broken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cli.main import build_parser
from components.model.plan import LabPlan
from components.ops.shell import CommandOutput
from components.ops.validate.checks import (
    CHECKS,
    Check,
    CheckResult,
    RouterScope,
    commands_for,
    evaluate,
    exit_status,
    parse_show_container,
    render_results,
    validate_lab,
)
from tests.lab_settings import docker_routers, lab_plan, stack_settings
from tests.validate_recordings import (
    ALL_BFD_UP,
    ALL_HOPS,
    DOCKER_INSPECT_EXITED,
    DOCKER_INSPECT_RUNNING,
    ETHTOOL_ETH2,
    IP_LINK_ETH2,
    SHOW_CONTAINER,
    SHOW_CONTAINER_ONE_EXITED,
    RecordedShell,
    bfd_peers,
    cli,
    healthy_r1,
    links,
    listnetworks,
    ping,
    ping_lost,
    process_cpus,
    process_cpus_command,
    route,
    zerotier_info,
    zerotier_network,
)


def plan_with_runtime(runtime: str, **changes: Any) -> LabPlan:
    routers = docker_routers("gk41") if runtime == "docker" else stack_settings("gk41")["routers"]
    return lab_plan("gk41", routers=routers, **changes)


VYOS = plan_with_runtime("vyos")


def r1_scope(plan: LabPlan = VYOS) -> RouterScope:
    return RouterScope(plan, plan.router("r1"))


def failures(answers: dict[str, CommandOutput], plan: LabPlan = VYOS) -> list[tuple[str, str, str]]:
    return [(result.check, result.subject, result.detail) for result in evaluate(r1_scope(plan), answers) if result.status != "pass"]


def test_commands_run_on_a_vyos_router_in_check_order() -> None:
    assert commands_for(r1_scope()) == [
        "/opt/vyatta/bin/vyatta-op-cmd-wrapper show container",
        *(cli(path, command) for path in range(1, 5) for command in ("info", "listnetworks")),
        *(process_cpus_command(path) for path in range(1, 5)),
        "ip -j link show",
        "ip -d -j route show 10.0.55.2/32",
        "sysctl -n net.ipv4.fib_multipath_hash_policy",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.2",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.6",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.10",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.14",
        "ping -n -q -c 2 -i 0.2 -W 1 -I 10.0.55.1 10.0.55.2",
        "vtysh -c 'show bfd peers json'",
        "ethtool eth2",
        "ip -j link show dev eth2",
    ]


def test_a_healthy_router_passes_every_check() -> None:
    results = evaluate(r1_scope(), healthy_r1())
    assert {result.status for result in results} == {"pass"}
    assert [(result.check, result.subject) for result in results if result.check in ("ecmp route", "floating peer answers")] == [
        ("ecmp route", "10.0.55.2/32"),
        ("floating peer answers", "10.0.55.1 -> 10.0.55.2"),
    ]
    # containers, zerotier, pins, links, route, hashing, path pings, floating ping, BFD per path, underlay
    assert len(results) == 4 + 4 + 4 + 4 + 1 + 1 + 4 + 1 + 4 + 5


def test_show_container_is_read_by_column() -> None:
    assert parse_show_container(SHOW_CONTAINER)["zt-ecmp-gk41-path3"] == "Up 26 hours"


def test_a_stopped_container_fails_with_its_status() -> None:
    answers = healthy_r1()
    answers["/opt/vyatta/bin/vyatta-op-cmd-wrapper show container"] = CommandOutput(0, SHOW_CONTAINER_ONE_EXITED)
    assert failures(answers) == [("container running", "path 3", "zt-ecmp-gk41-path3 is 'Exited (1) 2 minutes ago'")]


def test_a_missing_container_is_named() -> None:
    answers = healthy_r1()
    without = "\n".join(line for line in SHOW_CONTAINER.splitlines() if not line.endswith("path4")) + "\n"
    answers["/opt/vyatta/bin/vyatta-op-cmd-wrapper show container"] = CommandOutput(0, without)
    assert failures(answers)[0] == ("container running", "path 4", "no container named zt-ecmp-gk41-path4")


def test_a_network_still_waiting_for_its_configuration_fails_with_status_and_addresses() -> None:
    answers = healthy_r1()
    answers[cli(2, "listnetworks")] = CommandOutput(
        0, listnetworks(zerotier_network(2, status="REQUESTING_CONFIGURATION", assignedAddresses=[]))
    )
    assert failures(answers) == [
        (
            "zerotier joined",
            "path 2",
            "network a09acf0233e6b1c4 status is REQUESTING_CONFIGURATION; addresses are [], planned 10.14.0.5/30",
        )
    ]


def test_an_interface_name_taken_elsewhere_shows_as_the_wrong_device() -> None:
    answers = healthy_r1()
    answers[cli(2, "listnetworks")] = CommandOutput(0, listnetworks(zerotier_network(2, portDeviceName="zt5u3nqbwn")))
    assert failures(answers) == [("zerotier joined", "path 2", "interface is zt5u3nqbwn, planned ztecmp2")]


def test_a_node_without_root_contact_is_judged_by_its_path_and_says_so() -> None:
    # ONLINE only means a root was heard lately: it reads OFFLINE for a while after start, and always
    # where roots are unreachable by design, while the path itself carries traffic.
    answers = healthy_r1()
    answers[cli(1, "info")] = CommandOutput(0, zerotier_info(1, online=False))
    assert failures(answers) == []
    [joined] = [result for result in evaluate(r1_scope(), answers) if result.check == "zerotier joined" and result.subject == "path 1"]
    assert joined.detail.endswith("; no root heard lately (information only)")


def test_a_pinned_instance_is_checked_from_the_cpus_its_process_may_use() -> None:
    answers = healthy_r1()
    answers[process_cpus_command(3)] = CommandOutput(0, process_cpus("0-3"))
    assert failures(answers) == [("cpu pin", "path 3", "may run on CPUs 0,1,2,3, planned 2")]


def test_a_container_without_zerotier_running_fails_the_pin_check() -> None:
    answers = healthy_r1()
    only_the_entrypoint = "/proc/1/status:Name:\tentrypoint.sh\n/proc/1/status:Cpus_allowed_list:\t1\n"
    answers[process_cpus_command(2)] = CommandOutput(0, only_the_entrypoint)
    assert failures(answers) == [
        ("cpu pin", "path 2", "cannot read the CPUs zerotier-one may use: no zerotier-one process in the container")
    ]


def test_an_unpinned_instance_reports_where_it_may_run() -> None:
    routers = stack_settings("gk41")["routers"]
    for router in routers:
        router["cpus"] = []
    plan = lab_plan("gk41", routers=routers)
    answers = healthy_r1()
    answers[process_cpus_command(1)] = CommandOutput(0, process_cpus("0-3"))
    [pin] = [result for result in evaluate(r1_scope(plan), answers) if result.check == "cpu pin" and result.subject == "path 1"]
    assert (pin.status, pin.detail) == ("pass", "not pinned: may run on CPUs 0,1,2,3")


def test_an_instance_joined_to_a_second_network_fails() -> None:
    answers = healthy_r1()
    answers[cli(1, "listnetworks")] = CommandOutput(0, listnetworks(zerotier_network(1), zerotier_network(1, id="8056c2e21c000001")))
    assert failures(answers) == [
        ("zerotier joined", "path 1", "joined to 2 networks, expected exactly one: a09acf0233c1d9e2, 8056c2e21c000001")
    ]


def test_a_container_that_cannot_run_zerotier_cli_reports_its_error() -> None:
    answers = healthy_r1()
    answers[cli(4, "info")] = CommandOutput(125, "", 'Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container\n')
    assert failures(answers) == [
        (
            "zerotier joined",
            "path 4",
            'zerotier-cli info: Error: no container with name or ID "zt-ecmp-gk41-path4" found: no such container',
        )
    ]


def test_a_route_with_fewer_next_hops_than_k_fails_naming_the_missing_ones() -> None:
    answers = healthy_r1()
    answers["ip -d -j route show 10.0.55.2/32"] = CommandOutput(0, route(*ALL_HOPS[:2]))
    assert failures(answers) == [
        ("ecmp route", "10.0.55.2/32", "2 next hops, K=4 planned: missing 10.14.0.10 dev ztecmp3, 10.14.0.14 dev ztecmp4")
    ]


def test_a_route_with_a_next_hop_beyond_k_fails_naming_it() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    answers = healthy_r1()
    assert [(check, subject, detail) for check, subject, detail in failures(answers, plan) if check == "ecmp route"] == [
        ("ecmp route", "10.0.55.2/32", "4 next hops, K=3 planned: unplanned 10.14.0.14 dev ztecmp4")
    ]


def test_a_dead_next_hop_fails() -> None:
    answers = healthy_r1()
    answers["ip -d -j route show 10.0.55.2/32"] = CommandOutput(0, route(*ALL_HOPS, flags=("linkdown",)))
    detail = failures(answers)[0][2]
    assert detail.startswith("4 next hops, K=4 planned: 10.14.0.2 dev ztecmp1 is linkdown; ")


def test_no_route_at_all_fails() -> None:
    answers = healthy_r1()
    answers["ip -d -j route show 10.0.55.2/32"] = CommandOutput(0, "[ ]\n")
    assert failures(answers) == [("ecmp route", "10.0.55.2/32", "no route to 10.0.55.2/32")]


def test_a_single_path_route_counts_its_one_next_hop() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 1})
    answers = healthy_r1()
    answers["ip -d -j route show 10.0.55.2/32"] = CommandOutput(
        0, json.dumps([{"dst": "10.0.55.2", "gateway": "10.14.0.2", "dev": "ztecmp1", "protocol": "static", "metric": 20, "flags": []}])
    )
    assert [result.status for result in evaluate(RouterScope(plan, plan.router("r1")), answers) if result.check == "ecmp route"] == ["pass"]


def test_a_missing_path_interface_fails() -> None:
    answers = healthy_r1()
    answers["ip -j link show"] = CommandOutput(0, links().replace('"ztecmp3"', '"zt5u3nqbwn"'))
    assert failures(answers) == [("path link up", "path 3: ztecmp3", "no interface ztecmp3")]


def test_a_path_interface_without_carrier_fails_with_its_state() -> None:
    answers = healthy_r1()
    answers["ip -j link show"] = CommandOutput(
        0, links(ztecmp2={"flags": ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"], "operstate": "DOWN"})
    )
    assert failures(answers) == [("path link up", "path 2: ztecmp2", "ztecmp2 has no carrier (state DOWN)")]


def test_hash_policy_other_than_layer_4_fails() -> None:
    answers = healthy_r1()
    answers["sysctl -n net.ipv4.fib_multipath_hash_policy"] = CommandOutput(0, "0\n")
    assert failures(answers) == [("layer-4 hashing", "net.ipv4.fib_multipath_hash_policy", "is 0, expected 1 (layer 4)")]


def test_a_silent_path_peer_fails_with_pings_summary() -> None:
    answers = healthy_r1()
    answers[ping("10.14.0.10")] = ping_lost("10.14.0.10")
    assert failures(answers) == [
        ("path peer answers", "path 3: 10.14.0.10", "2 packets transmitted, 0 received, 100% packet loss, time 1023ms")
    ]


def test_inactive_paths_are_not_pinged() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 2})
    assert [command for command in commands_for(r1_scope(plan)) if command.startswith("ping")] == [
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.2",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.6",
        "ping -n -q -c 2 -i 0.2 -W 1 -I 10.0.55.1 10.0.55.2",
    ]


# -- the Docker runtime -----------------------------------------------------------------------

DOCKER = plan_with_runtime("docker")


def test_docker_runtime_inspects_each_container_and_runs_zerotier_cli_through_docker_exec() -> None:
    commands = commands_for(r1_scope(DOCKER))
    assert commands[:2] == [
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


def docker_answers(**overrides: CommandOutput) -> dict[str, CommandOutput]:
    answers = {
        f"docker --context default inspect --type container zt-ecmp-gk41-path{path}": CommandOutput(0, DOCKER_INSPECT_RUNNING)
        for path in range(1, 5)
    }
    answers.update(overrides)
    return answers


def container_results(answers: dict[str, CommandOutput]) -> list[tuple[str, str, str]]:
    check = next(check for check in CHECKS if check.name == "container running")
    return [(result.subject, result.status, result.detail) for result in check.evaluate(r1_scope(DOCKER), answers)]


def test_a_running_docker_container_passes() -> None:
    assert container_results(docker_answers())[0] == ("path 1", "pass", "zt-ecmp-gk41-path1: running since 2025-11-26T11:02:42.50914431Z")


def test_an_exited_docker_container_fails_with_status_and_exit_code() -> None:
    exited = CommandOutput(0, DOCKER_INSPECT_EXITED)
    answers = docker_answers(**{"docker --context default inspect --type container zt-ecmp-gk41-path2": exited})
    assert container_results(answers)[1] == ("path 2", "fail", "zt-ecmp-gk41-path2 is exited, exit code 1")


def test_a_missing_docker_container_fails_with_dockers_message() -> None:
    missing = CommandOutput(1, "[]\n", "Error: No such container: zt-ecmp-gk41-path3\n")
    answers = docker_answers(**{"docker --context default inspect --type container zt-ecmp-gk41-path3": missing})
    assert container_results(answers)[2] == (
        "path 3",
        "fail",
        "docker inspect zt-ecmp-gk41-path3: Error: No such container: zt-ecmp-gk41-path3",
    )


# -- the runner and its report ----------------------------------------------------------------


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
            "sysctl -n net.ipv4.fib_multipath_hash_policy": CommandOutput(0, "1\n"),
            "vtysh -c 'show bfd peers json'": CommandOutput(0, '[{"peer": "10.14.0.2", "status": "up"}]'),
        },
        "r2": {
            "sysctl -n net.ipv4.fib_multipath_hash_policy": CommandOutput(0, "1\n"),
            "vtysh -c 'show bfd peers json'": CommandOutput(0, '[{"peer": "10.14.0.1", "status": "down"}]'),
        },
    }
    shells = {name: RecordedShell(name, answers[name]) for name in ("r1", "r2")}
    results = validate_lab(VYOS, shells, checks=[hashing, hashing, bfd])
    assert shells["r1"].asked == ["sysctl -n net.ipv4.fib_multipath_hash_policy", "vtysh -c 'show bfd peers json'"]
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


def test_a_bfd_session_down_fails_its_path_saying_the_next_hop_is_withdrawn() -> None:
    answers = healthy_r1()
    peers = [(gateway, interface, "down" if gateway == "10.14.0.6" else "up") for gateway, interface, _ in ALL_BFD_UP]
    answers["vtysh -c 'show bfd peers json'"] = CommandOutput(0, bfd_peers(*peers))
    assert failures(answers) == [
        ("bfd session", "path 2 10.14.0.6", "session down, diagnostic control detection time expired: the next-hop is withdrawn")
    ]


def test_a_path_without_a_bfd_session_fails() -> None:
    answers = healthy_r1()
    answers["vtysh -c 'show bfd peers json'"] = CommandOutput(0, bfd_peers(*ALL_BFD_UP[:3]))
    assert failures(answers) == [("bfd session", "path 4 10.14.0.14", "no BFD session with the path's peer")]


def test_an_inactive_paths_bfd_session_is_reported_but_does_not_fail() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 3})
    results = evaluate(r1_scope(plan), {**healthy_r1(), "vtysh -c 'show bfd peers json'": CommandOutput(0, bfd_peers(*ALL_BFD_UP))})
    bfd = [(result.subject, result.status, result.detail) for result in results if result.check == "bfd session"]
    assert bfd[3] == ("path 4 10.14.0.14", "pass", "up on ztecmp4")


def test_bfd_is_not_applicable_when_the_stack_turns_it_off() -> None:
    plan = plan_with_runtime("vyos", routing={"bfd": {"enabled": False}})
    assert "vtysh -c 'show bfd peers json'" not in commands_for(r1_scope(plan))
    results = [result for result in evaluate(r1_scope(plan), healthy_r1()) if result.check == "bfd session"]
    assert [(result.status, result.detail) for result in results] == [("n/a", "BFD is off (routing.bfd.enabled)")]


def test_a_link_negotiated_below_the_planned_speed_fails() -> None:
    answers = healthy_r1()
    answers["ethtool eth2"] = CommandOutput(0, ETHTOOL_ETH2.replace("Speed: 2500Mb/s", "Speed: 1000Mb/s"))
    assert failures(answers) == [("underlay link", "eth2 speed", "negotiated 1000Mb/s, planned 2500Mb/s (2.5G)")]


def test_an_underlay_mtu_other_than_planned_fails() -> None:
    routers = stack_settings("gk41")["routers"]
    for router in routers:
        router["underlay"]["mtu"] = 9000
    answers = healthy_r1()
    answers["ip -j link show dev eth2"] = CommandOutput(0, IP_LINK_ETH2.replace('"mtu":9000', '"mtu":1500'))
    assert failures(answers, lab_plan("gk41", routers=routers)) == [("underlay link", "eth2 mtu", "1500, planned 9000")]


def test_routers_without_an_underlay_get_not_applicable() -> None:
    scope = RouterScope(VYOS, VYOS.router("r1"), underlay_absent="no underlay here")
    assert not any(command.startswith("ethtool") for command in commands_for(scope))
    underlay = [result for result in evaluate(scope, healthy_r1()) if result.check == "underlay link"]
    assert [(result.status, result.detail) for result in underlay] == [("n/a", "no underlay here")]
