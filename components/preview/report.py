"""The offline plan command's report: what `pulumi up` would build, as text or JSON."""

from __future__ import annotations

import json
import shutil
import tempfile
import textwrap
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from components.model.errors import InputError
from components.model.flavors import flavor
from components.model.plan import LabPlan, RouterPlan
from components.preview.offline import OfflineRun, RegisteredResource
from components.render.artefacts import rendered_artefacts
from components.render.plan_document import plan_document

# Lines outside tables stay within this many columns: two screens of a terminal, no horizontal scrolling.
LINE_WIDTH = 100


def report_document(run: OfflineRun) -> dict[str, Any]:
    """The plan, and what `pulumi up` would register and put on the routers."""
    return {
        **plan_document(run.plan),
        "resources": [{"type": r.type, "name": r.name, "parent": r.parent_name} for r in run.resources],
        "resourceCounts": dict(sorted(Counter(r.type for r in run.resources).items())),
        "artefacts": [{"router": a.router, "title": a.title, "file": a.file, "text": a.text} for a in rendered_artefacts(run.plan)],
    }


def unconfirmed_update_line(plan: LabPlan) -> str | None:
    """What the routers do to an update that is never confirmed (an interrupted `pulumi up`), per flavor
    that commits with a deadline: None without such routers."""
    by_fate: dict[str, list[str]] = {}
    for router in plan.routers:
        if (fate := flavor(router.flavor).unconfirmed_update) is not None:
            by_fate.setdefault(fate, []).append(router.name)
    if not by_fate:
        return None
    minutes = plan.routing.commit_confirm_minutes
    return "; ".join(f"an update of {', '.join(names)} not confirmed within {minutes} minutes {fate}" for fate, names in by_fate.items())


def path_health_line(plan: LabPlan) -> str:
    """How a dead path leaves the routes, per route owner, in one line."""
    bfd = plan.routing.bfd
    owners = {router.route_owner for router in plan.routers}
    if not bfd.enabled:
        tracking = "BFD off: a dead path stays in the route on VyOS"
    else:
        tracking = (
            f"BFD profile {bfd.profile}: {bfd.interval_ms} ms x {bfd.multiplier}, a path silent for {bfd.detection_ms} ms leaves the route"
        )
    if "frr" in owners:
        return f"{tracking}; linux routes owned by FRR (OSPF per active path{', tracked by BFD' if bfd.enabled else ''})"
    if "iproute2" in owners:
        return f"{tracking} (VyOS only); linux routes by iproute2: not self-healing"
    return tracking


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _joined(values: list[str]) -> str:
    """One value when every router has the same, else each router's, in router order."""
    return values[0] if len(set(values)) == 1 else "/".join(values)


def _path_rows(plan: LabPlan) -> list[list[str]]:
    names = plan.router_names
    rows = [["path", "subnet", *(f"{name} address" for name in names), "port", "interface", "pins", "active"]]
    for path in plan.paths:
        ends = [path.end(name) for name in names]
        pins = [",".join(map(str, end.cpus)) or "-" for end in ends]
        rows.append(
            [
                str(path.index),
                str(path.subnet),
                *(str(end.address.ip) for end in ends),
                _joined([str(end.port) for end in ends]),
                _joined([end.interface for end in ends]),
                _joined(pins),
                "yes" if path.active else "no",
            ]
        )
    return rows


def _sharing_capacity_lines(plan: LabPlan) -> list[str]:
    """How the estimate divides when a router's instances carry the flows to all of its peers."""
    capacity = plan.capacity
    lines = [
        f"  one router sending, the others only receiving: {capacity.estimated_gbps:g} Gbit/s in total, "
        "however its flows spread over its peers",
        f"  every router sending to every other at once: about {capacity.all_busy_router_gbps:g} Gbit/s sent by each router, "
        f"{capacity.pair_gbps(all_busy=True):g} per pair (each instance also decrypts what the peers send)",
    ]
    if capacity.through_hub:
        lines.append(
            f"  spoke to spoke through {plan.routing.hub}: {capacity.pair_gbps(all_busy=False, spokes=True):g} Gbit/s alone "
            "(the hub decrypts and encrypts every frame again)"
        )
    return lines


def _top_component(resource: RegisteredResource, by_urn: Mapping[str, RegisteredResource]) -> RegisteredResource:
    """The outermost component ``resource`` belongs to (itself, if it is one registered at the top)."""
    while resource.parent_urn in by_urn:
        resource = by_urn[resource.parent_urn]
    return resource


def _short_type(token: str) -> str:
    """A component's type without its package (``zt-ecmp:index:VyosRouter`` -> ``VyosRouter``)."""
    return token.rsplit(":", 1)[-1]


def _resource_rows(run: OfflineRun) -> list[list[str]]:
    """Per kind of top-level component: how many there are, then each resource type under them with its count."""
    by_urn = {resource.urn: resource for resource in run.resources}
    counts: dict[str, Counter[str]] = {}
    components: dict[str, set[str]] = {}
    for resource in run.resources:
        top = _top_component(resource, by_urn)
        kind = _short_type(top.type)
        counts.setdefault(kind, Counter())[resource.type] += 1
        components.setdefault(kind, set()).add(top.urn)
    rows = [["component", "resource type", "count"]]
    for kind in sorted(counts):
        for number, (type_, count) in enumerate(sorted(counts[kind].items())):
            rows.append([f"{kind} x {len(components[kind])}" if number == 0 else "", type_, str(count)])
    rows.append(["total", "", str(len(run.resources))])
    return rows


def _table_right(rows: list[list[str]]) -> list[str]:
    """A table whose last column (counts) is aligned to the right."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)), row[-1].rjust(widths[-1])]).rstrip()
        for row in rows
    ]


def _wrapped(text: str, indent: str, hanging: str | None = None) -> list[str]:
    """``text`` broken into lines of at most LINE_WIDTH columns, never inside a word or an address."""
    return textwrap.wrap(
        text,
        width=LINE_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _lab_lines(plan: LabPlan) -> list[str]:
    """What the lab is: the hardware, N and K, the routers and the scaling mode."""
    mode = plan.zerotier.mode
    return [
        f"zt-ecmp plan for stack {plan.stack}: what `pulumi up` would build (offline)",
        f"  hardware  {plan.hardware_model}",
        f"  routers   {len(plan.routers)}: {', '.join(f'{router.name} ({router.flavor})' for router in plan.routers)}",
        f"  paths     N = {plan.path_count} built, K = {plan.active_path_count} active",
        *_wrapped(f"mode      {mode}: {plan.mode_note}", "  ", " " * 12),
    ]


def router_lines(plan: LabPlan, router: RouterPlan) -> list[str]:
    """One router: what it is and where its floating IP lives, then each of its routes."""
    name = router.name.ljust(max(len(name) for name in plan.router_names))
    lines = [f"  {name}  {router.flavor}, runtime {router.runtime}, floating {router.floating_ip} on {router.dummy_interface}"]
    for route in router.routes:
        hops = ", ".join(f"{hop.address}{'' if hop.active else ' (disabled)'}" for hop in route.next_hops)
        # Every route names the peer it leads to, and the hub it goes through.
        through = f" (through {route.via})" if route.via else ""
        lines += _wrapped(f"-> {route.peer} {route.destination} via {hops}{through}", "      ", "         ")
    return lines


def _capacity_lines(plan: LabPlan) -> list[str]:
    capacity = plan.capacity
    summary = (
        f"Capacity estimate: {capacity.estimated_gbps:g} Gbit/s ({capacity.active_paths} active x "
        f"{capacity.threads_per_instance} thread(s) x {capacity.instance_gbps:g} Gbit/s, link {capacity.link_gbps:g} Gbit/s "
        f"with about {capacity.link_goodput_gbps:g} of goodput; limited by {capacity.limited_by})"
    )
    lines = _wrapped(summary, "", "  ")
    for line in _sharing_capacity_lines(plan):
        lines += _wrapped(line.strip(), "  ", "    ")
    return lines


def _artefact_lines(plan: LabPlan, folder: Path | None) -> list[str]:
    """Where the files and scripts went (or how to see them), one line or two per router."""
    artefacts = rendered_artefacts(plan)
    if folder is None:
        return [f"Files and scripts for the routers: {len(artefacts)}, printed below"]
    lines = [f"Files and scripts for the routers: {len(artefacts)}, one file each in {folder}/"]
    for router in plan.routers:
        own = [artefact.file for artefact in artefacts if artefact.router == router.name]
        per_path = [name for name in own if name.startswith("path")]
        others = [name for name in own if not name.startswith("path")]
        listed = ", ".join(([f"{len(per_path)} instance files ({per_path[0]} ...)"] if per_path else []) + others)
        lines += _wrapped(f"{router.name}/  {listed}", "  ", " " * (len(router.name) + 5))
    lines.append("  `--full` prints every file here; `--json` prints the whole plan as one document")
    return lines


def render_plan_text(run: OfflineRun, artefacts_folder: Path | None = None, *, full: bool = False) -> str:
    """The plan a person reads, in this order: what the lab is, the paths, every router's routes, the
    capacity estimate, the resources by component and type, and where the files and scripts are.

    ``artefacts_folder`` names where they were written; ``full`` prints them at the end instead."""
    plan = run.plan
    out = [
        *_lab_lines(plan),
        "",
        "Paths",
        *("  " + line for line in _table(_path_rows(plan))),
        "",
        "Routers and routes",
    ]
    for router in plan.routers:
        out += router_lines(plan, router)
    out += [
        *_wrapped(f"path health: {path_health_line(plan)}", "  ", "    "),
        *(_wrapped(f"VyOS revert: {unconfirmed}", "  ", "    ") if (unconfirmed := unconfirmed_update_line(plan)) else []),
        "",
        *_capacity_lines(plan),
        "",
        f"Resources pulumi up would create: {len(run.resources)}",
        *("  " + line for line in _table_right(_resource_rows(run))),
        "",
        *_artefact_lines(plan, None if full else artefacts_folder),
    ]
    if full:
        for artefact in rendered_artefacts(plan):
            out += ["", f"--- {artefact.router}: {artefact.title} ({artefact.file}) ---", artefact.text.rstrip("\n")]
    return "\n".join(out) + "\n"


ARTEFACTS_MARKER = ".zt-ecmp-plan"


class OutputFolderError(InputError):
    """The folder asked for cannot take the plan's files; said before anything is written."""


def artefacts_folder(out: Path, stack: str) -> Path:
    """``<out>/<stack>``, checked: ``--out`` must be a folder (or not exist yet), and a stack folder already
    there must be one this command wrote, so that replacing it loses nothing of anyone else's."""
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out}: is a file; name a folder (it is created if missing), e.g. --out out")
    folder = out / stack
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / ARTEFACTS_MARKER).exists())):
        raise OutputFolderError(f"--out {out}: {folder} exists and was not written by `zt-ecmp plan`; remove it or choose another --out")
    return folder


def write_artefacts(plan: LabPlan, folder: Path) -> None:
    """Every file and script of the plan, one file each as ``<folder>/<router>/<file>``; what an earlier
    plan wrote there is replaced whole, so no file of a path or router the stack lost stays behind."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (fresh / ARTEFACTS_MARKER).write_text("written by `zt-ecmp plan`; replaced whole by the next plan of this stack\n")
        for artefact in rendered_artefacts(plan):
            (fresh / artefact.router).mkdir(exist_ok=True)
            (fresh / artefact.router / artefact.file).write_text(artefact.text)
        if folder.exists():
            shutil.rmtree(folder)
        fresh.rename(folder)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def render_plan_json(run: OfflineRun) -> str:
    return json.dumps(report_document(run), indent=2) + "\n"
