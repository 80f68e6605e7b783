"""How long planning takes as a lab grows: M sites x N paths, from stack settings to the full offline run.

A benchmark that prints figures, never a timed test. Each size is a committed stack file's first
router repeated M times (names site1..siteM, one underlay address each, unpinned) with N paths; what is timed
is what ``plan`` does: the offline run of the program (settings, plan, every rendered artefact,
every resource registered under mocks).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.preview.offline import run_offline
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import NAMESPACE

TEMPLATE_STACK = "gk41-sites"
SIZES: tuple[tuple[int, int], ...] = ((2, 8), (4, 8), (8, 8), (16, 1), (16, 2), (16, 4), (16, 8))


@dataclass(frozen=True)
class PlanTiming:
    routers: int
    paths: int
    resources: int
    seconds: float

    @property
    def per_instance_ms(self) -> float:
        """Milliseconds per instance (router x path): flat when planning grows linearly in M x N."""
        return self.seconds * 1000 / (self.routers * self.paths)

    @property
    def per_resource_ms(self) -> float:
        return self.seconds * 1000 / self.resources


def sized_settings(values: dict[str, Any], routers: int, paths: int) -> dict[str, Any]:
    """``values`` (a stack's settings) with its first router repeated ``routers`` times and ``paths`` paths."""
    grown = copy.deepcopy(values)
    template = grown[f"{NAMESPACE}:routers"][0]
    sites = []
    for number in range(1, routers + 1):
        site = copy.deepcopy(template)
        site["name"] = f"site{number}"
        site["ssh"]["host"] = f"192.0.2.{100 + number}"
        site["underlay"]["address"] = f"198.51.100.{number}/24"
        # Unpinned: the template's CPU list is sized for its own path count.
        site.pop("cpus", None)
        sites.append(site)
    grown[f"{NAMESPACE}:routers"] = sites
    grown[f"{NAMESPACE}:paths"] = {"count": paths, "active": paths}
    return grown


def time_plans(sizes: Sequence[tuple[int, int]] = SIZES, repeats: int = 3, project_dir: Path = PROJECT_DIR) -> list[PlanTiming]:
    """The fastest of ``repeats`` offline runs for each (M, N)."""
    project, values, secrets = load_stack_without_secrets(TEMPLATE_STACK, project_dir)
    timings = []
    for routers, paths in sizes:
        settings = sized_settings(values, routers, paths)
        best, resources = float("inf"), 0
        for _ in range(repeats):
            started = time.perf_counter()
            run = run_offline(project, f"bench-m{routers}-n{paths}", settings, secrets)
            best = min(best, time.perf_counter() - started)
            resources = len(run.resources)
        timings.append(PlanTiming(routers, paths, resources, best))
    return timings


def render_timings(timings: Sequence[PlanTiming]) -> str:
    """A Markdown table, and what to read in it: the resources grow as M x N, while each router's
    configuration holds a route to each of its M - 1 peers, so its text grows as M x N per router."""
    rows = [
        "| M routers | N paths | M x N | resources | plan, s | ms per instance | ms per resource |",
        "|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| {t.routers} | {t.paths} | {t.routers * t.paths} | {t.resources} | {t.seconds:.2f} | {t.per_instance_ms:.1f} "
        f"| {t.per_resource_ms:.1f} |"
        for t in timings
    ]
    return "\n".join(rows) + "\n"
