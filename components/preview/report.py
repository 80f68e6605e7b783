"""The offline plan command's report: what `pulumi up` would build, as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from components.model.plan import LabPlan
from components.preview.offline import OfflineRun
from components.render.artefacts import rendered_artefacts


def plan_document(run: OfflineRun) -> dict[str, Any]:
    plan = run.plan
    return {
        "project": plan.project,
        "stack": plan.stack,
        "hardware": plan.hardware_model,
        "scalingMode": {"mode": plan.zerotier.mode, "note": plan.mode_note, "concurrency": plan.zerotier.concurrency},
        "paths": [
            {
                "index": path.index,
                "subnet": str(path.subnet),
                "active": path.active,
                "networkName": path.network_name,
                "routers": {
                    end.router: {"address": str(end.address.ip), "port": end.port, "interface": end.interface, "cpus": list(end.cpus)}
                    for end in path.ends
                },
            }
            for path in plan.paths
        ],
        "routers": [
            {
                "name": router.name,
                "flavor": router.flavor,
                "runtime": router.runtime,
                "floating_ip": str(router.floating_ip),
                "peer_floating_ip": str(router.peer_floating_ip),
                "next_hops": [{"address": str(hop.address), "path": hop.path_index, "active": hop.active} for hop in router.next_hops],
            }
            for router in plan.routers
        ],
        "routing": routing_document(plan),
        "capacity": {
            "estimatedGbps": plan.capacity.estimated_gbps,
            "limitedBy": plan.capacity.limited_by,
            "linkGbps": plan.capacity.link_gbps,
            "linkGoodputGbps": plan.capacity.link_goodput_gbps,
            "instanceGbps": plan.capacity.instance_gbps,
            "activePaths": plan.capacity.active_paths,
        },
        "resources": [{"type": r.type, "name": r.name, "parent": r.parent_name} for r in run.resources],
        "resourceCounts": dict(sorted(Counter(r.type for r in run.resources).items())),
        "artefacts": [{"router": a.router, "title": a.title, "text": a.text} for a in rendered_artefacts(plan)],
    }


def routing_document(plan: LabPlan) -> dict[str, Any]:
    bfd = plan.routing.bfd
    return {
        "bfd": {
            "enabled": bfd.enabled,
            "intervalMs": bfd.interval_ms,
            "multiplier": bfd.multiplier,
            "detectionMs": bfd.detection_ms,
            "profile": bfd.profile,
        },
        "linuxRoutes": plan.routing.linux_routes,
    }


def path_health_line(plan: LabPlan) -> str:
    """How a dead path leaves the route, per router flavor, in one line."""
    bfd = plan.routing.bfd
    flavors = {router.flavor for router in plan.routers}
    if not bfd.enabled:
        tracking = "BFD off: a dead path stays in the route on VyOS"
    else:
        tracking = (
            f"BFD profile {bfd.profile}: {bfd.interval_ms} ms x {bfd.multiplier}, a path silent for {bfd.detection_ms} ms leaves the route"
        )
    if "linux" not in flavors:
        return tracking
    if plan.routing.linux_routes == "frr":
        return f"{tracking}; linux routes owned by FRR (OSPF per active path{', tracked by BFD' if bfd.enabled else ''})"
    return f"{tracking} (VyOS only); linux routes by iproute2: not self-healing"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _path_rows(plan: LabPlan) -> list[list[str]]:
    first, second = (router.name for router in plan.routers)
    rows = [["path", "subnet", f"{first} address", f"{second} address", "port", "interface", "pins", "active"]]
    for path in plan.paths:
        a, b = path.end(first), path.end(second)
        pins = ",".join(map(str, a.cpus)) or "-"
        if b.cpus != a.cpus:
            pins += "/" + (",".join(map(str, b.cpus)) or "-")
        ports = str(a.port) if a.port == b.port else f"{a.port}/{b.port}"
        rows.append(
            [
                str(path.index),
                str(path.subnet),
                str(a.address.ip),
                str(b.address.ip),
                ports,
                a.interface,
                pins,
                "yes" if path.active else "no",
            ]
        )
    return rows


def _resource_tree(run: OfflineRun) -> list[str]:
    children: dict[str | None, list[Any]] = {}
    for resource in run.resources:
        children.setdefault(resource.parent_urn if resource.parent_name else None, []).append(resource)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for resource in sorted(children.get(parent, []), key=lambda r: (r.type, r.name)):
            lines.append(f"{'  ' * depth}{resource.name}  ({resource.type})")
            walk(resource.urn, depth + 1)

    walk(None, 1)
    return lines


def render_plan_text(run: OfflineRun) -> str:
    plan = run.plan
    capacity = plan.capacity
    out = [
        f"zt-ecmp plan for stack {plan.stack}: {plan.hardware_model}, {plan.path_count} paths built, {plan.active_path_count} active",
        f"scaling mode {plan.zerotier.mode}: {plan.mode_note}",
        "",
        "Paths",
        *("  " + line for line in _table(_path_rows(plan))),
        "",
        "Routes",
    ]
    for router in plan.routers:
        hops = ", ".join(f"{hop.address}{'' if hop.active else ' (disabled)'}" for hop in router.next_hops)
        out.append(
            f"  {router.name} ({router.flavor}, {router.floating_ip} on {router.dummy_interface}) -> {router.peer_floating_ip} via {hops}"
        )
    out += [
        f"  path health: {path_health_line(plan)}",
        "",
        f"Capacity estimate: {capacity.estimated_gbps:g} Gbit/s "
        f"({capacity.active_paths} active x {capacity.threads_per_instance} thread(s) x {capacity.instance_gbps:g} Gbit/s, "
        f"link {capacity.link_gbps:g} Gbit/s with about {capacity.link_goodput_gbps:g} of goodput; limited by {capacity.limited_by})",
        "",
        f"Resources pulumi up would create ({len(run.resources)})",
        *_resource_tree(run),
        "",
        "Counts per type",
        *(f"  {count:3d}  {type_}" for type_, count in sorted(Counter(r.type for r in run.resources).items())),
    ]
    for artefact in rendered_artefacts(plan):
        out += ["", f"--- {artefact.router}: {artefact.title} ---", artefact.text.rstrip("\n")]
    return "\n".join(out) + "\n"


def render_plan_json(run: OfflineRun) -> str:
    return json.dumps(plan_document(run), indent=2) + "\n"
