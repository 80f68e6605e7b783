"""What `pulumi up` would do between two versions of a stack's settings, decided the way the engine does.

Pulumi's mocks register resources but never diff them, so comparing two offline runs only says which
inputs changed. The engine then asks each provider whether it can apply the change in place, and adds
what the program's resource options say. This module replays that decision from what the providers'
source states:

- pulumi-docker (kreuzwerker/terraform-provider-docker, internal/provider/resource_docker_container.go):
  every container attribute is ForceNew except the few its Update applies (restart, max_retry_count,
  cpu_shares, memory, memory_swap, cpu_set); pulumi-docker's provider/resources.go asks for
  delete-before-replace on containers. resource_docker_image: a new name is a new image.
- pulumi-command (remote.Command): only ``triggers`` replaces; the SDK sends it as replaceOnChanges,
  which the offline run records with the other resource options.
- ZeroTier (zerotier/terraform-provider-zerotier): a member's network_id is ForceNew; networks update
  in place. A member's memberId replaces only because the program asks for it (replaceOnChanges).
- The engine (pulumi/pulumi pkg/resource/deploy/step_generator.go): a provider replaced delete-first
  takes every resource it manages with it (calculateDependentReplacements); an input built from the
  outputs of a replaced resource is unknown until that resource exists again, so it counts as changed.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from components.model.errors import InputError
from components.model.plan import LabPlan
from components.preview.offline import OfflineRun, RegisteredResource, revealed, run_stack_offline
from components.render.artefacts import rendered_artefacts
from components.stack.files import read_text_file

Change = Literal["create", "delete", "update", "replace", "replace, delete first", "same"]

# Per resource type: the inputs its provider changes in place. Any other changed input replaces the
# resource; types not listed update everything in place.
UPDATABLE_IN_PLACE: Mapping[str, frozenset[str]] = {
    "docker:index/container:Container": frozenset({"restart", "maxRetryCount", "cpuShares", "memory", "memorySwap", "cpuSet"}),
    "docker:index/remoteImage:RemoteImage": frozenset({"keepLocally", "forceRemove"}),
    "zerotier:index/member:Member": frozenset(
        {"memberId", "name", "description", "authorized", "ipAssignments", "noAutoAssignIps", "allowEthernetBridging", "hidden"}
    ),
}
# Types whose provider asks the engine to delete before it replaces (fixed names).
PROVIDER_DELETES_FIRST = frozenset({"docker:index/container:Container"})


# Why a resource is replaced when none of its own inputs forces it.
PROVIDER_REPLACED = "provider (replaced, delete first)"


@dataclass(frozen=True)
class ResourceChange:
    type: str
    name: str
    change: Change
    # The inputs that differ; for a replacement, the ones that force it (or why it is replaced).
    because: tuple[str, ...] = ()


def _changed_inputs(old: RegisteredResource, new: RegisteredResource) -> set[str]:
    keys = set(old.inputs) | set(new.inputs)
    return {key for key in keys if revealed(old.inputs.get(key)) != revealed(new.inputs.get(key))}


def _replace_on_changes(resource: RegisteredResource, changed: set[str]) -> set[str]:
    """Changed inputs named by the resource's replaceOnChanges option (``triggers[*]`` names ``triggers``)."""
    named = {path.split("[", 1)[0].split(".", 1)[0] for path in resource.replace_on_changes}
    return {key for key in changed if key in named or "*" in named}


def _provider_urn(reference: str) -> str:
    return reference.rsplit("::", 1)[0] if reference else ""


def in_dependency_order(resources: Sequence[RegisteredResource]) -> list[RegisteredResource]:
    """Each resource after everything it depends on (its provider included), ties broken by URN.

    The order in which a program registers resources varies from run to run; the engine's decisions
    follow the dependency graph."""
    by_urn = {resource.urn: resource for resource in resources}
    placed: set[str] = set()
    ordered: list[RegisteredResource] = []

    def place(resource: RegisteredResource) -> None:
        if resource.urn in placed:
            return
        placed.add(resource.urn)
        for urn in sorted({*resource.dependencies, _provider_urn(resource.provider)} - {""}):
            if urn in by_urn:
                place(by_urn[urn])
        ordered.append(resource)

    for resource in sorted(resources, key=lambda resource: resource.urn):
        place(resource)
    return ordered


def diff_runs(before: OfflineRun, after: OfflineRun) -> list[ResourceChange]:
    """Every resource of either run with what the engine would do to it, in dependency order.

    Component resources have no inputs a provider diffs: they are created, deleted or left as they are,
    and counted like the rest, so the totals match what ``plan`` counts."""
    old = {resource.urn: resource for resource in before.resources}
    changes: list[ResourceChange] = []
    replaced: set[str] = set()
    replaced_first: set[str] = set()
    for resource in in_dependency_order(after.resources):
        previous = old.get(resource.urn)
        if previous is None:
            changes.append(ResourceChange(resource.type, resource.name, "create"))
            continue
        if not resource.custom:
            changes.append(ResourceChange(resource.type, resource.name, "same"))
            continue
        changed = _changed_inputs(previous, resource)
        # Inputs made of a replaced resource's outputs are unknown until it exists again.
        changed |= {key for key, urns in resource.property_dependencies.items() if replaced.intersection(urns)}
        in_place = UPDATABLE_IN_PLACE.get(resource.type)
        forcing = {key for key in changed if in_place is not None and key not in in_place} | _replace_on_changes(resource, changed)
        if _provider_urn(resource.provider) in replaced_first:
            forcing.add(PROVIDER_REPLACED)
        if forcing:
            first = resource.delete_before_replace or resource.type in PROVIDER_DELETES_FIRST
            replaced.add(resource.urn)
            if first:
                replaced_first.add(resource.urn)
            changes.append(
                ResourceChange(
                    resource.type,
                    resource.name,
                    "replace, delete first" if first else "replace",
                    tuple(sorted(forcing)),
                )
            )
        elif changed:
            changes.append(ResourceChange(resource.type, resource.name, "update", tuple(sorted(changed))))
        else:
            changes.append(ResourceChange(resource.type, resource.name, "same"))
    kept = {resource.urn for resource in after.resources}
    changes += [ResourceChange(resource.type, resource.name, "delete") for urn, resource in sorted(old.items()) if urn not in kept]
    return changes


# Inputs as an operator would name them; any other input is named by its words (``ipAssignments``:
# "ip assignments").
INPUT_WORDS: Mapping[str, str] = {
    "create": "create script",
    "update": "update script",
    "delete": "delete script",
    "stdin": "standard input",
    "triggers": "triggers (the router it runs on)",
    "connection": "connection",
    "uploads": "files uploaded",
    "memberId": "node id",
    "networkId": "network",
    "ipAssignments": "addresses",
    "assignmentPools": "address pool",
    "flowRules": "flow rules",
    "cpuSet": "CPU set",
    "envs": "environment",
    PROVIDER_REPLACED: PROVIDER_REPLACED,
}


def input_words(name: str) -> str:
    if name in INPUT_WORDS:
        return INPUT_WORDS[name]
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name).lower()


def _reason(change: ResourceChange) -> str:
    words = ", ".join(input_words(name) for name in change.because)
    if change.change == "update":
        return f"{words} changed"
    if change.change in ("create", "delete"):
        return "new" if change.change == "create" else "gone from the stack"
    if change.because == (PROVIDER_REPLACED,):
        return "its provider is replaced, delete first"
    return f"{words} changed, which replaces it"


def artefact_diff(before: LabPlan, after: LabPlan, label: str) -> list[str]:
    """The changed lines of every file and script the routers receive, as unified diffs, and which are new or
    gone. They come from the rendered artefacts, which hold no secret by construction: the resources'
    own inputs may (a container's uploads are secret as a whole)."""
    old = {(artefact.router, artefact.file): artefact.text for artefact in rendered_artefacts(before)}
    new = {(artefact.router, artefact.file): artefact.text for artefact in rendered_artefacts(after)}
    lines: list[str] = []
    for router, file in sorted(old.keys() | new.keys()):
        name = f"{router}/{file}"
        if (router, file) not in old:
            lines.append(f"  new   {name}")
        elif (router, file) not in new:
            lines.append(f"  gone  {name}")
        elif old[router, file] != new[router, file]:
            diff = difflib.unified_diff(
                old[router, file].splitlines(),
                new[router, file].splitlines(),
                f"{name} ({label})",
                f"{name} (this working copy)",
                lineterm="",
                n=2,
            )
            lines += [f"  {line}" for line in diff]
    return ["", "Files and scripts that change", *lines] if lines else []


def _labels(shown: Sequence[ResourceChange]) -> dict[int, str]:
    """Each change's name, with its kind of resource where the name alone is ambiguous (``path1-r1``)."""
    names = Counter(change.name for change in shown)
    return {
        id(change): change.name if names[change.name] == 1 else f"{change.name} ({change.type.rsplit(':', 1)[-1].rsplit('/', 1)[-1]})"
        for change in shown
    }


def render_diff_text(changes: Sequence[ResourceChange], before: str, stack: str, plans: tuple[LabPlan, LabPlan] | None = None) -> str:
    """Each resource that changes, named with what changes in plain words; the counts (the same resources
    ``plan`` counts); then, given the two ``plans``, the changed lines of every file and script."""
    shown = [change for change in changes if change.change != "same"]
    width = max((len(change.change) for change in shown), default=0)
    labels = _labels(shown)
    lines = [f"zt-ecmp diff for stack {stack}: {before} -> this working copy"]
    for change in shown:
        lines.append(f"  {change.change.ljust(width)}  {labels[id(change)]}: {_reason(change)}")
    counts = {kind: sum(change.change == kind for change in changes) for kind in ("replace", "update", "create", "delete", "same")}
    counts["replace"] += sum(change.change == "replace, delete first" for change in changes)
    lines.append(
        f"{counts['replace']} to replace, {counts['update']} to update, {counts['create']} to create, "
        f"{counts['delete']} to delete, {counts['same']} unchanged ({len(changes)} resources, components included)"
    )
    if plans is not None:
        lines += artefact_diff(*plans, before)
    return "\n".join(lines) + "\n"


def _git(project_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise InputError("--before: comparing with a git revision needs git, which is not on PATH; give an earlier stack file instead")
    return subprocess.run([git, "-C", str(project_dir), *arguments], capture_output=True, text=True, check=False)


def _commit(before: str, project_dir: Path) -> str:
    """The commit ``before`` names. `--end-of-options` keeps a value such as ``--output=FILE`` from being
    read as one of git's options (git 2.24 and later); the answer is a hash, safe to pass on."""
    found = _git(project_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{before}^{{commit}}")
    commit = found.stdout.strip()
    if found.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise InputError(f"--before {before}: neither a file nor a git revision of {project_dir}; give a stack file or a commit, e.g. main")
    return commit


def stack_file_at(stack: str, before: str, project_dir: Path) -> tuple[str, str]:
    """(label, text) of ``Pulumi.<stack>.yaml`` as it was: ``before`` is a file or a git revision."""
    as_file = Path(before)
    if as_file.is_file():
        return str(as_file), read_text_file(as_file)
    commit = _commit(before, project_dir)
    shown = _git(project_dir, "show", f"{commit}:Pulumi.{stack}.yaml")
    if shown.returncode != 0:
        raise InputError(f"--before {before}: that revision holds no Pulumi.{stack}.yaml ({shown.stderr.strip()})")
    return f"{before}:Pulumi.{stack}.yaml", shown.stdout


def run_before(stack: str, before: str, project_dir: Path) -> tuple[str, OfflineRun]:
    """(label, offline run) of the stack as ``before`` had it, under this working copy's program."""
    label, text = stack_file_at(stack, before, project_dir)
    with tempfile.TemporaryDirectory(prefix="zt-ecmp-before-") as scratch:
        earlier = Path(scratch)
        shutil.copy(project_dir / "Pulumi.yaml", earlier / "Pulumi.yaml")
        (earlier / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")
        return label, run_stack_offline(stack, earlier)
