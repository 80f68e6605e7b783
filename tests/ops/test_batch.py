"""A router's commands as one script: run by a POSIX shell here as a router's would, each answer read
back whole, whatever it holds, each command stopped on the router at its timeout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from components.ops import batch
from components.ops.batch import Answer, Batch


def answered(script: Batch, login_says: bytes = b"") -> dict[str, Answer]:
    """The script run by sh (what `sh -s` does on a router), with ``login_says`` printed before it."""
    done = subprocess.run(["sh", "-s"], input=script.text.encode(), capture_output=True, check=True, timeout=60)
    return script.read(login_says + done.stdout)


def test_each_command_answers_with_its_own_exit_status_output_and_error_output() -> None:
    script = Batch(("echo one", "printf 'two'; echo complaint >&2; exit 3", "cat /nonexistent/file"), timeout=10)
    answers = answered(script)
    assert answers["echo one"] == Answer(0, b"one\n", b"")
    assert answers["printf 'two'; echo complaint >&2; exit 3"] == Answer(3, b"two", b"complaint\n")
    missing = answers["cat /nonexistent/file"]
    assert missing.returncode == 1 and b"No such file or directory" in missing.stderr


def test_an_answer_holding_newlines_blank_lines_and_header_like_lines_is_read_whole() -> None:
    tricky = "printf 'a\\n\\n%s 2 0 0 0\\nb' zt-ecmp-0000"
    script = Batch((tricky, "echo after"), timeout=10)
    answers = answered(script)
    assert answers[tricky].stdout == b"a\n\nzt-ecmp-0000 2 0 0 0\nb"
    assert answers["echo after"].stdout == b"after\n"


def test_what_a_login_prints_before_the_script_is_skipped() -> None:
    script = Batch(("echo answer",), timeout=10)
    assert answered(script, login_says=b"Welcome to VyOS\nlast login: yesterday\n")["echo answer"].stdout == b"answer\n"


def test_a_command_past_its_timeout_is_stopped_on_the_router_and_says_so() -> None:
    script = Batch(("sleep 30", "echo quick"), timeout=1)
    answers = answered(script)
    assert answers["sleep 30"].returncode in batch.TIMED_OUT_STATUSES
    assert answers["echo quick"] == Answer(0, b"quick\n", b"")


def test_commands_run_at_once_but_never_more_than_the_limit(tmp_path: Path) -> None:
    log = f"{tmp_path}/log"
    commands = tuple(f"echo start >>{log}; sleep 1; echo end >>{log}; : {number}" for number in range(batch.PARALLEL + 4))
    answered(Batch(commands, timeout=30))
    running, most = 0, 0
    for line in Path(log).read_text().split():
        running += 1 if line == "start" else -1
        most = max(most, running)
    assert 1 < most <= batch.PARALLEL


def test_an_answer_cut_short_is_left_out_and_those_before_it_kept() -> None:
    script = Batch(("echo one", "echo two"), timeout=10)
    done = subprocess.run(["sh", "-s"], input=script.text.encode(), capture_output=True, check=True, timeout=60)
    cut = done.stdout[: done.stdout.rindex(b"two")]
    assert list(script.read(cut)) == ["echo one"]


def test_output_without_the_scripts_boundary_holds_no_answer() -> None:
    assert Batch(("echo one",), timeout=10).read(b"sh: 1: xargs: not found\n") == {}


def test_each_script_has_its_own_boundary_and_a_command_holding_it_is_refused() -> None:
    first, second = Batch(("true",), 10), Batch(("true",), 10)
    assert first.boundary != second.boundary
    with pytest.raises(ValueError, match="boundary"):
        Batch(("cat <<EOF\nzt-ecmp-x\nEOF",), 10, boundary="zt-ecmp-x")
