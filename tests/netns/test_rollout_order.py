"""The replay takes the engine's steps in the engine's order: each once those it waits for are done."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from components.netns.rollout import EngineChange, run_in_order


@dataclass(frozen=True)
class Step:
    type: str
    name: str
    change: str
    waits_for: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.type}::{self.name}"


def test_a_step_starts_only_once_the_steps_it_waits_for_are_done() -> None:
    steps = [Step("t", "gate", "update", ("t::container",)), Step("t", "container", "replace", ("t::drain",)), Step("t", "drain", "update")]
    order: list[str] = []
    run_in_order(steps, lambda step: order.append(step.name))
    assert order == ["drain", "container", "gate"]


def test_steps_that_wait_for_nothing_of_each_other_run_side_by_side() -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def run(_: EngineChange) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        with lock:
            running -= 1

    run_in_order([Step("t", f"container{index}", "replace") for index in range(4)], run)
    assert most == 4


def test_a_step_waiting_for_a_resource_that_does_not_change_does_not_wait() -> None:
    order: list[str] = []
    run_in_order([Step("t", "apply", "update", ("t::unchanged",))], lambda step: order.append(step.name))
    assert order == ["apply"]


def test_steps_waiting_for_each_other_are_refused() -> None:
    steps = [Step("t", "a", "update", ("t::b",)), Step("t", "b", "update", ("t::a",))]
    with pytest.raises(RuntimeError, match="steps wait for each other"):
        run_in_order(steps, lambda step: None)
