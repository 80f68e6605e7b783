"""The verbs that look at a deployed lab: status, collect and connect take the stack as validate does, and
connect takes the command to run after `--`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.cli.main import build_parser, main
from components.ops.shell import ssh_shells
from tests.support.closed_stack import FAKE_KEY, REFUSED, deployed_on_closed_ports
from tests.support.stacks import lab_plan


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


OLDER_DEPLOYMENT = (
    "stack gk41's outputs hold no 'settings' (deployed by an older zt-ecmp): checking the lab as Pulumi.gk41.yaml describes it, "
    "which may differ from what is deployed; `pulumi up --stack gk41` records it"
)


@pytest.fixture
def unreachable_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The stack above as the one deployed; the SIGTERM handling the verbs install is undone afterwards."""
    with deployed_on_closed_ports(monkeypatch, "components.cli.deployed.select_lab_stack"):
        yield


@pytest.mark.usefixtures("unreachable_stack")
def test_validate_on_routers_that_do_not_answer_says_so_runs_no_check_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stack", "gk41", "--check", "layer-4 hashing"]) == 3
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        OLDER_DEPLOYMENT,
        "router  check            subject  result   detail",
        "r1      layer-4 hashing  all      NOT RUN  r1 is unreachable",
        "r2      layer-4 hashing  all      NOT RUN  r2 is unreachable",
        "validate: 0 passed, 0 failed, 0 not applicable, 2 not run",
        *REFUSED,
    ]
    assert sorted(err.splitlines()) == sorted([OLDER_DEPLOYMENT, *REFUSED])


@pytest.mark.usefixtures("unreachable_stack")
def test_validate_json_is_one_document_with_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--stack", "gk41", "--router", "r2", "--json"]) == 3
    document = json.loads(capsys.readouterr().out)
    assert (document["notes"], document["exitStatus"]) == ([OLDER_DEPLOYMENT], 3)
    assert {result["router"] for result in document["results"]} == {"r2"}
    assert [found["router"] for found in document["unreachable"]] == ["r2"]


@pytest.mark.usefixtures("unreachable_stack")
def test_status_and_collect_on_routers_that_do_not_answer_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--stack", "gk41"]) == 3
    assert capsys.readouterr().out.splitlines()[-2:] == REFUSED
    assert main(["collect", "--stack", "gk41", "--out", str(tmp_path / "c")]) == 3
    assert capsys.readouterr().out.splitlines() == [f"wrote {tmp_path / 'c'}: no router and index.txt", *REFUSED]
    assert (tmp_path / "c" / "index.txt").read_text().splitlines()[1] == OLDER_DEPLOYMENT


@pytest.mark.usefixtures("unreachable_stack")
def test_connect_to_a_router_the_stack_lacks_is_refused_naming_its_routers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["connect", "--stack", "gk41", "r9"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "error: connect r9: stack gk41 has no router 'r9'; its routers are r1, r2"
