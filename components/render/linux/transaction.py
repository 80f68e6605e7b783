"""The all-or-nothing frame the router shell scripts share: the router's lock, and on any failure, undo this run."""

from __future__ import annotations

from collections.abc import Sequence

from components.render.linux import PROGRAMS

# How long a run waits for another one on the same router before it gives up, naming the holder. An
# apply holds the lock for seconds (it waits for its paths before taking it); longer means a run is
# stuck, and the operator is better told than kept waiting.
LOCK_WAIT_SECONDS = 120


def lock_functions(wait_seconds: int = LOCK_WAIT_SECONDS) -> list[str]:
    """``take_lock``, ``try_lock`` and ``release_lock`` on the router's lock (lock-functions.sh); the
    script must set ``state_dir`` first."""
    return PROGRAMS.lines("lock-functions.sh", LOCK_WAIT_SECONDS=str(wait_seconds))


def router_lock(what: str, wait_seconds: int = LOCK_WAIT_SECONDS) -> list[str]:
    """Shell lines that take the router's lock for the rest of the run (a no-op where the script holds
    it already) and turn every signal into an exit, whose trap releases it. ``what`` describes the
    run to one that has to wait for it."""
    if "'" in what:
        raise ValueError(f"a run's description goes between single quotes and may hold none: {what!r}")
    return PROGRAMS.lines("lock.sh", FUNCTIONS=lock_functions(wait_seconds), WHAT=what)


def rollback_on_failure(what: str, restore_lines: Sequence[str], *, take_lock: bool = True) -> list[str]:
    """Shell lines that hold the router's lock and install an EXIT trap: a failing run prints why,
    runs ``restore_lines`` and keeps its exit status (unless it set ``committed=yes``); every run
    removes its scratch directory ``$run_dir`` and releases the lock, a killed one included.
    ``take_lock=False`` where the script took the lock earlier (``router_lock``)."""
    lock = router_lock(f"zt-ecmp {what}") if take_lock else []
    return PROGRAMS.lines("rollback.sh", LOCK=lock, WHAT=what, RESTORE=restore_lines)
