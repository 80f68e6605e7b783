"""The reference throughput test: iperf3 between the two floating IPs, read from its JSON report."""

from __future__ import annotations

import json
import shlex
import time
from dataclasses import dataclass
from typing import Any

from components.ops.shell import RouterShell, stop_background

IPERF_PORT = 5201
LISTEN_TIMEOUT_SECONDS = 10.0
# The server is started with a deadline so that it never outlives the test on the router, even when
# the connection that started it is gone.
SERVER_GRACE_SECONDS = 60


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


def parse_iperf3_json(text: str) -> IperfReport:
    """Read ``iperf3 -c ... -J`` output; raises IperfError with iperf3's reason when the run failed."""
    try:
        document: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as error:
        first = text.strip().splitlines()[0] if text.strip() else "no output"
        raise IperfError(f"iperf3 output is not JSON ({error.msg}): {first}") from None
    if document.get("error"):
        raise IperfError(f"iperf3: {document['error']}")
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


def client_command(server_ip: str, client_ip: str, *, flows: int, seconds: int, port: int = IPERF_PORT) -> str:
    argv = ["iperf3", "-c", server_ip, "-B", client_ip, "-p", str(port), "-P", str(flows), "-t", str(seconds), "-J"]
    return shlex.join(argv)


def server_command(server_ip: str, *, seconds: int, port: int = IPERF_PORT) -> str:
    argv = ["timeout", str(seconds + SERVER_GRACE_SECONDS), "iperf3", "-s", "-1", "-B", server_ip, "-p", str(port)]
    # The server's own per-second report is not needed (the client's JSON has both sides) and would
    # fill the pipe of a long run; its errors still arrive on stderr.
    return shlex.join(argv) + " >/dev/null"


def _await_listener(server: RouterShell, process: Any, port: int, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, errors = process.communicate()
            raise IperfError(f"iperf3 server on {server.router} exited: {errors.strip() or 'no message'}")
        if server.run(f"ss -Hltn 'sport = :{port}'").stdout.strip():
            return
        time.sleep(0.1)
    raise IperfError(f"iperf3 server on {server.router} did not listen on port {port} within {timeout_seconds:g} s")


def measure_iperf3(
    server: RouterShell,
    client: RouterShell,
    *,
    server_ip: str,
    client_ip: str,
    flows: int,
    seconds: int,
    port: int = IPERF_PORT,
) -> IperfReport:
    """One-shot server bound to ``server_ip``, client bound to ``client_ip`` with ``flows`` parallel streams."""
    busy = server.run(f"ss -Hltn 'sport = :{port}'").stdout.strip()
    if busy:
        raise IperfError(f"port {port} on {server.router} is already in use: {busy.splitlines()[0]}")
    process = server.start(server_command(server_ip, seconds=seconds, port=port))
    try:
        _await_listener(server, process, port, LISTEN_TIMEOUT_SECONDS)
        result = client.run(client_command(server_ip, client_ip, flows=flows, seconds=seconds, port=port), timeout=seconds + 60)
        if not result.stdout.strip():
            raise IperfError(f"iperf3 client on {client.router} printed nothing: {result.why()}")
        return parse_iperf3_json(result.stdout)
    finally:
        stop_background(process)
