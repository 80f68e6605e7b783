"""Counting the Outputs a piece of a program makes: what the Python SDK does per Output is the cost of a plan."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pulumi


@dataclass
class OutputCount:
    made: int = 0


@contextlib.contextmanager
def counting_outputs() -> Iterator[OutputCount]:
    """Every Output made within is counted (the SDK tracks each one it makes: pulumi/output.py ``_track``)."""
    count = OutputCount()
    track = pulumi.Output._track

    def counting(self: pulumi.Output[object]) -> None:
        count.made += 1
        track(self)

    pulumi.Output._track = counting  # type: ignore[method-assign]
    try:
        yield count
    finally:
        pulumi.Output._track = track  # type: ignore[method-assign]
