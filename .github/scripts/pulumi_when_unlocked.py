"""Run a Pulumi command, and run it again while Pulumi refuses it because the stack is locked.

A destroy joins no shared concurrency group: a group keeps one run waiting, and a newer waiting run
cancels it, so a destroy waiting there could be dropped and leave a lab up on the routers.
Instead it waits for the stack's own lock. Pulumi takes that lock for an update or a destroy and
refuses a second one while it is held, before changing anything, so trying again is safe. Any
other failure ends the wait at once, and so does the time limit, with a message saying what to do.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import timedelta

# How Pulumi says a stack is locked. File and bucket backends: "the stack is currently locked by
# N lock(s)" (pkg/backend/diy/lock.go). Pulumi Cloud: "[409] Conflict: Another update is currently
# in progress." (the same two texts pulumi.automation.errors maps to ConcurrentUpdateError).
LOCKED = ("the stack is currently locked by", "Another update is currently in progress")


def is_locked(output: str) -> bool:
    return any(text in output for text in LOCKED)


def run(command: Sequence[str]) -> tuple[int, str]:
    """Run the command with its output passed through to the log as it comes, and keep a copy."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
    return process.returncode, "".join(lines)


def duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def run_when_unlocked(command: Sequence[str], max_wait: float, interval: float) -> int:
    started = time.monotonic()
    while True:
        code, output = run(command)
        if code == 0 or not is_locked(output):
            return code
        waited = time.monotonic() - started
        if waited >= max_wait:
            print(
                f"::error::the stack was still locked after {duration(waited)}; Pulumi refused `{' '.join(command)}` every time. "
                "If an update of this stack is still running, run this job again once it has ended. If none is, "
                "an update that was stopped left its lock behind: clear it with `pulumi cancel`, then run this job again.",
                flush=True,
            )
            return code
        pause = min(interval, max_wait - waited)
        print(
            f"the stack is locked by another update; trying again in {duration(pause)} "
            f"(waited {duration(waited)} of at most {duration(max_wait)})",
            flush=True,
        )
        time.sleep(pause)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-wait", type=float, default=2 * 3600, help="seconds to wait for the lock in all (default: two hours)")
    parser.add_argument("--interval", type=float, default=30, help="seconds between tries (default: 30)")
    parser.add_argument("command", nargs="+", help="the Pulumi command, after --")
    args = parser.parse_args(argv)
    return run_when_unlocked(args.command, args.max_wait, args.interval)


if __name__ == "__main__":
    sys.exit(main())
