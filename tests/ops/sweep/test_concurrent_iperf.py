"""Several iperf3 tests at once: one server per test on its own port, all listening before any client, all stopped after."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass, field

import pytest

from components.ops.iperf import IperfEnds, IperfError, concurrent_ports, measure_iperf3_concurrently
from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput
from components.ops.sweep.floating import floating_ip_tests
from components.ops.sweep.orchestration import all_pairs
from tests.support.local_shell import LocalShell
from tests.support.stacks import lab_plan

SITES = ("hq", "br1", "br2")


def client_json(mbit: float) -> str:
    """What ``iperf3 -c ... -J`` prints for a test that received ``mbit``, reduced to what is read."""
    rate = mbit * 1e6
    return json.dumps(
        {
            "start": {"test_start": {"num_streams": 4}},
            "end": {"sum_sent": {"bits_per_second": rate, "retransmits": 0}, "sum_received": {"bits_per_second": rate, "seconds": 10}},
        }
    )


@dataclass
class Timeline:
    """What every fake router was asked, in order, and the server processes they started."""

    events: list[str] = field(default_factory=list)
    servers: dict[tuple[str, int], subprocess.Popen[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: str) -> None:
        with self.lock:
            self.events.append(event)


@dataclass
class FakeRouter:
    """A RouterShell whose iperf3 server is a real ``sleep`` (so stopping it is real) and whose client
    answers with ``answers[(server address, port)]``. With a ``barrier``, each client waits there for all the others: clients
    run one after the other would never all arrive, and the barrier would break."""

    router: str
    timeline: Timeline
    answers: dict[tuple[str, int], CommandOutput] = field(default_factory=dict)
    barrier: threading.Barrier | None = None
    occupied: frozenset[int] = frozenset()
    server_program: tuple[str, ...] = ("sleep", "30")
    # Whether the server program counts as listening while it runs (one that fails never does).
    listens: bool = True
    zerotier_absent: str | None = "fake"
    underlay_absent: str | None = "fake"

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        if command.startswith("ss "):
            port = int(re.findall(r":(\d+)'", command)[0])
            server = self.timeline.servers.get((self.router, port))
            if port in self.occupied or (self.listens and server is not None and server.poll() is None):
                self.timeline.add(f"listening {self.router}:{port}")
                return CommandOutput(0, f"LISTEN 0 5 0.0.0.0:{port} 0.0.0.0:*\n")
            return CommandOutput(0, "")
        server, port = re.findall(r"-c (\S+) ", command)[0], int(re.findall(r" -p (\d+)", command)[0])
        self.timeline.add(f"client {self.router}:{port}")
        if self.barrier is not None:
            self.barrier.wait(timeout=5)
        return self.answers[(server, port)]

    def start(self, command: str) -> subprocess.Popen[str]:
        port = int(re.findall(r" -p (\d+)", command)[0])
        self.timeline.add(f"server {self.router}:{port}")
        process = subprocess.Popen(
            list(self.server_program), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self.timeline.servers[(self.router, port)] = process
        return process


def two_way_test(timeline: Timeline, *, second_answer: str | None = None, barrier: threading.Barrier | None = None) -> dict[str, IperfEnds]:
    """r1 -> r2 and r2 -> r1 at once, each server on port 5201 of its own router."""
    answers = {
        ("10.0.55.2", 5201): CommandOutput(0, client_json(90)),
        ("10.0.55.1", 5201): CommandOutput(0, second_answer or client_json(80)),
    }
    r1 = FakeRouter("r1", timeline, answers, barrier)
    r2 = FakeRouter("r2", timeline, answers, barrier)
    return {
        "r1->r2": IperfEnds(server=r2, client=r1, server_ip="10.0.55.2", client_ip="10.0.55.1"),
        "r2->r1": IperfEnds(server=r1, client=r2, server_ip="10.0.55.1", client_ip="10.0.55.2"),
    }


def test_each_receiver_numbers_its_own_servers_from_the_given_port() -> None:
    assert concurrent_ports(["br1", "br2", "hq", "br2", "hq", "br1"]) == (5201, 5201, 5201, 5202, 5202, 5202)
    assert concurrent_ports(["r2", "r1"], 6000) == (6000, 6000)


def test_every_server_listens_before_any_client_starts_and_the_clients_run_together() -> None:
    timeline = Timeline()
    reports = measure_iperf3_concurrently(two_way_test(timeline, barrier=threading.Barrier(2)), flows=4, seconds=10)
    assert timeline.events[:4] == ["server r2:5201", "server r1:5201", "listening r2:5201", "listening r1:5201"]
    assert sorted(timeline.events[4:]) == ["client r1:5201", "client r2:5201"]
    assert {key: report.received_bits_per_second for key, report in reports.items()} == {"r1->r2": 90e6, "r2->r1": 80e6}


def test_every_server_is_stopped_after_the_run() -> None:
    timeline = Timeline()
    measure_iperf3_concurrently(two_way_test(timeline), flows=4, seconds=10)
    assert {key: process.poll() is not None for key, process in timeline.servers.items()} == {("r2", 5201): True, ("r1", 5201): True}


def test_a_failed_client_fails_the_run_naming_its_test_and_every_server_is_stopped() -> None:
    timeline = Timeline()
    refused = json.dumps({"error": "unable to connect to server: Connection refused"})
    tests = two_way_test(timeline, second_answer=refused, barrier=threading.Barrier(2))
    with pytest.raises(IperfError) as failure:
        measure_iperf3_concurrently(tests, flows=4, seconds=10)
    assert str(failure.value) == (
        "1 of 2 iperf3 tests run at once failed: r2 (10.0.55.2) to r1 (10.0.55.1) on port 5201: "
        "iperf3: unable to connect to server: Connection refused"
    )
    # The other client ran to its end too (the barrier held for both).
    assert sorted(event for event in timeline.events if event.startswith("client")) == ["client r1:5201", "client r2:5201"]
    assert all(process.poll() is not None for process in timeline.servers.values())


def test_one_test_alone_fails_with_iperf3s_own_reason() -> None:
    timeline = Timeline()
    refused = CommandOutput(0, json.dumps({"error": "unable to connect to server: Connection refused"}))
    router = FakeRouter("r2", timeline, {("10.0.55.2", 5201): refused})
    with pytest.raises(IperfError, match=r"^iperf3: unable to connect to server: Connection refused$"):
        measure_iperf3_concurrently({"one": IperfEnds(router, router, "10.0.55.2", "10.0.55.1")}, flows=1, seconds=1)


def test_a_port_in_use_stops_the_servers_already_started_and_no_client_runs() -> None:
    timeline = Timeline()
    r1 = FakeRouter("r1", timeline, occupied=frozenset({5201}))
    r2 = FakeRouter("r2", timeline)
    tests = {
        "r1->r2": IperfEnds(server=r2, client=r1, server_ip="10.0.55.2", client_ip="10.0.55.1"),
        "r2->r1": IperfEnds(server=r1, client=r2, server_ip="10.0.55.1", client_ip="10.0.55.2"),
    }
    with pytest.raises(IperfError, match=r"^port 5201 on r1 is already in use: LISTEN 0 5 0.0.0.0:5201"):
        measure_iperf3_concurrently(tests, flows=4, seconds=10)
    assert [process.poll() is not None for process in timeline.servers.values()] == [True]
    assert not [event for event in timeline.events if event.startswith("client")]


def test_a_server_that_exits_before_listening_stops_the_others_and_no_client_runs() -> None:
    timeline = Timeline()
    r1 = FakeRouter("r1", timeline, server_program=("sh", "-c", "echo 'iperf3: error - unable to start listener' >&2"), listens=False)
    r2 = FakeRouter("r2", timeline)
    tests = {
        "r1->r2": IperfEnds(server=r2, client=r1, server_ip="10.0.55.2", client_ip="10.0.55.1"),
        "r2->r1": IperfEnds(server=r1, client=r2, server_ip="10.0.55.1", client_ip="10.0.55.2"),
    }
    with pytest.raises(IperfError, match=r"^iperf3 server on r1 exited: iperf3: error - unable to start listener$"):
        measure_iperf3_concurrently(tests, flows=4, seconds=10)
    assert all(process.poll() is not None for process in timeline.servers.values())
    assert not [event for event in timeline.events if event.startswith("client")]


def test_all_pairs_of_three_sites_each_have_a_server_on_the_receiver_bound_to_its_floating_ip() -> None:
    timeline = Timeline()
    plan = lab_plan("gk41-sites")
    shells = {name: FakeRouter(name, timeline) for name in SITES}
    tests = floating_ip_tests(plan, shells, all_pairs(SITES))
    ports = concurrent_ports([test.server.router for test in tests.values()])
    # Each pair's client answers with its own figure: 101 Mbit/s for the first pair, 102 for the next, ...
    answers = {
        (test.server_ip, port): CommandOutput(0, client_json(101 + number))
        for number, (test, port) in enumerate(zip(tests.values(), ports, strict=True))
    }
    for shell in shells.values():
        shell.answers.update(answers)
    assert [(test.client.router, test.client_ip, test.server.router, test.server_ip) for test in tests.values()] == [
        ("hq", "10.0.55.1", "br1", "10.0.55.2"),
        ("hq", "10.0.55.1", "br2", "10.0.55.3"),
        ("br1", "10.0.55.2", "hq", "10.0.55.1"),
        ("br1", "10.0.55.2", "br2", "10.0.55.3"),
        ("br2", "10.0.55.3", "hq", "10.0.55.1"),
        ("br2", "10.0.55.3", "br1", "10.0.55.2"),
    ]
    reports = measure_iperf3_concurrently(tests, flows=4, seconds=10)
    # Each receiver serves two tests at once, on 5201 and 5202.
    assert [event for event in timeline.events if event.startswith("server")] == [
        "server br1:5201",
        "server br2:5201",
        "server hq:5201",
        "server br2:5202",
        "server hq:5202",
        "server br1:5202",
    ]
    assert {pair: report.received_bits_per_second / 1e6 for pair, report in reports.items()} == {
        ("hq", "br1"): 101,
        ("hq", "br2"): 102,
        ("br1", "hq"): 103,
        ("br1", "br2"): 104,
        ("br2", "hq"): 105,
        ("br2", "br1"): 106,
    }


def test_no_tests_measure_nothing() -> None:
    assert measure_iperf3_concurrently({}, flows=4, seconds=10) == {}


def bindable(port: int) -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive TCP ports on 127.0.0.1 that nothing holds now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base: int = probe.getsockname()[1]
        if base + count <= 65536 and all(bindable(base + offset) for offset in range(1, count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")


def listening(port: int) -> bool:
    return bool(subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout.strip())


@pytest.mark.skipif(shutil.which("iperf3") is None or shutil.which("ss") is None, reason="needs iperf3 and ss on PATH")
def test_two_real_iperf3_tests_at_once_on_loopback_each_report_their_own_streams() -> None:
    port = free_ports(2)
    shell = LocalShell("local")
    tests = {name: IperfEnds(shell, shell, "127.0.0.1", "127.0.0.1") for name in ("first", "second")}
    reports = measure_iperf3_concurrently(tests, flows=2, seconds=1, port=port)
    assert [report.streams for report in reports.values()] == [2, 2]
    assert all(report.received_bits_per_second > 0 for report in reports.values())
    assert not listening(port) and not listening(port + 1), "both one-shot servers are gone"
