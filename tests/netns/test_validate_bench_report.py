"""The validate benchmark's report and the ways it compares, without building a lab."""

from __future__ import annotations

from components.netns.validate_bench import CommandByCommand, LoginPerCommand, Timing, reference_commands, render_timings
from components.ops.shell import ssh_shells
from tests.support.stacks import lab_plan

FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWw=\n-----END OPENSSH PRIVATE KEY-----"
WAYS = ("one connection, one script", "one connection, a command at a time", "a login per command (before)")


def test_the_report_gives_each_ways_median_with_the_fastest_and_slowest_and_says_whether_the_goal_is_met() -> None:
    timings = [
        Timing(2, 4, 8, dict(zip(WAYS, ((0.7, 0.74, 0.9), (1.5, 1.6, 1.49), (3.7, 3.6, 3.9)), strict=True))),
        Timing(3, 4, 14, dict(zip(WAYS, ((1.2, 1.3, 1.1), (2.8, 2.7, 2.9), (9.0, 7.7, 9.3)), strict=True))),
    ]
    assert render_timings(timings, 3, 29).splitlines()[2:] == [
        "| lab | commands per router | one connection, one script | one connection, a command at a time | a login per command (before) |",
        "|---|---|---|---|---|",
        "| 2 routers x 4 paths | 8 | 0.74 s (0.70-0.90) | 1.50 s (1.49-1.60) | 3.70 s (3.60-3.90) |",
        "| 3 routers x 4 paths | 14 | 1.20 s (1.10-1.30) | 2.80 s (2.70-2.90) | 9.00 s (7.70-9.30) |",
        "",
        "The namespace routers run no ZeroTier and have no underlay: validate asks r1 of the gk41 stack (VyOS, 4 paths) 29 "
        "commands, which its one script runs 8 at a time.",
        "",
        "goal: under 3 s for 2 x 4: 0.74 s, met",
    ]


def test_a_vyos_router_of_the_reference_stack_is_asked_29_commands() -> None:
    assert reference_commands() == 29


def test_the_ways_compared_ask_a_command_at_a_time_and_the_old_way_opens_no_master() -> None:
    with ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        asked: list[str] = []
        shell = shells["r1"]
        object.__setattr__(shell, "run", lambda command, timeout=60.0: asked.append(command))
        CommandByCommand(shell).run_all(["ip -j link show", "ip -j link show", "cat /proc/sys/net/ipv4/fib_multipath_hash_policy"])
        assert asked == ["ip -j link show", "cat /proc/sys/net/ipv4/fib_multipath_hash_policy"]
        assert LoginPerCommand(shell).connect() is None
        assert shell.control_path is not None and not shell.control_path.exists()
