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

Where an instance must restart, the diff says which and why, and how: on a Docker engine its container
is replaced, one path at a time where a Linux router drains the path (components/infra/rolling.py),
else all at once; on VyOS's own containers, a changed ``container name`` subtree restarts at the
router's commit (vyos-1x src/conf_mode/container.py: ``get_config`` marks every container whose
subtree changed, ``is_node_changed``, and ``apply`` runs ``systemctl restart`` for each in turn), a new
image restarts them one path at a time after the commit (the containers name the lab's own tags, which
the apply script moves path by path, components/render/vyos/programs/roll-images.vbash), and
a rewritten home file restarts its container when it is written (components/infra/vyos_router.py).
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
from typing import Any, Literal

from components.model.errors import InputError
from components.model.naming import (
    COMMAND,
    CONTAINER,
    INSTANCE_RESOURCE,
    MEMBER,
    REMOTE_IMAGE,
    ZEROTIER_HOME,
    drain_resource,
    instance_name,
)
from components.model.plan import LabPlan
from components.model.settings import NAMESPACE
from components.preview.offline import OfflineRun, RegisteredResource, revealed, run_offline, run_stack_offline
from components.render.artefacts import rendered_artefacts
from components.stack.files import read_text_file

Change = Literal["create", "delete", "update", "replace", "replace, delete first", "same"]

# Per resource type: the inputs its provider changes in place. Any other changed input replaces the
# resource; types not listed update everything in place.
UPDATABLE_IN_PLACE: Mapping[str, frozenset[str]] = {
    CONTAINER: frozenset({"restart", "maxRetryCount", "cpuShares", "memory", "memorySwap", "cpuSet"}),
    REMOTE_IMAGE: frozenset({"keepLocally", "forceRemove"}),
    MEMBER: frozenset(
        {"memberId", "name", "description", "authorized", "ipAssignments", "noAutoAssignIps", "allowEthernetBridging", "hidden"}
    ),
}
# Types whose provider asks the engine to delete before it replaces (fixed names).
PROVIDER_DELETES_FIRST = frozenset({CONTAINER})


# Why a resource is replaced when none of its own inputs forces it.
PROVIDER_REPLACED = "provider (replaced, delete first)"


# How an instance restarts, by runtime and what changes it.
ROLLING = "one path at a time: each path leaves every Linux router's routes until its instances have rejoined it"
AT_ONCE = "all at once: no Linux router takes a path out of its routes while its instances restart"
AT_COMMIT = "at {router}'s commit, each right after the other: VyOS restarts every container whose configuration changed"
AFTER_COMMIT = (
    "one path at a time after {router}'s commit: each container moves to the new image once the previous path's instance has rejoined"
)
WHEN_WRITTEN = "on {router} when the file is written, each right after the other, without waiting for a path to rejoin"


@dataclass(frozen=True)
class InstanceRestart:
    """An instance that will restart: which, why (what changes) and how (with the others of its kind)."""

    router: str
    path: int
    why: tuple[str, ...]
    how: str

    @property
    def line(self) -> str:
        return f"restarts: {self.router}-path{self.path} ({'; '.join(self.why)})"


@dataclass(frozen=True)
class ResourceChange:
    type: str
    name: str
    change: Change
    # The inputs that differ; for a replacement, the ones that force it (or why it is replaced).
    because: tuple[str, ...] = ()
    # The instances this change restarts: a replaced container's own, a VyOS commit's or home file's.
    restarts: tuple[InstanceRestart, ...] = ()
    # The changed resources (``type::name``) it waits for, directly or through unchanged ones: what
    # the engine must have done before it.
    waits_for: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.type}::{self.name}"


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
    return [_with_restarts(change, before, after) for change in _with_waits(changes, after)]


def _with_waits(changes: list[ResourceChange], after: OfflineRun) -> list[ResourceChange]:
    """Each change with the changes it waits for: the changed resources it depends on, directly or
    through resources that stay the same (those take no time, but are registered only after theirs)."""
    by_urn = {resource.urn: resource for resource in after.resources}
    label = {urn: f"{resource.type}::{resource.name}" for urn, resource in by_urn.items()}
    changed = {change.label for change in changes if change.change not in ("same", "delete")}
    found: dict[str, frozenset[str]] = {}

    def waits(urn: str) -> frozenset[str]:
        if urn not in found:
            found[urn] = frozenset()  # a cycle the engine would refuse ends here
            resource = by_urn[urn]
            dependencies = sorted({*resource.dependencies, _provider_urn(resource.provider)} & by_urn.keys())
            found[urn] = frozenset(
                waited
                for dependency in dependencies
                for waited in ({label[dependency]} if label[dependency] in changed else waits(dependency))
            )
        return found[urn]

    urns = {label[urn]: urn for urn in by_urn}
    return [
        ResourceChange(change.type, change.name, change.change, change.because, change.restarts, tuple(sorted(waits(urns[change.label]))))
        if change.label in changed
        else change
        for change in changes
    ]


def _registered(run: OfflineRun, type_token: str, name: str) -> RegisteredResource | None:
    return next((resource for resource in run.resources if resource.type == type_token and resource.name == name), None)


HOME_FILE = re.compile(r"^(?P<router>.+)-vyos-path(?P<path>[0-9]+)-(?P<file>local-conf|devicemap|start|identity-public|identity-secret)$")
HOME_FILES = {
    "local-conf": "local.conf",
    "devicemap": "devicemap",
    "start": "start script",
    "identity-public": "identity",
    "identity-secret": "identity",
}
CONTAINER_LEAF = re.compile(r"^set container name (?P<name>\S+) (?P<leaf>.*)$")


def _uploaded(container: RegisteredResource | None) -> dict[str, Any]:
    uploads = revealed(container.inputs.get("uploads")) if container is not None else None
    return {str(item.get("file", "")).removeprefix(f"{ZEROTIER_HOME}/"): item for item in uploads or [] if isinstance(item, dict)}


def _image_names(before: OfflineRun, after: OfflineRun, router: str) -> tuple[str, str] | None:
    images = [_registered(run, REMOTE_IMAGE, f"{router}-zerotier-image") for run in (before, after)]
    names = [str(image.inputs.get("name")) for image in images if image is not None]
    return (names[0], names[1]) if len(names) == 2 and names[0] != names[1] else None


def _docker_why(change: ResourceChange, before: OfflineRun, after: OfflineRun, router: str) -> tuple[str, ...]:
    """What replaces an instance's container, in words: its image, the files in its home, its network..."""
    why: list[str] = []
    for key in change.because:
        if key == "image":
            names = _image_names(before, after, router)
            why.append(f"image {names[0]} -> {names[1]}" if names else "image")
        elif key == "uploads":
            old, new = (_uploaded(_registered(run, CONTAINER, change.name)) for run in (before, after))
            files = sorted({file for file in old.keys() | new.keys() if revealed(old.get(file)) != revealed(new.get(file))})
            words = sorted({"identity" if file.startswith("identity.") else file for file in files})
            why += words or ["its home files"]
        elif key == "command":
            why.append("network")
        elif key.startswith("provider"):
            why.append("its Docker host moved")
        else:
            why.append(key)
    return tuple(dict.fromkeys(why))


def _container_leaves(command: RegisteredResource | None) -> dict[str, set[str]]:
    """``container name`` leaves by container, as a VyOS apply command's text sets them."""
    text = str(revealed(command.inputs.get("create", ""))) if command is not None else ""
    leaves: dict[str, set[str]] = {}
    for line in text.splitlines():
        if (found := CONTAINER_LEAF.match(line.strip())) is not None:
            leaves.setdefault(found["name"], set()).add(found["leaf"])
    return leaves


def _leaf_change(old: set[str], new: set[str]) -> tuple[str, ...]:
    """The leaves of one container that differ, in words: ``image A -> B`` for the image."""
    removed, added = old - new, new - old
    images = [sorted(leaf.split(" ", 1)[1].strip("'") for leaf in leaves if leaf.startswith("image ")) for leaves in (removed, added)]
    why = [f"image {images[0][0]} -> {images[1][0]}"] if images[0] and images[1] else []
    why += sorted({leaf.split(" ", 1)[0] for leaf in removed ^ added if not leaf.startswith("image ")})
    return tuple(why)


def _path_of(plan: LabPlan, container: str) -> int | None:
    return next((path.index for path in plan.paths if instance_name(plan.project, plan.stack, path.index) == container), None)


def _vyos_commit_restarts(change: ResourceChange, before: OfflineRun, after: OfflineRun) -> tuple[InstanceRestart, ...]:
    router = change.name.removesuffix("-vyos-apply")
    old, new = (_container_leaves(_registered(run, COMMAND, change.name)) for run in (before, after))
    restarts = []
    for container in sorted(old.keys() & new.keys()):
        if old[container] != new[container] and (path := _path_of(after.plan, container)) is not None:
            restarts.append(InstanceRestart(router, path, _leaf_change(old[container], new[container]), AT_COMMIT.format(router=router)))
    # The containers name the lab's tags, not the image: a new image changes no leaf, and the apply
    # script moves the tags and restarts the containers one path at a time after the commit.
    images = before.plan.zerotier.image, after.plan.zerotier.image
    if images[0] != images[1]:
        for container in sorted(old.keys() & new.keys()):
            if (path := _path_of(after.plan, container)) is not None:
                restarts.append(InstanceRestart(router, path, (f"image {images[0]} -> {images[1]}",), AFTER_COMMIT.format(router=router)))
    return tuple(restarts)


def _with_restarts(change: ResourceChange, before: OfflineRun, after: OfflineRun) -> ResourceChange:
    """``change`` with the instance restarts it causes, if any."""
    restarts: tuple[InstanceRestart, ...] = ()
    if change.type == CONTAINER and change.change.startswith("replace") and (found := INSTANCE_RESOURCE.match(change.name)):
        router, path = found["router"], int(found["path"])
        rolling = any(_registered(after, COMMAND, drain_resource(other.name, path)) is not None for other in after.plan.routers)
        restarts = (InstanceRestart(router, path, _docker_why(change, before, after, router), ROLLING if rolling else AT_ONCE),)
    elif change.type == COMMAND and change.change == "update" and change.name.endswith("-vyos-apply"):
        restarts = _vyos_commit_restarts(change, before, after)
    elif change.type == COMMAND and change.change == "update" and (found := HOME_FILE.match(change.name)):
        router = found["router"]
        restarts = (InstanceRestart(router, int(found["path"]), (HOME_FILES[found["file"]],), WHEN_WRITTEN.format(router=router)),)
    if not restarts:
        return change
    return ResourceChange(change.type, change.name, change.change, change.because, restarts, change.waits_for)


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
    lines += render_restarts(changes)
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


def render_restarts(changes: Sequence[ResourceChange]) -> list[str]:
    """The instances that restart, grouped by how, each with why; none where nothing restarts."""
    by_how: dict[str, dict[tuple[str, int], InstanceRestart]] = {}
    for restart in (restart for change in changes for restart in change.restarts):
        known = by_how.setdefault(restart.how, {})
        earlier = known.get((restart.router, restart.path))
        why = (*earlier.why, *restart.why) if earlier is not None else restart.why
        known[(restart.router, restart.path)] = InstanceRestart(restart.router, restart.path, tuple(dict.fromkeys(why)), restart.how)
    lines = []
    for how, restarts in by_how.items():
        lines.append(f"instances that restart, {how}:")
        lines += [f"  {restart.line}" for restart in restarts.values()]
    return lines


def diff_settings(
    before: Mapping[str, Any], after: Mapping[str, Any], *, project: str = "zt-ecmp", stack: str = "rollout"
) -> list[ResourceChange]:
    """What `pulumi up` would do between two versions of a stack's ``zt-ecmp:`` settings (keys without
    the namespace), for a stack that needs no secret (routers reached with ssh.auth agent)."""
    runs = [run_offline(project, stack, {f"{NAMESPACE}:{key}": value for key, value in settings.items()}) for settings in (before, after)]
    return diff_runs(*runs)


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
