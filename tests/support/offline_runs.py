"""Offline runs of the real program for tests, and comparisons between two runs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.preview.offline import OfflineRun, RegisteredResource, revealed, run_offline
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from tests.support.stacks import docker_routers

CONTAINER = "docker:index/container:Container"
NETWORK = "zerotier:index/network:Network"
MEMBER = "zerotier:index/member:Member"
IDENTITY = "zerotier:index/identity:Identity"
DOCKER_PROVIDER = "pulumi:providers:docker"
IMAGE = "docker:index/remoteImage:RemoteImage"


# Every run so far, by its arguments: run_offline is a function of them alone (the program under
# Pulumi's mocks, whose outputs are derived from resource names), so a run asked for again is the one
# already made. Shared between tests: what these functions return is never changed.
_RUNS: dict[str, OfflineRun] = {}


def cached_run(project: str, stack: str, values: dict[str, Any], secrets: set[str] | frozenset[str] = frozenset()) -> OfflineRun:
    """``run_offline`` of the lab program, made once per test session for each set of arguments."""
    key = json.dumps([project, stack, values, sorted(secrets)], sort_keys=True)
    if key not in _RUNS:
        _RUNS[key] = run_offline(project, stack, values, secrets)
    return _RUNS[key]


def stack_run(stack: str, project_dir: Path = PROJECT_DIR, overrides: Mapping[str, Any] | None = None) -> OfflineRun:
    """``run_stack_offline``, made once per test session for each stack file as it reads now (and overrides)."""
    project, values, secrets = load_stack_without_secrets(stack, project_dir, overrides)
    return cached_run(project, stack, values, secrets)


def changed_run(stack: str, **overrides: Any) -> OfflineRun:
    """The committed stack file with some ``zt-ecmp:`` settings replaced (none: the committed stack)."""
    return stack_run(stack, PROJECT_DIR, overrides)


def committed_run(stack: str) -> OfflineRun:
    return changed_run(stack)


def docker_run(stack: str) -> OfflineRun:
    """The committed stack with its instances on Docker engines (VyOS routers with Docker installed)."""
    return changed_run(stack, routers=docker_routers(stack))


def changed_docker_run(stack: str, **overrides: Any) -> OfflineRun:
    return changed_run(stack, **{"routers": docker_routers(stack), **overrides})


def by_urn(run: OfflineRun) -> dict[str, RegisteredResource]:
    return {resource.urn: resource for resource in run.resources}


def diff_runs(before: OfflineRun, after: OfflineRun) -> tuple[set[str], set[str], set[str]]:
    """(created, deleted, changed) resource names as ``type::name``."""
    old, new = by_urn(before), by_urn(after)

    def label(urn: str) -> str:
        resource = new.get(urn) or old[urn]
        return f"{resource.type}::{resource.name}"

    created = {label(urn) for urn in new.keys() - old.keys()}
    deleted = {label(urn) for urn in old.keys() - new.keys()}
    changed = {label(urn) for urn in new.keys() & old.keys() if revealed(new[urn].inputs) != revealed(old[urn].inputs)}
    return created, deleted, changed


def upload(container: RegisteredResource, file: str) -> Any:
    uploads = revealed(container.inputs["uploads"])
    matches = [item for item in uploads if item["file"] == f"/var/lib/zerotier-one/{file}"]
    assert len(matches) == 1, f"{file} uploaded {len(matches)} times"
    return matches[0]
