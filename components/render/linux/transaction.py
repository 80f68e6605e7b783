"""The all-or-nothing frame the router shell scripts share: on any failure, undo this run."""

from __future__ import annotations

from collections.abc import Sequence

from components.render.linux import PROGRAMS


def rollback_on_failure(what: str, restore_lines: Sequence[str]) -> list[str]:
    """Shell lines that install an EXIT trap: a failing run prints why, runs ``restore_lines`` and
    keeps its exit status; every run removes its scratch directory ``$run_dir``."""
    return PROGRAMS.lines("rollback.sh", WHAT=what, RESTORE=restore_lines)
