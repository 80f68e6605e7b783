"""Path peer answers: each neighbour's address replies over every active path, and only active paths are pinged."""

from __future__ import annotations

from components.ops.facts.model import Ping, Unread
from components.ops.facts.needs import PingNeed
from components.ops.validate.checks.path_peer import CHECK
from components.ops.validate.framework import RouterScope
from tests.ops.validate.gk41_r1 import VYOS, plan_with_runtime
from tests.ops.validate.judged import ANSWERED, SILENT, ping, verdicts

PEER_ADDRESSES = ("10.14.0.2", "10.14.0.6", "10.14.0.10", "10.14.0.14")


def test_every_answering_peer_passes_with_pings_summary() -> None:
    answers = dict(ping(address) for address in PEER_ADDRESSES)
    assert verdicts(CHECK, answers)[0] == ("path 1: 10.14.0.2 (r2)", "pass", ANSWERED)


def test_a_silent_path_peer_fails_with_pings_summary() -> None:
    answers = dict(ping(address, received=0 if address == "10.14.0.10" else 2) for address in PEER_ADDRESSES)
    assert verdicts(CHECK, answers)[2] == ("path 3: 10.14.0.10 (r2)", "fail", SILENT)


def test_a_ping_that_could_not_be_sent_fails_with_its_complaint() -> None:
    answers: dict[PingNeed, Ping | Unread] = dict(ping(address) for address in PEER_ADDRESSES)
    answers[ping("10.14.0.6")[0]] = Unread("ping", "failed", "ping: connect: Network is unreachable")
    assert verdicts(CHECK, answers)[1] == ("path 2: 10.14.0.6 (r2)", "fail", "ping: connect: Network is unreachable")


def test_only_active_paths_are_pinged() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 2})
    assert CHECK.needs(RouterScope(plan, plan.router("r1"))) == [ping("10.14.0.2")[0], ping("10.14.0.6")[0]]
    assert len(CHECK.needs(RouterScope(VYOS, VYOS.router("r1")))) == 4
