"""Path peer answers: the peer's address replies over every active path, and only active paths are pinged."""

from __future__ import annotations

from components.ops.validate.runner import commands_for
from tests.ops.validate.gk41_r1 import failures, healthy_r1, plan_with_runtime, r1_scope


def test_a_silent_path_peer_fails_with_pings_summary() -> None:
    assert failures(healthy_r1("gk41-r1-path3-peer-silent")) == [
        # A next hop in the route whose far end is silent fails the route as well (test_ecmp_route).
        ("ecmp route", "10.0.55.2/32", "4 next hops, K=4 planned: path 3: 10.14.0.10 (r2) does not answer"),
        ("path peer answers", "path 3: 10.14.0.10", "2 packets transmitted, 0 received, 100% packet loss, time 1023ms"),
    ]


def test_inactive_paths_are_not_pinged() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 2})
    assert [command for command in commands_for(r1_scope(plan)) if command.startswith("ping")] == [
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.2",
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.6",
        "ping -n -q -c 2 -i 0.2 -W 1 -I 10.0.55.1 10.0.55.2",
    ]
