"""A made-up lab for sweep tests: a ``LabDriver`` that records every call and measures what it is told."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components.ops.iperf import IperfReport
from components.ops.sweep.orchestration import Pair


@dataclass
class FakeLab:
    """Records ``set K=...`` and each measurement (as ``measure_call`` words it). A failure under
    ``set K=<k>`` is raised once, when K is set to k; one under ``measure K=<k>`` by every measurement at k.
    A lab says which routers it has, how it words a measurement and what it measures."""

    count: int
    active: int
    calls: list[str] = field(default_factory=list)
    failures: dict[str, BaseException] = field(default_factory=dict)

    def routers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def measure_call(self, pairs: Sequence[Pair], flows: int, seconds: int) -> str:
        raise NotImplementedError

    def reports(self, pairs: Sequence[Pair]) -> dict[Pair, IperfReport]:
        raise NotImplementedError

    def path_count(self) -> int:
        return self.count

    def active_paths(self) -> int:
        return self.active

    def set_active_paths(self, active: int) -> None:
        self.calls.append(f"set K={active}")
        if failure := self.failures.pop(f"set K={active}", None):
            raise failure
        self.active = active

    def measure(self, pairs: Sequence[Pair], flows: int, seconds: int) -> Mapping[Pair, IperfReport]:
        self.calls.append(self.measure_call(pairs, flows, seconds))
        if failure := self.failures.get(f"measure K={self.active}"):
            raise failure
        return self.reports(pairs)


def quiet(message: str) -> None:
    del message
