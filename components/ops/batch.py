"""A router's commands as one shell script, and each command's answer read back from its framed output.

One script per router and run: it writes each command to a file of a temporary directory on the
router, runs them ``PARALLEL`` at a time, each under coreutils' ``timeout`` (stopped on the router, not
only abandoned here), and then prints, command by command, a header line and the command's standard
output and error as they were, byte for byte:

    <boundary> <index> <exit status> <stdout bytes> <stderr bytes>

The boundary is random per script, so nothing a command prints can pass for a header, and the byte
counts say where each answer ends whatever it holds. Each command runs under the login shell again
(``$SHELL -c``), as sshd runs a command it is given (openssh-portable session.c, do_child: the user's
shell with ``-c`` and the command), so a command answers in the batch exactly as it did alone: on VyOS
that shell is vbash. POSIX sh, xargs (``-P``, GNU findutils and BusyBox alike), mktemp, wc and
timeout: what Debian, and so VyOS, has in its essential packages.
"""

from __future__ import annotations

import math
import secrets
import shlex
from dataclasses import dataclass, field

# Commands running at once on a router. The heavy ones are the container runtime's exec (a podman or
# docker process each, about 40 on an eight-path VyOS router): eight keep a router's cores busy
# without queueing behind each other, and bound what a lab tool costs a router carrying traffic.
PARALLEL = 8
# After its timeout a command gets TERM, then KILL this much later (timeout -k).
KILL_AFTER_SECONDS = 2
# What timeout(1) exits with when it stopped the command: 124 (TERM), 128 + 9 (KILL after -k).
TIMED_OUT_STATUSES = (124, 137)
# The script's own exit status when it could not make its directory.
NO_WORK_DIRECTORY = 97
# A command the script never got to (its `rc` file missing): no exit status a command can have.
NOT_RUN = -1


@dataclass(frozen=True)
class Answer:
    """One command's answer as the router framed it."""

    returncode: int
    stdout: bytes
    stderr: bytes


@dataclass(frozen=True)
class Batch:
    commands: tuple[str, ...]
    # Seconds each command may run on the router.
    timeout: float
    boundary: str = field(default_factory=lambda: f"zt-ecmp-{secrets.token_hex(12)}")

    def __post_init__(self) -> None:
        if any(line == self.boundary for command in self.commands for line in command.splitlines()):
            raise ValueError("a command holds the batch's boundary line")

    @property
    def wall_seconds(self) -> float:
        """The longest the whole script can take: every round of PARALLEL commands at its timeout, plus a margin."""
        rounds = math.ceil(len(self.commands) / PARALLEL)
        return rounds * (self.timeout + KILL_AFTER_SECONDS) + 30

    @property
    def text(self) -> str:
        timeout = f"{self.timeout:g}"
        count = len(self.commands)
        # $1: the directory, $2: the command's number (appended by xargs).
        one = (
            f'timeout -k {KILL_AFTER_SECONDS} {timeout} "${{SHELL:-/bin/sh}}" -c "$(cat "$1/$2")" '
            '</dev/null >"$1/$2.out" 2>"$1/$2.err"; echo "$?" >"$1/$2.rc"'
        )
        lines = [
            f"# zt-ecmp: {count} commands, {PARALLEL} at a time, each stopped after {timeout} s; answers framed by {self.boundary}",
            "set -u",
            f"work=$(mktemp -d) || exit {NO_WORK_DIRECTORY}",
            "trap 'rm -rf \"$work\"' EXIT",
            "trap 'exit 129' HUP",
            "trap 'exit 130' INT",
            "trap 'exit 143' TERM",
        ]
        for number, command in enumerate(self.commands, start=1):
            lines += [f"cat >\"$work/{number}\" <<'{self.boundary}'", command, self.boundary]
        lines += [
            "i=1",
            f'while [ "$i" -le {count} ]; do echo "$i"; i=$((i + 1)); done |',
            f'  xargs -n 1 -P {PARALLEL} sh -c {shlex.quote(one)} zt-ecmp-batch "$work"',
            "i=1",
            f'while [ "$i" -le {count} ]; do',
            f"  printf '%s %s %s %s %s\\n' {self.boundary} \"$i\" "
            '"$(cat "$work/$i.rc" 2>/dev/null || echo x)" '
            '"$(wc -c <"$work/$i.out" 2>/dev/null || echo 0)" "$(wc -c <"$work/$i.err" 2>/dev/null || echo 0)"',
            '  cat "$work/$i.out" "$work/$i.err" 2>/dev/null',
            "  i=$((i + 1))",
            "done",
        ]
        return "\n".join(lines) + "\n"

    def read(self, stdout: bytes) -> dict[str, Answer]:
        """Each command's answer, by command, as far as the output holds whole answers (a connection lost
        half-way leaves the rest out)."""
        marker = self.boundary.encode() + b" "
        # Whatever a login prints before the script's own output (a banner from a shell's startup file) is skipped.
        if stdout.startswith(marker):
            position = 0
        elif (found := stdout.find(b"\n" + marker)) >= 0:
            position = found + 1
        else:
            return {}
        answers: dict[str, Answer] = {}
        for number, command in enumerate(self.commands, start=1):
            end = stdout.find(b"\n", position)
            if not stdout.startswith(marker, position) or end < 0:
                break
            fields = stdout[position:end].split()
            if len(fields) != 5 or fields[1] != str(number).encode() or not (fields[3].isdigit() and fields[4].isdigit()):
                break
            out_bytes, err_bytes = int(fields[3]), int(fields[4])
            body = end + 1
            if len(stdout) < body + out_bytes + err_bytes:
                break
            returncode = int(fields[2]) if fields[2].isdigit() else NOT_RUN
            answers[command] = Answer(returncode, stdout[body : body + out_bytes], stdout[body + out_bytes : body + out_bytes + err_bytes])
            position = body + out_bytes + err_bytes
        return answers
