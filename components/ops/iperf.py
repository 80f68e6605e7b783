"""iperf3, the lab's one throughput meter: the server, the client, waiting in between, and its JSON.

Every measurement in this project runs here, whatever the router: over SSH on a deployed lab, or in
a network namespace (``NetnsShell``) for the namespace lab and its benchmarks. Both ends are
``RouterShell`` commands, so one code path decides when the server listens and how a failed run reads.
Several tests at once (``measure_iperf3_concurrently``: every router of a lab sending to every other)
run through the same server and client code, one server per test.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import shlex
import subprocess
import time
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from components.ops.shell import CommandOutput, RouterShell, stop_background

IPERF_PORT = 5201
LISTEN_TIMEOUT_SECONDS = 10.0
LISTEN_POLL_SECONDS = 0.05
# The server is started with a deadline so that it never outlives the test on the router, even when
# the connection that started it is gone.
SERVER_GRACE_SECONDS = 60
# How long a client may run beyond its test before it counts as hung.
CLIENT_GRACE_SECONDS = 60


class IperfError(RuntimeError):
    """iperf3 did not produce a measurement; the message is iperf3's own reason."""


@dataclass(frozen=True)
class IperfReport:
    """What one iperf3 client run measured (TCP, all streams together)."""

    streams: int
    seconds: float
    sent_bits_per_second: float
    received_bits_per_second: float
    retransmits: int | None
    # Receiver-side rate of each stream, in stream order.
    stream_received_bits_per_second: tuple[float, ...]
    raw: str

    @property
    def received_gbps(self) -> float:
        return self.received_bits_per_second / 1e9

    @property
    def sent_gbps(self) -> float:
        return self.sent_bits_per_second / 1e9


@dataclass(frozen=True)
class ReceivedInterval:
    """One interval report of the receiving side: its span in seconds from the start, and bytes per stream."""

    start: float
    end: float
    stream_bytes: tuple[int, ...]


def _document(text: str) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as error:
        first = text.strip().splitlines()[0] if text.strip() else "no output"
        raise IperfError(f"iperf3 output is not JSON ({error.msg}): {first}") from None
    if document.get("error"):
        raise IperfError(f"iperf3: {document['error']}")
    return document


def parse_iperf3_json(text: str) -> IperfReport:
    """Read ``iperf3 -c ... -J`` output; raises IperfError with iperf3's reason when the run failed."""
    document = _document(text)
    end = document.get("end") or {}
    if "sum_received" not in end or "sum_sent" not in end:
        raise IperfError("iperf3 report has no TCP totals (end.sum_sent, end.sum_received); was it a UDP test?")
    sent, received = end["sum_sent"], end["sum_received"]
    streams = end.get("streams") or []
    return IperfReport(
        streams=int(document.get("start", {}).get("test_start", {}).get("num_streams", len(streams))),
        seconds=float(received["seconds"]),
        sent_bits_per_second=float(sent["bits_per_second"]),
        received_bits_per_second=float(received["bits_per_second"]),
        retransmits=int(sent["retransmits"]) if "retransmits" in sent else None,
        stream_received_bits_per_second=tuple(float(stream["receiver"]["bits_per_second"]) for stream in streams if "receiver" in stream),
        raw=text,
    )


def received_intervals(report: IperfReport) -> tuple[ReceivedInterval, ...]:
    """The server's interval reports, as a client run with ``interval_seconds`` brings them back."""
    server = _document(report.raw).get("server_output_json") or {}
    return tuple(
        ReceivedInterval(
            start=float(interval["sum"]["start"]),
            end=float(interval["sum"]["end"]),
            stream_bytes=tuple(int(stream["bytes"]) for stream in interval["streams"]),
        )
        for interval in server.get("intervals", [])
    )


def client_command(
    server_ip: str, client_ip: str, *, flows: int, seconds: float, port: int = IPERF_PORT, interval_seconds: float | None = None
) -> str:
    """``interval_seconds`` asks for the server's interval reports in the client's JSON: the receiving
    side is where a stalled flow shows, and one JSON document then holds both sides."""
    argv = ["iperf3", "-c", server_ip, "-B", client_ip, "-p", str(port), "-P", str(flows), "-t", f"{seconds:g}", "-J"]
    if interval_seconds is not None:
        argv += ["-i", f"{interval_seconds:g}", "--get-server-output"]
    return shlex.join(argv)


def server_command(server_ip: str, *, seconds: float, port: int = IPERF_PORT, interval_seconds: float | None = None) -> str:
    # --foreground keeps timeout in the group of the shell that started it, so that stopping that group
    # stops iperf3 too (timeout otherwise moves into a group of its own, out of the stop's reach).
    argv = ["timeout", "--foreground", f"{seconds + SERVER_GRACE_SECONDS:g}", "iperf3", "-s", "-1", "-B", server_ip, "-p", str(port)]
    if interval_seconds is not None:
        # JSON, so that the interval reports it hands the client can be read.
        argv += ["-J", "-i", f"{interval_seconds:g}"]
    # The server's own report is not needed here (the client's JSON has both sides) and would fill
    # the pipe of a long run; its errors still arrive on stderr.
    return shlex.join(argv) + " >/dev/null"


def _listening(server: RouterShell, port: int) -> str:
    return server.run(f"ss -Hltn 'sport = :{port}'").stdout.strip()


def _await_listener(
    server: RouterShell, process: subprocess.Popen[str], port: int, timeout_seconds: float = LISTEN_TIMEOUT_SECONDS
) -> None:
    """Returns once the server started as ``process`` listens on ``port``: a client started earlier
    would find the port closed and fail the run."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, errors = process.communicate()
            raise IperfError(f"iperf3 server on {server.router} exited: {errors.strip() or 'no message'}")
        if _listening(server, port):
            return
        time.sleep(LISTEN_POLL_SECONDS)
    raise IperfError(f"iperf3 server on {server.router} did not listen on port {port} within {timeout_seconds:g} s")


@contextlib.contextmanager
def _started_server(
    server: RouterShell, server_ip: str, *, seconds: float, port: int, interval_seconds: float | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A one-shot server started on a free ``port`` (maybe not listening yet), stopped on exit."""
    busy = _listening(server, port)
    if busy:
        raise IperfError(f"port {port} on {server.router} is already in use: {busy.splitlines()[0]}")
    process = server.start(server_command(server_ip, seconds=seconds, port=port, interval_seconds=interval_seconds))
    try:
        yield process
    finally:
        stop_background(process)


@contextlib.contextmanager
def iperf3_server(
    server: RouterShell, server_ip: str, *, seconds: float, port: int = IPERF_PORT, interval_seconds: float | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A one-shot server bound to ``server_ip`` for a test of ``seconds``: listening once entered, gone on exit."""
    with _started_server(server, server_ip, seconds=seconds, port=port, interval_seconds=interval_seconds) as process:
        _await_listener(server, process, port)
        yield process


def client_report(client: RouterShell, output: CommandOutput) -> IperfReport:
    """What a finished client printed, as a report; a client that printed nothing is reported with why."""
    if not output.stdout.strip():
        raise IperfError(f"iperf3 client on {client.router} printed nothing: {output.why()}")
    return parse_iperf3_json(output.stdout)


def run_client(client: RouterShell, *, server_ip: str, client_ip: str, flows: int, seconds: float, port: int = IPERF_PORT) -> IperfReport:
    """The client bound to ``client_ip`` with ``flows`` parallel streams, run to its end."""
    result = client.run(
        client_command(server_ip, client_ip, flows=flows, seconds=seconds, port=port), timeout=seconds + CLIENT_GRACE_SECONDS
    )
    return client_report(client, result)


def measure_iperf3(
    server: RouterShell,
    client: RouterShell,
    *,
    server_ip: str,
    client_ip: str,
    flows: int,
    seconds: float,
    port: int = IPERF_PORT,
) -> IperfReport:
    """One-shot server bound to ``server_ip``, client bound to ``client_ip`` with ``flows`` parallel streams."""
    with iperf3_server(server, server_ip, seconds=seconds, port=port):
        return run_client(client, server_ip=server_ip, client_ip=client_ip, flows=flows, seconds=seconds, port=port)


@dataclass(frozen=True)
class IperfEnds:
    """One test of a concurrent run: its server on ``server`` bound to ``server_ip``, its client on
    ``client`` bound to ``client_ip``."""

    server: RouterShell
    client: RouterShell
    server_ip: str
    client_ip: str

    def describe(self, port: int) -> str:
        return f"{self.client.router} ({self.client_ip}) to {self.server.router} ({self.server_ip}) on port {port}"


Key = TypeVar("Key", bound=Hashable)


def concurrent_ports(receivers: Sequence[str], port: int = IPERF_PORT) -> tuple[int, ...]:
    """The server ports of tests run at once, given each test's receiving router: a receiver's first
    test on ``port``, its second on ``port`` + 1, and so on. Routers run their servers apart, so every
    receiver counts from ``port``: with every router sending to every other, M - 1 ports in all."""
    taken: Counter[str] = Counter()
    ports = []
    for receiver in receivers:
        ports.append(port + taken[receiver])
        taken[receiver] += 1
    return tuple(ports)


def measure_iperf3_concurrently(
    tests: Mapping[Key, IperfEnds], *, flows: int, seconds: float, port: int = IPERF_PORT
) -> dict[Key, IperfReport]:
    """All ``tests`` at the same time, ``flows`` parallel streams each; their reports by the same keys.

    An iperf3 server runs one test at a time: a second client is turned away with IEACCESSDENIED,
    "the server is busy running a test" (esnet/iperf, src/iperf_error.c), and a ``-1`` server exits
    after its one client (iperf3(1), --one-off). So each test has a server of its own: on ``port`` on
    its receiver, or ``port`` + 1, + 2, ... where one router receives several tests (``concurrent_ports``).
    Every server listens before any client starts; the clients then start together, a thread each;
    every server is stopped afterwards, whatever happened. One failed test fails the run, once every
    client has ended, with each failed test's reason.
    """
    if not tests:
        return {}
    ports = dict(zip(tests, concurrent_ports([test.server.router for test in tests.values()], port), strict=True))
    runs: dict[Key, concurrent.futures.Future[IperfReport]] = {}
    clients = concurrent.futures.ThreadPoolExecutor(max_workers=len(tests), thread_name_prefix="iperf3-client")
    try:
        with contextlib.ExitStack() as servers:
            # Started all before waiting for any: each start is a round trip to its router.
            started = [
                (test, ports[key], servers.enter_context(_started_server(test.server, test.server_ip, seconds=seconds, port=ports[key])))
                for key, test in tests.items()
            ]
            for test, server_port, process in started:
                _await_listener(test.server, process, server_port)
            for key, test in tests.items():
                runs[key] = clients.submit(
                    run_client,
                    test.client,
                    server_ip=test.server_ip,
                    client_ip=test.client_ip,
                    flows=flows,
                    seconds=seconds,
                    port=ports[key],
                )
            concurrent.futures.wait(runs.values())
    finally:
        # Once the servers are gone (an interrupt, say), a client still running ends promptly.
        clients.shutdown(wait=True)
    return _concurrent_reports(tests, ports, runs)


def _concurrent_reports(
    tests: Mapping[Key, IperfEnds], ports: Mapping[Key, int], runs: Mapping[Key, concurrent.futures.Future[IperfReport]]
) -> dict[Key, IperfReport]:
    failures = {key: error for key, run in runs.items() if (error := run.exception()) is not None}
    for error in failures.values():
        if not isinstance(error, IperfError):
            raise error
    if len(tests) == 1 and failures:
        # One test alone reads as measure_iperf3's would.
        raise next(iter(failures.values()))
    if failures:
        reasons = "; ".join(f"{tests[key].describe(ports[key])}: {error}" for key, error in failures.items())
        raise IperfError(f"{len(failures)} of {len(tests)} iperf3 tests run at once failed: {reasons}")
    return {key: run.result() for key, run in runs.items()}
