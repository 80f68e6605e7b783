"""The verbs that look at a deployed lab: status, collect and connect take the stack as validate does, and
connect takes the command to run after `--`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from components.cli.main import build_parser, main
from components.ops.shell import ssh_shells
from tests.support.stacks import lab_plan

FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWw=\n-----END OPENSSH PRIVATE KEY-----"


def test_connect_takes_the_words_after_double_dash_as_the_command_wherever_the_options_are(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, argparse.Namespace] = {}
    monkeypatch.setattr("components.cli.connect.run", lambda args: seen.setdefault("args", args) and 0)
    assert main(["connect", "r1", "--stack", "gk41", "--", "ip", "-4", "route", "show"]) == 0
    args = seen["args"]
    assert (args.router, args.stack, args.remote) == ("r1", "gk41", ["ip", "-4", "route", "show"])


def test_connect_without_a_command_is_a_shell() -> None:
    args = build_parser().parse_args(["connect", "--stack", "gk41", "r2"])
    assert (args.router, args.remote) == ("r2", [])


def test_only_connect_takes_a_command_after_double_dash(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["status", "--stack", "gk41", "--", "ip", "route"])
    assert exited.value.code == 2
    assert (
        capsys.readouterr().err.splitlines()[-1].endswith("unrecognized arguments: -- ip route (only `connect` takes a command after --)")
    )


def test_the_session_is_ssh_with_the_pinned_key_and_the_stacks_key_and_the_command_joined_as_ssh_joins_it() -> None:
    with ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        argv = shells["r1"].session_argv(["ip", "-d", "route", "show", "10.0.55.2/32"])
        key = shells["r1"].identity_file
    assert argv[0] == "ssh" and "StrictHostKeyChecking=yes" in argv and argv[argv.index("-i") + 1] == str(key)
    assert not any(word.startswith("ControlPath=") for word in argv)
    assert argv[-4:] == ["-l", "vyos", "192.0.2.41", "ip -d route show 10.0.55.2/32"]


def test_collect_refuses_a_folder_it_did_not_write_before_anything_else(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["collect", "--stack", "gk41", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"error: --out {tmp_path}: exists and was not written by `zt-ecmp collect`; remove it or choose another --out\n"
    )
