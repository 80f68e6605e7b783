"""The offline plan command's report: what `pulumi up` would build, as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from components.model.plan import LabPlan
from components.preview.offline import OfflineRun
from components.render.artefacts import rendered_artefacts
from components.render.plan_document import plan_document


def report_document(run: OfflineRun) -> dict[str, Any]:
    """The plan, and what `pulumi up` would register and put on the routers."""
    return {
        **plan_document(run.plan),
        "resources": [{"type": r.type, "name": r.name, "parent": r.parent_name} for r in run.resources],
        "resourceCounts": dict(sorted(Counter(r.type for r in run.resources).items())),
        "artefacts": [{"router": a.router, "title": a.title, "text": a.text} for a in rendered_artefacts(run.plan)],
    }


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


def unconfirmed_update_line(plan: LabPlan) -> str | None:
    """What VyOS does to an update that is never confirmed (an interrupted `pulumi up`): None without VyOS routers."""
    vyos = [router.name for router in plan.routers if router.flavor == "vyos"]
    if not vyos:
        return None
    return (
        f"an update of {', '.join(vyos)} not confirmed within {plan.routing.commit_confirm_minutes} minutes "
        "REBOOTS the router on VyOS 1.4 (into its saved configuration); VyOS 1.5 reloads the previous configuration instead"
    )


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


def _sites_capacity_lines(plan: LabPlan) -> list[str]:
    """How the estimate divides when a router's instances carry the flows to all of its peers."""
    capacity = plan.capacity
    lines = [
        f"  one router sending, the others only receiving: {capacity.estimated_gbps:g} Gbit/s in total, "
        f"to one peer or shared among its {capacity.peers}",
        f"  every router sending to every other at once: about {capacity.all_busy_router_gbps:g} Gbit/s sent by each router, "
        f"{capacity.pair_gbps(all_busy=True):g} per pair (each instance also decrypts what the peers send)",
    ]
    if capacity.through_hub:
        lines.append(
            f"  spoke to spoke through {plan.routing.hub}: {capacity.pair_gbps(all_busy=False, spokes=True):g} Gbit/s alone "
            "(the hub decrypts and encrypts every frame again)"
        )
    return lines


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
    sites = len(plan.routers) > 2
    for router in plan.routers:
        for route in router.routes:
            hops = ", ".join(f"{hop.address}{'' if hop.active else ' (disabled)'}" for hop in route.next_hops)
            # With more than two sites, name the peer each route leads to, and the hub it goes through.
            peer = f"{route.peer} " if sites else ""
            through = f" (through {route.via})" if route.via else ""
            out.append(
                f"  {router.name} ({router.flavor}, {router.floating_ip} on {router.dummy_interface}) -> "
                f"{peer}{route.destination} via {hops}{through}"
            )
    out.append(f"  path health: {path_health_line(plan)}")
    if (unconfirmed := unconfirmed_update_line(plan)) is not None:
        out.append(f"  VyOS revert: {unconfirmed}")
    out += [
        "",
        f"Capacity estimate: {capacity.estimated_gbps:g} Gbit/s "
        f"({capacity.active_paths} active x {capacity.threads_per_instance} thread(s) x {capacity.instance_gbps:g} Gbit/s, "
        f"link {capacity.link_gbps:g} Gbit/s with about {capacity.link_goodput_gbps:g} of goodput; limited by {capacity.limited_by})",
        *(_sites_capacity_lines(plan) if sites else []),
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
    return json.dumps(report_document(run), indent=2) + "\n"
