"""What the verbs that run or change a lab share: SIGTERM unwinds like Ctrl-C, and a namespace lab that
cannot run on this machine is refused with its reasons before anything is created."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise KeyboardInterrupt


def sigterm_as_interrupt() -> None:
    """From now on SIGTERM raises KeyboardInterrupt, so a stopped run still removes its namespaces or puts K back."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


def refused_here(reasons: Sequence[str]) -> bool:
    """True (having said why on stderr) when the network-namespace lab cannot run here: the verb then exits 2."""
    if reasons:
        print("error: the network-namespace lab cannot run here: " + "; ".join(reasons), file=sys.stderr)
    return bool(reasons)


def run_benchmark(missing: Sequence[str], measure: Callable[[], str], removed: str) -> int:
    """A benchmark verb: refused (2) where ``missing`` names what this machine lacks; else ``measure()``'s
    text on stdout (0), or, once an interrupt has unwound it, a word on what its lab ``removed`` (130)."""
    if refused_here(missing):
        return 2
    sigterm_as_interrupt()
    try:
        text = measure()
    except KeyboardInterrupt:
        print(f"interrupted; {removed} removed", file=sys.stderr)
        return 130
    sys.stdout.write(text)
    return 0
