"""How long planning takes as a lab grows: M sites x N paths, from stack settings to the full offline run.

A benchmark that prints figures, never a timed test. Each size is a committed stack file's first
router repeated M times (names site1..siteM, one underlay address each, unpinned) with N paths; what is timed
is what ``plan`` does: the offline run of the program (settings, plan, every rendered artefact,
every resource registered under mocks).
"""

from __future__ import annotations

import copy
import functools
import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from components.infra.program import deploy
from components.infra.rolling import DRAINS
from components.model.settings import NAMESPACE
from components.preview.offline import LabMocks, OfflineRun, run_offline
from components.stack.files import PROJECT_DIR, load_stack_without_secrets

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


def time_plans(
    sizes: Sequence[tuple[int, int]] = SIZES,
    repeats: int = 5,
    project_dir: Path = PROJECT_DIR,
    run: Callable[..., OfflineRun] = run_offline,
) -> list[PlanTiming]:
    """The fastest of ``repeats`` samples of offline runs (``run``) for each (M, N), per run.

    A shared machine's speed drifts by a quarter within a minute and slows down in bursts, so:
    - the sizes take turns, one sample each per round, after one untimed run that loads every module,
      so that drift slows every size alike rather than the ones timed last;
    - a sample of a smaller lab is several runs, as many as make up the largest lab's instances, so
      that every sample lasts about as long: the fastest of short samples would catch quiet moments
      a long one never gets, and show growth that is not the program's;
    - between runs, untimed, what the last one left is collected, so that no run pays for the one
      before it, as no `zt-ecmp plan` does."""
    project, values, secrets = load_stack_without_secrets(TEMPLATE_STACK, project_dir)
    settings = {size: sized_settings(values, *size) for size in sizes}
    largest = max(routers * paths for routers, paths in sizes)
    batches = {(routers, paths): max(1, round(largest / (routers * paths))) for routers, paths in sizes}
    run(project, "bench-warm-up", sized_settings(values, 2, 1), secrets)
    best = dict.fromkeys(sizes, float("inf"))
    resources = dict.fromkeys(sizes, 0)
    for _ in range(repeats):
        for (routers, paths), values_of_size in settings.items():
            batch = batches[routers, paths]
            seconds = 0.0
            for _ in range(batch):
                started = time.perf_counter()
                done = run(project, f"bench-m{routers}-n{paths}", values_of_size, secrets)
                seconds += time.perf_counter() - started
                resources[routers, paths] = len(done.resources)
                del done
                gc.collect()
            best[routers, paths] = min(best[routers, paths], seconds / batch)
    return [PlanTiming(routers, paths, resources[routers, paths], best[routers, paths]) for routers, paths in settings]


def render_timings(timings: Sequence[PlanTiming]) -> str:
    """A Markdown table, and what to read in it: the resources grow as M x N, while each router's
    configuration holds a route to each of its M - 1 peers, so its text grows as M x N per router.
    Below it, how much dearer a resource of the largest lab is than one of the smallest."""
    rows = [
        "| M routers | N paths | M x N | resources | plan, s | ms per instance | ms per resource |",
        "|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| {t.routers} | {t.paths} | {t.routers * t.paths} | {t.resources} | {t.seconds:.2f} | {t.per_instance_ms:.1f} "
        f"| {t.per_resource_ms:.2f} |"
        for t in timings
    ]
    if len(timings) > 1:
        smallest, largest = min(timings, key=lambda t: t.resources), max(timings, key=lambda t: t.resources)
        growth = largest.per_resource_ms / smallest.per_resource_ms - 1
        rows += [
            "",
            f"ms per resource, {largest.routers} x {largest.paths} against {smallest.routers} x {smallest.paths}: {growth:+.0%}",
        ]
    return "\n".join(rows) + "\n"


# -- what the chain of drains and gates costs a first `pulumi up` ------------------------------------

# How long the engine's step for each kind of resource takes when it is created, for the first-up
# figures: a container's create, uploads and start through the Docker API over SSH; a command that
# runs its create over SSH; the image pulled once per router; the networks, members and identities
# through ZeroTier Central's API or locally. Drains and gates have no create: pulumi-command returns
# without connecting (provider/pkg/provider/remote/commandController.go), so theirs is an RPC alone.
FIRST_UP_STEP_SECONDS: Mapping[str, float] = {
    "docker:index/container:Container": 1.0,
    "command:remote:Command": 0.5,
    "docker:index/remoteImage:RemoteImage": 2.0,
    "zerotier:index/network:Network": 0.5,
    "zerotier:index/member:Member": 0.5,
    "zerotier:index/identity:Identity": 0.1,
}
NO_CREATE_STEP_SECONDS = 0.02


class TimedMocks(LabMocks):
    """Mocks whose every create takes as long as the engine's step for it: the Python SDK registers a
    resource once those it depends on are registered, so the wall time of the run follows the program's
    longest chain of dependencies, as a real first `pulumi up` does."""

    answers_at_once = False

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        runs_nothing = args.typ == "command:remote:Command" and "create" not in args.inputs
        time.sleep(NO_CREATE_STEP_SECONDS if runs_nothing else FIRST_UP_STEP_SECONDS.get(args.typ, 0.0))
        return super().new_resource(args)


@dataclass(frozen=True)
class FirstUpTiming:
    paths: int
    # The first `up` with the containers made side by side, and path after path between the drains and gates.
    side_by_side_seconds: float
    one_path_at_a_time_seconds: float


def first_up_settings(values: dict[str, Any], paths: int) -> dict[str, Any]:
    """``values`` (a two-router stack's settings) with Linux routers, instances on Docker, ``paths`` paths."""
    changed = copy.deepcopy(values)
    for router in changed[f"{NAMESPACE}:routers"]:
        router.update(flavor="linux")
        router["ssh"] = {**router["ssh"], "auth": "agent"}
        router.pop("cpus", None)
    changed[f"{NAMESPACE}:paths"] = {"count": paths}
    return changed


def time_first_ups(paths: Sequence[int] = (4, 8), project_dir: Path = PROJECT_DIR) -> list[FirstUpTiming]:
    """The first `up` of the gk41 stack on Linux routers, under TimedMocks, without and with the drains."""
    project, values, secrets = load_stack_without_secrets("gk41", project_dir)
    timings = []
    for count in paths:
        settings = first_up_settings(values, count)
        seconds = []
        for drains in ({}, DRAINS):
            started = time.perf_counter()
            run_offline(project, f"first-up-{count}", settings, secrets, functools.partial(deploy, drains=drains), mocks=TimedMocks())
            seconds.append(time.perf_counter() - started)
        timings.append(FirstUpTiming(count, seconds[0], seconds[1]))
    return timings


def render_first_ups(timings: Sequence[FirstUpTiming]) -> str:
    rows = [
        "| N paths | first up, containers side by side, s | first up, one path at a time, s | longer by, s |",
        "|---|---|---|---|",
    ]
    rows += [
        f"| {t.paths} | {t.side_by_side_seconds:.1f} | {t.one_path_at_a_time_seconds:.1f} | "
        f"{t.one_path_at_a_time_seconds - t.side_by_side_seconds:.1f} |"
        for t in timings
    ]
    return "\n".join(rows) + "\n"
