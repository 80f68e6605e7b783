"""Routers that answer from recordings: one text file per command, named after the command.

A case is a folder under tests/ops/recordings/. Each command's standard output is
``<slug of the command>.txt`` (``ip -j link show`` is ``ip-j-link-show.txt``; see tests/support/goldens.py's
``slug``; a slug longer than ``LONGEST_STEM`` is cut and ends with a hash of the command); a command
that failed also has ``<slug>.exit.txt`` (its exit status) and, where it complained, ``<slug>.stderr.txt``.
``recorded("gk41-r1-vyos", "gk41-r1-route-none")`` reads the cases in order, a later one replacing the
answers it also holds, so a failure case holds only what breaks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput
from tests.support.goldens import slug

RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
STDOUT, EXIT, STDERR = ".txt", ".exit.txt", ".stderr.txt"
# A file name holds at most 255 bytes: a longer slug keeps its start and ends with a hash of the command.
LONGEST_STEM = 200


def stem(command: str) -> str:
    """The name of ``command``'s recording files, without their ending."""
    named = slug(command)
    if len(named) <= LONGEST_STEM:
        return named
    return f"{named[:160].rstrip('-')}-{hashlib.sha256(command.encode()).hexdigest()[:16]}"


def recording_file(case: str, command: str) -> Path:
    """Where ``command``'s standard output is recorded in ``case``."""
    return RECORDINGS_DIR / case / f"{stem(command)}{STDOUT}"


def _read_case(case: str) -> dict[str, CommandOutput]:
    folder = RECORDINGS_DIR / case
    if not folder.is_dir():
        raise FileNotFoundError(f"no recorded case {case!r}: {folder} does not exist")
    # A slug holds no dot, so the first dot ends the command's part of a file name.
    parts = [path.name.partition(".") for path in folder.iterdir()]
    if stray := sorted(stem + dot + kind for stem, dot, kind in parts if dot + kind not in (STDOUT, EXIT, STDERR)):
        raise ValueError(f"{folder}: not a recording: {', '.join(stray)}")
    names = {stem + dot + kind for stem, dot, kind in parts}
    stems = {stem for stem, _, _ in parts}
    answers = {}
    for stem in sorted(stems):
        if f"{stem}{STDOUT}" not in names:
            raise ValueError(f"{folder}: {stem} has an exit status or error output but no {stem}{STDOUT}")
        exit_file, stderr_file = folder / f"{stem}{EXIT}", folder / f"{stem}{STDERR}"
        answers[stem] = CommandOutput(
            int(exit_file.read_text()) if exit_file.exists() else 0,
            (folder / f"{stem}{STDOUT}").read_text(),
            stderr_file.read_text() if stderr_file.exists() else "",
        )
    return answers


@dataclass(frozen=True)
class Recording(Mapping[str, CommandOutput]):
    """A router's answers, keyed by file name: any command line finds the answer its slug names."""

    cases: tuple[str, ...]
    by_file: Mapping[str, CommandOutput]

    def __getitem__(self, command: str) -> CommandOutput:
        try:
            return self.by_file[stem(command)]
        except KeyError:
            raise KeyError(f"no recorded answer for {command!r} in {', '.join(self.cases)} ({stem(command)}{STDOUT})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_file)

    def __len__(self) -> int:
        return len(self.by_file)

    def answering(self, command: str, output: CommandOutput) -> Recording:
        """The same router with one answer replaced, for a test's own variation."""
        return Recording(self.cases, {**self.by_file, stem(command): output})


def recorded(*cases: str) -> Recording:
    by_file: dict[str, CommandOutput] = {}
    for case in cases:
        by_file.update(_read_case(case))
    return Recording(cases, by_file)


@dataclass
class RecordedShell:
    """A router that answers from recorded outputs, and refuses any command nobody recorded. With an
    ``unreachable`` error it cannot be reached: ``connect`` says so, and nothing may be asked."""

    router: str
    answers: Mapping[str, CommandOutput]
    zerotier_absent: str | None = None
    underlay_absent: str | None = None
    asked: list[str] = field(default_factory=list)
    unreachable: str | None = None
    address: str = "recorded"
    # How many times it was asked commands at once (``run_all``).
    batches: int = 0

    def connect(self) -> str | None:
        return self.unreachable

    def run_all(self, commands: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, CommandOutput]:
        self.batches += 1
        return {command: self.run(command, timeout=timeout) for command in dict.fromkeys(commands)}

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        if self.unreachable is not None:
            raise AssertionError(f"{self.router} is unreachable, yet it was asked {command!r}")
        self.asked.append(command)
        try:
            return self.answers[command]
        except KeyError:
            raise AssertionError(f"{self.router}: no recorded answer for {command!r}") from None

    def start(self, command: str) -> Any:
        raise AssertionError(f"{self.router}: nothing runs in the background in a recording ({command!r})")
