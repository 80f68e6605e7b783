"""Validate and sweep for real, against the two-router lab in network namespaces (Linux flavor)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.cli.main import main
from components.netns.lab import NetnsLab, netns_lab
from components.netns.lab_settings import netns_lab_plan
from components.netns.sweep_driver import NetnsLabDriver
from components.ops.sweep.orchestration import run_sweep
from components.ops.validate.framework import CheckResult
from components.ops.validate.runner import validate_lab
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

PATHS = 4


@pytest.fixture
def lab() -> Iterator[NetnsLab]:
    with netns_lab(netns_lab_plan(PATHS)) as built:
        built.apply()
        yield built


def await_linkdown(lab: NetnsLab, router: str, interface: str, timeout_seconds: float = 5.0) -> None:
    """The kernel marks next hops over a link that lost its carrier a moment later (link events are batched)."""
    deadline = time.monotonic() + timeout_seconds
    while "linkdown" not in lab.exec(router, ["ip", "route", "show", "dev", interface]).stdout:
        assert time.monotonic() < deadline, f"{interface} on {router} never showed linkdown"
        time.sleep(0.05)


def failed(results: tuple[CheckResult, ...]) -> dict[tuple[str, str, str], str]:
    return {(r.router, r.check, r.subject): r.detail for r in results if r.status == "fail"}


def test_a_healthy_lab_passes_and_zerotier_checks_do_not_apply(lab: NetnsLab) -> None:
    validation = validate_lab(lab.plan, lab.shells())
    results = validation.results
    assert {(r.check, r.status) for r in results} == {
        ("container running", "n/a"),
        ("zerotier joined", "n/a"),
        ("cpu pin", "n/a"),
        ("path link up", "pass"),
        ("ecmp route", "pass"),
        ("layer-4 hashing", "pass"),
        ("path peer answers", "pass"),
        ("floating peer answers", "pass"),
        ("bfd session", "n/a"),
        ("underlay link", "n/a"),
    }
    route = next(r for r in results if r.router == "r1" and r.check == "ecmp route")
    assert route.detail == "4 next hops: 10.14.0.2, 10.14.0.6, 10.14.0.10, 10.14.0.14"
    assert validation.exit_status == 0


def test_a_path_link_down_fails_that_paths_link_route_and_ping_on_both_routers(lab: NetnsLab) -> None:
    lab.exec("r2", ["ip", "link", "set", "ztecmp2", "down"])
    await_linkdown(lab, "r1", "ztecmp2")
    validation = validate_lab(lab.plan, lab.shells())
    results = validation.results
    problems = failed(results)
    floating = {key for key in problems if key[1] == "floating peer answers"}
    # The floating IPs' ping is one flow: it fails only when it hashes onto path 2.
    assert set(problems) - floating == {
        ("r1", "path link up", "path 2: ztecmp2"),
        ("r1", "ecmp route", "10.0.55.2/32 (r2)"),
        ("r1", "path peer answers", "path 2: 10.14.0.6 (r2)"),
        ("r2", "path link up", "path 2: ztecmp2"),
        ("r2", "ecmp route", "10.0.55.1/32 (r1)"),
        ("r2", "path peer answers", "path 2: 10.14.0.5 (r1)"),
    }
    assert problems[("r1", "path link up", "path 2: ztecmp2")] == "ztecmp2 has no carrier (state DOWN)"
    assert problems[("r2", "path link up", "path 2: ztecmp2")] == "ztecmp2 is administratively down"
    # A path whose interface lost its carrier, or went down, leaves the route's nexthop group.
    assert problems[("r1", "ecmp route", "10.0.55.2/32 (r2)")] == "3 next hops, K=4 planned: missing 10.14.0.6 dev ztecmp2"
    assert problems[("r2", "ecmp route", "10.0.55.1/32 (r1)")] == "3 next hops, K=4 planned: missing 10.14.0.5 dev ztecmp2"
    assert problems[("r1", "path peer answers", "path 2: 10.14.0.6 (r2)")].startswith("2 packets transmitted, 0 received")
    assert validation.exit_status == 1


def test_a_lab_at_another_k_than_planned_fails_the_route_check_and_exits_non_zero(lab: NetnsLab) -> None:
    planned = lab.plan
    lab.apply(netns_lab_plan(PATHS, active=2))
    validation = validate_lab(planned, lab.shells())
    results = validation.results
    assert failed(results) == {
        ("r1", "ecmp route", "10.0.55.2/32 (r2)"): "2 next hops, K=4 planned: missing 10.14.0.10 dev ztecmp3, 10.14.0.14 dev ztecmp4",
        ("r2", "ecmp route", "10.0.55.1/32 (r1)"): "2 next hops, K=4 planned: missing 10.14.0.9 dev ztecmp3, 10.14.0.13 dev ztecmp4",
    }
    assert validation.exit_status == 1


def test_hash_policy_reset_fails_the_hashing_check(lab: NetnsLab) -> None:
    lab.exec("r1", ["sysctl", "-w", "net.ipv4.fib_multipath_hash_policy=0"])
    assert failed(validate_lab(lab.plan, lab.shells()).results) == {
        ("r1", "layer-4 hashing", "net.ipv4.fib_multipath_hash_policy"): "is 0, expected 1 (layer 4)"
    }


def test_the_netns_driver_sweeps_k_and_returns_to_the_original(lab: NetnsLab) -> None:
    lab.apply(netns_lab_plan(PATHS, active=3))
    driver = NetnsLabDriver(lab, rate_mbit=100)
    rows = run_sweep(driver, flows=8, seconds=1, progress=lambda line: None)
    assert [row.active_paths for row in rows] == [1, 2, 3, 4]
    assert all(row.report.received_bits_per_second > 0 for row in rows)
    assert lab.plan.active_path_count == 3
    route = lab.exec("r1", ["ip", "-j", "route", "show", "10.0.55.2/32"]).stdout
    assert [hop["gateway"] for hop in json.loads(route)[0]["nexthops"]] == ["10.14.0.2", "10.14.0.6", "10.14.0.10"]


def test_sweep_command_on_the_namespace_lab_writes_reports_and_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["sweep", "--netns", "--paths", "2", "--rate-mbit", "50", "--flows", "8", "--seconds", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "sweep-netns-r1-to-r2-iperf3",
        "sweep-netns-r1-to-r2.csv",
        "sweep-netns-r1-to-r2.json",
        "sweep-netns-r1-to-r2.md",
        "sweep-netns-r1-to-r2.png",
    ]
    runs = json.loads((tmp_path / "sweep-netns-r1-to-r2.json").read_text())["runs"]
    assert [(run["activePaths"], run["estimatedGbps"]) for run in runs] == [(1, 0.05), (2, 0.1)]
    # Two 50 Mbit/s paths carry more than one could.
    assert runs[1]["receivedGbps"] > 0.05
    assert "validate: 14 passed, 0 failed, 10 not applicable" in out
