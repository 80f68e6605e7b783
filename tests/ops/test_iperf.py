"""iperf3, the one throughput meter: its commands, the server's lifetime, and real iperf3 JSON produced on loopback."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.ops.iperf import (
    IperfError,
    client_command,
    client_report,
    iperf3_server,
    measure_iperf3,
    parse_iperf3_json,
    received_intervals,
    server_command,
)
from components.ops.shell import CommandOutput
from tests.support.local_shell import LocalShell

needs_iperf3 = pytest.mark.skipif(shutil.which("iperf3") is None or shutil.which("ss") is None, reason="needs iperf3 and ss on PATH")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listening(port: int) -> bool:
    return bool(subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout.strip())


@pytest.fixture
def loopback_server(tmp_path: Path) -> Iterator[int]:
    """A one-shot iperf3 daemon on 127.0.0.1 and a free port."""
    port, pidfile = free_port(), tmp_path / "iperf3.pid"
    subprocess.run(["iperf3", "-s", "-1", "-D", "-B", "127.0.0.1", "-p", str(port), "-I", str(pidfile)], check=True)
    deadline = time.monotonic() + 5
    while not listening(port):
        assert time.monotonic() < deadline, f"iperf3 did not listen on {port}"
        time.sleep(0.05)
    pid = int(pidfile.read_text().strip("\x00\n "))
    yield port
    # The one-shot daemon exits after its test; a test that never connected leaves it to be stopped.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


@needs_iperf3
def test_real_iperf3_json_gives_totals_streams_and_retransmits(loopback_server: int) -> None:
    out = subprocess.run(
        ["iperf3", "-c", "127.0.0.1", "-B", "127.0.0.1", "-p", str(loopback_server), "-P", "2", "-t", "1", "-J"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = parse_iperf3_json(out)
    assert report.streams == 2
    assert len(report.stream_received_bits_per_second) == 2
    assert report.seconds == pytest.approx(1.0, abs=0.2)
    assert report.received_bits_per_second > 0
    assert report.received_bits_per_second == pytest.approx(sum(report.stream_received_bits_per_second), rel=0.01)
    assert report.retransmits is not None and report.retransmits >= 0
    assert report.raw == out


@needs_iperf3
def test_iperf3_error_field_becomes_an_error_with_its_reason_whatever_the_exit_status() -> None:
    closed = free_port()
    out = subprocess.run(["iperf3", "-c", "127.0.0.1", "-p", str(closed), "-t", "1", "-J"], capture_output=True, text=True, check=False)
    # iperf3 3.12 exits 0 here: only the report's "error" field tells.
    with pytest.raises(IperfError, match=r"^iperf3: unable to connect to server: Connection refused$"):
        parse_iperf3_json(out.stdout)


def test_output_that_is_not_json_names_its_first_line() -> None:
    with pytest.raises(IperfError, match=r"not JSON .*: bash: iperf3: command not found"):
        parse_iperf3_json("bash: iperf3: command not found\n")


def test_a_udp_report_is_refused_for_lack_of_tcp_totals() -> None:
    with pytest.raises(IperfError, match="no TCP totals"):
        parse_iperf3_json('{"start": {}, "end": {"sum": {"bits_per_second": 1}}}')


def test_client_is_bound_to_its_floating_ip_with_the_reference_flows() -> None:
    assert client_command("10.0.55.2", "10.0.55.1", flows=16, seconds=10) == "iperf3 -c 10.0.55.2 -B 10.0.55.1 -p 5201 -P 16 -t 10 -J"


def test_server_serves_one_test_on_the_floating_ip_and_has_a_deadline() -> None:
    assert server_command("10.0.55.2", seconds=10) == "timeout --foreground 70 iperf3 -s -1 -B 10.0.55.2 -p 5201 >/dev/null"


def test_interval_reports_come_from_the_server_inside_the_clients_json() -> None:
    assert server_command("10.0.55.2", seconds=14, interval_seconds=0.25) == (
        "timeout --foreground 74 iperf3 -s -1 -B 10.0.55.2 -p 5201 -J -i 0.25 >/dev/null"
    )
    assert client_command("10.0.55.2", "10.0.55.1", flows=53, seconds=14, interval_seconds=0.25) == (
        "iperf3 -c 10.0.55.2 -B 10.0.55.1 -p 5201 -P 53 -t 14 -J -i 0.25 --get-server-output"
    )


@needs_iperf3
def test_measure_starts_a_server_waits_for_it_and_reads_the_client() -> None:
    port = free_port()
    shell = LocalShell("r1")
    report = measure_iperf3(shell, shell, server_ip="127.0.0.1", client_ip="127.0.0.1", flows=3, seconds=1, port=port)
    assert report.streams == 3
    assert report.received_bits_per_second > 0
    assert not listening(port), "the one-shot server is gone after the test"


@needs_iperf3
def test_measure_refuses_a_port_that_something_else_listens_on(loopback_server: int) -> None:
    shell = LocalShell("r2")
    with pytest.raises(IperfError, match=f"port {loopback_server} on r2 is already in use"):
        measure_iperf3(shell, shell, server_ip="127.0.0.1", client_ip="127.0.0.1", flows=1, seconds=1, port=loopback_server)


@needs_iperf3
def test_a_client_in_the_background_reads_the_servers_interval_reports() -> None:
    port, shell = free_port(), LocalShell("r1")
    with iperf3_server(shell, "127.0.0.1", seconds=1, port=port, interval_seconds=0.25):
        client = shell.start(client_command("127.0.0.1", "127.0.0.1", flows=2, seconds=1, port=port, interval_seconds=0.25))
        stdout, stderr = client.communicate(timeout=30)
    intervals = received_intervals(client_report(shell, CommandOutput(client.returncode, stdout, stderr)))
    assert len(intervals) >= 3
    assert intervals[0].start == 0.0
    assert all(later.start == pytest.approx(earlier.end) for earlier, later in itertools.pairwise(intervals))
    assert {len(interval.stream_bytes) for interval in intervals} == {2}
    assert sum(sum(interval.stream_bytes) for interval in intervals) > 0


@needs_iperf3
def test_the_server_is_gone_after_its_test_even_when_no_client_came() -> None:
    port = free_port()
    with iperf3_server(LocalShell("r2"), "127.0.0.1", seconds=1, port=port):
        assert listening(port)
    assert not listening(port)


@needs_iperf3
def test_a_server_that_cannot_listen_fails_with_iperf3s_reason() -> None:
    # 192.0.2.0/24 is documentation space: no interface of this machine has it.
    with (
        pytest.raises(IperfError, match=r"^iperf3 server on r2 exited: iperf3: error - unable to start listener"),
        iperf3_server(LocalShell("r2"), "192.0.2.99", seconds=1, port=free_port()),
    ):
        pass


def test_a_client_that_printed_nothing_is_reported_with_its_complaint() -> None:
    with pytest.raises(IperfError, match=r"^iperf3 client on r1 printed nothing: sh: 1: iperf3: not found$"):
        client_report(LocalShell("r1"), CommandOutput(127, "", "sh: 1: iperf3: not found\n"))
