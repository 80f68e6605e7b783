"""Floating peer answers: each other router's floating IP answers a ping sent from this router's own."""

from __future__ import annotations

from components.ops.validate.checks.floating_peer import CHECK
from components.ops.validate.framework import RouterScope
from tests.ops.validate.gk41_r1 import VYOS
from tests.ops.validate.judged import ANSWERED, SILENT, ping, verdicts


def test_the_ping_goes_from_the_own_floating_ip_to_the_peers() -> None:
    assert CHECK.needs(RouterScope(VYOS, VYOS.router("r1"))) == [ping("10.0.55.2", "10.0.55.1")[0]]


def test_an_answering_peer_passes_with_pings_summary() -> None:
    assert verdicts(CHECK, dict([ping("10.0.55.2", "10.0.55.1")])) == [("10.0.55.1 -> 10.0.55.2 (r2)", "pass", ANSWERED)]


def test_a_silent_peer_fails_with_pings_summary() -> None:
    assert verdicts(CHECK, dict([ping("10.0.55.2", "10.0.55.1", received=0)])) == [("10.0.55.1 -> 10.0.55.2 (r2)", "fail", SILENT)]
