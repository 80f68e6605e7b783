"""The frame every Linux script runs in, run for real in sh: the router's lock, and the cleanup that
follows every end of a run, a signal included (rollback.sh, lock.sh). The state root is a temporary
folder; nothing here needs root."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from components.render.linux.transaction import rollback_on_failure, router_lock

pytestmark = pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed")


def script(tmp_path: Path, *body: str, lock: list[str] | None = None) -> str:
    """A run of stack ``s``: its lock, a scratch directory, the rollback frame (restoring writes
    ``restored``), then ``body``."""
    frame = rollback_on_failure("apply", [f"echo restored > {tmp_path}/restored"], take_lock=lock is None)
    return "\n".join(
        [
            "set -eu",
            f"state_dir={tmp_path}/root/s",
            *(lock or []),
            f'run_dir=$(mktemp -d "{tmp_path}/zt-ecmp-apply.XXXXXX")',
            *frame,
            *body,
            "",
        ]
    )


def lock_is_free(tmp_path: Path) -> bool:
    return subprocess.run(["flock", "-n", str(tmp_path / "root"), "true"], check=False).returncode == 0


def scratch(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in tmp_path.glob("zt-ecmp-apply.*"))


def test_a_run_ended_by_sighup_removes_its_scratch_directory_restores_and_releases_the_lock(tmp_path: Path) -> None:
    done = subprocess.run(["sh", "-c", script(tmp_path, "kill -HUP $$", "sleep 5")], capture_output=True, text=True, check=False)
    assert done.returncode == 129
    assert "zt-ecmp: apply failed (exit 129); restoring the state from before this run" in done.stderr
    assert (tmp_path / "restored").exists()
    assert scratch(tmp_path) == []
    assert lock_is_free(tmp_path)
    assert not (tmp_path / "root/.running").exists()


def test_a_run_whose_ssh_channel_is_gone_dies_of_sigpipe_and_still_cleans_up(tmp_path: Path) -> None:
    # `true` reads nothing and exits: the run's next write raises SIGPIPE, as a dead SSH channel does.
    run = script(tmp_path, "while :; do echo converging; done")
    (tmp_path / "run.sh").write_text(run)
    done = subprocess.run(["sh", "-c", f"sh {tmp_path}/run.sh | true"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert (tmp_path / "restored").exists()
    assert scratch(tmp_path) == []
    assert lock_is_free(tmp_path)


def test_a_committed_run_that_loses_its_last_line_restores_nothing(tmp_path: Path) -> None:
    done = subprocess.run(["sh", "-c", script(tmp_path, "committed=yes", "kill -PIPE $$")], capture_output=True, text=True, check=False)
    assert done.returncode == 141
    assert not (tmp_path / "restored").exists()
    assert scratch(tmp_path) == []


def test_a_second_run_waits_for_the_first_and_says_what_holds_the_router(tmp_path: Path) -> None:
    first = subprocess.Popen(
        ["sh", "-c", script(tmp_path, "sleep 2", lock=router_lock("apply of zt-ecmp stack s on r1"))], stderr=subprocess.PIPE, text=True
    )
    while not (tmp_path / "root/.running").exists():
        time.sleep(0.05)
    second = subprocess.run(
        ["sh", "-c", script(tmp_path, "echo second ran", lock=router_lock("undo of zt-ecmp stack s on r1"))],
        capture_output=True,
        text=True,
        check=False,
    )
    first.communicate()
    assert first.returncode == 0 and second.returncode == 0
    assert second.stdout == "second ran\n"
    waiting = second.stderr.splitlines()[0]
    assert waiting.startswith(f"zt-ecmp: another run holds {tmp_path}/root (apply of zt-ecmp stack s on r1, pid {first.pid}, since ")
    assert waiting.endswith("); waiting up to 120 s")


def test_a_run_waits_only_so_long_then_gives_up_naming_the_holder(tmp_path: Path) -> None:
    holder = script(tmp_path, "sleep 5", lock=router_lock("apply of zt-ecmp stack s on r1"))
    first = subprocess.Popen(["sh", "-c", holder], start_new_session=True)
    while not (tmp_path / "root/.running").exists():
        time.sleep(0.05)
    second = subprocess.run(
        ["sh", "-c", script(tmp_path, "echo second ran", lock=router_lock("undo of zt-ecmp stack s on r1", wait_seconds=1))],
        capture_output=True,
        text=True,
        check=False,
    )
    # Killed with everything it started, as a run whose engine and SSH session died is.
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert second.returncode == 1
    assert second.stdout == ""
    assert f"is still held after 1 s (apply of zt-ecmp stack s on r1, pid {first.pid}, since " in second.stderr
    # The kernel releases the dead run's lock once its last process is gone (the killed group dies
    # a moment after the signal): nothing stale is left to block the next run.
    deadline = time.monotonic() + 5
    while not lock_is_free(tmp_path):
        assert time.monotonic() < deadline, "the lock of a killed run was never released"
        time.sleep(0.05)
