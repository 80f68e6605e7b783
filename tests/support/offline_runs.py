"""Offline runs of the real program for tests, and comparisons between two runs."""

from __future__ import annotations

from functools import cache
from typing import Any

from components.preview.offline import OfflineRun, RegisteredResource, revealed, run_stack_offline
from tests.support.stacks import docker_routers

CONTAINER = "docker:index/container:Container"
NETWORK = "zerotier:index/network:Network"
MEMBER = "zerotier:index/member:Member"
IDENTITY = "zerotier:index/identity:Identity"
DOCKER_PROVIDER = "pulumi:providers:docker"
IMAGE = "docker:index/remoteImage:RemoteImage"


@cache
def committed_run(stack: str) -> OfflineRun:
    return run_stack_offline(stack)


def changed_run(stack: str, **overrides: Any) -> OfflineRun:
    return run_stack_offline(stack, overrides=overrides)


@cache
def docker_run(stack: str) -> OfflineRun:
    """The committed stack with its instances on Docker engines (VyOS routers with Docker installed)."""
    return run_stack_offline(stack, overrides={"routers": docker_routers(stack)})


def changed_docker_run(stack: str, **overrides: Any) -> OfflineRun:
    return run_stack_offline(stack, overrides={"routers": docker_routers(stack), **overrides})


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
