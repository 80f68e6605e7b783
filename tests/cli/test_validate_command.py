"""`zt-ecmp validate`'s options: checks and routers named as --list names them, refused by name otherwise."""

from __future__ import annotations

import pytest

from components.cli.main import build_parser, main
from components.ops.validate.registry import CHECKS


def test_check_takes_a_checks_name_with_spaces_or_dashes_and_repeats() -> None:
    args = build_parser().parse_args(["validate", "--stack", "gk41", "--check", "ecmp route", "--check", "layer-4-hashing"])
    assert [check.name for check in args.check] == ["ecmp route", "layer-4 hashing"]


def test_an_unknown_check_is_refused_naming_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--stack", "gk41", "--check", "ecmp"])
    assert exited.value.code == 2
    said = capsys.readouterr().err.splitlines()[-1]
    assert said.endswith("argument --check: 'ecmp' is no check; the checks are " + ", ".join(repr(check.name) for check in CHECKS))


def test_an_unknown_router_is_refused_naming_the_stacks_routers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stack", "gk41", "--list", "--router", "r9"]) == 2
    assert capsys.readouterr().err == "error: --router r9: stack gk41 has no router 'r9'; its routers are r1, r2\n"


def test_list_prints_the_checks_with_what_each_runs_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stack", "gk41", "--list", "--router", "r2", "--check", "ecmp route"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "what validate runs on stack gk41's routers, as Pulumi.gk41.yaml plans them:",
        "ecmp route",
        "  r2: ip -d -j route show 10.0.55.1/32",
        "      ping -n -q -c 2 -i 0.2 -W 1 10.14.0.1",
        "      ping -n -q -c 2 -i 0.2 -W 1 10.14.0.5",
        "      ping -n -q -c 2 -i 0.2 -W 1 10.14.0.9",
        "      ping -n -q -c 2 -i 0.2 -W 1 10.14.0.13",
    ]


def test_list_and_json_are_one_or_the_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--stack", "gk41", "--list", "--json"])
    assert exited.value.code == 2
    assert "argument --json: not allowed with argument --list" in capsys.readouterr().err
