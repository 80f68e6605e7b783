"""Option values checked as argparse reads them, so that every one is refused before any work starts.

argparse names the option as the user typed it (``argument --flows: 0 is out of range; ...``) and
exits with status 2; the messages here give the value and what would be valid.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

# iperf3 refuses more parallel streams than this ("number of parallel streams too large (maximum =
# 128)", iperf3 3.12's parameter check of -P).
IPERF3_MAX_STREAMS = 128


def _span(low: float, high: float | None, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    return f"{low:g}{suffix} or more" if high is None else f"{low:g}..{high:g}{suffix}"


def whole_number(low: int, high: int | None = None, unit: str = "") -> Callable[[str], int]:
    """An ``int`` option between ``low`` and ``high`` (inclusive; no upper bound when None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give {_span(low, high, unit)}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {_span(low, high, unit)}")
        return value

    return parse


def positive_number(high: float | None = None, unit: str = "", *, below: float | None = None) -> Callable[[str], float]:
    """A ``float`` option above 0, at most ``high`` (or strictly below ``below``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        suffix = f" {unit}" if unit else ""
        valid = (
            f"a number above 0 and below {below:g}{suffix}"
            if below is not None
            else (f"a number above 0{suffix}" if high is None else f"a number above 0 and up to {high:g}{suffix}")
        )
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a number; give {valid}")
        if value <= 0 or (high is not None and value > high) or (below is not None and value >= below):
            raise argparse.ArgumentTypeError(f"{value:g} is out of range; give {valid}")
        return value

    return parse


def port_number(text: str) -> int:
    return whole_number(1, 65535)(text)


def output_folder(text: str) -> Path:
    """A folder to write into: it may be missing (it is then created), but it must not be a file."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file; name a folder (it is created if missing)")
    return path
