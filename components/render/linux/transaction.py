"""The all-or-nothing frame the router shell scripts share: on any failure, undo this run."""

from __future__ import annotations

from collections.abc import Sequence


def rollback_on_failure(what: str, restore_lines: Sequence[str]) -> list[str]:
    """Shell lines that install an EXIT trap: a failing run prints why, runs ``restore_lines`` and
    keeps its exit status; every run removes its scratch directory ``$run_dir``."""
    return [
        "finish() {",
        "  status=$?",
        "  trap - EXIT INT TERM HUP",
        '  if [ "$status" -ne 0 ]; then',
        f'    echo "zt-ecmp: {what} failed (exit $status); restoring the state from before this run" >&2',
        "    set +e",
        *(f"    {line}" for line in restore_lines),
        "  fi",
        '  rm -rf "$run_dir"',
        '  exit "$status"',
        "}",
        "trap finish EXIT",
        "trap 'exit 130' INT TERM HUP",
    ]
