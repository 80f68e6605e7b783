"""The lab as a picture: Graphviz DOT from a LabPlan, and SVG/PNG files drawn by Graphviz's ``dot``.

``render_topology_dot`` is pure (plan in, text out). ``write_topology`` and ``graph_command`` are
the thin parts that run ``dot`` and read a committed stack file; neither needs Pulumi's engine,
the routers or any secret.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape
from pathlib import Path

from components.model.plan import LabPlan, PathEnd, PathPlan, RouterPlan, build_plan
from components.stack.files import PROJECT_DIR, load_stack_without_secrets
from components.stack.settings import parse_qualified_settings

ACTIVE_COLOUR = "#1f6feb"
INACTIVE_COLOUR = "#9aa0a6"
ROUTER_FILL = "#eef4ff"
END_FILL = "#ffffff"
FONT = "Helvetica"


class GraphvizNotFoundError(FileNotFoundError):
    """Graphviz's ``dot`` is needed to draw SVG and PNG files."""


def _html(text: object) -> str:
    return escape(str(text), quote=True)


def _cpus(cpus: tuple[int, ...]) -> str:
    if not cpus:
        return "not pinned"
    return f"CPU {', '.join(str(cpu) for cpu in cpus)}"


def _router_label(plan: LabPlan, router: RouterPlan) -> str:
    floating_on = router.dummy_interface if router.floating_on == "dummy" else "lo"
    destinations = ", ".join(str(route.destination) for route in router.routes)
    rows = [
        f'<TR><TD><B><FONT POINT-SIZE="18">{_html(router.name)}</FONT></B></TD></TR>',
        f"<TR><TD>{_html(plan.hardware_model)}</TD></TR>",
        f"<TR><TD><B>{_html(router.floating_ip)}</B> on {_html(floating_on)}</TD></TR>",
        f"<TR><TD>underlay {_html(router.underlay_interface)} · {_html(router.link_speed)}</TD></TR>",
        f'<TR><TD><FONT POINT-SIZE="10">ECMP to {_html(destinations)}<BR/>'
        f"{plan.active_path_count} of {plan.path_count} next-hops · layer-4 hash</FONT></TD></TR>",
    ]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{"".join(rows)}</TABLE>>'


def _end_label(end: PathEnd, colour: str) -> str:
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1">'
        f'<TR><TD><B><FONT COLOR="{colour}">{_html(end.address.ip)}</FONT></B></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="10">{_html(end.interface)} · UDP {end.port}</FONT></TD></TR>'
        f'<TR><TD><FONT POINT-SIZE="10">{_html(_cpus(end.cpus))}</FONT></TD></TR>'
        f"</TABLE>>"
    )


def _node_id(router: str, path: PathPlan) -> str:
    return f'"{router}-path{path.index}"'


def _path_cluster(plan: LabPlan, path: PathPlan) -> list[str]:
    colour = ACTIVE_COLOUR if path.active else INACTIVE_COLOUR
    style = "rounded" if path.active else "rounded,dashed"
    state = "active" if path.active else "inactive: built, not in the ECMP route"
    text_colour = "#202124" if path.active else INACTIVE_COLOUR
    first, second = (path.end(router.name) for router in plan.routers)
    end_style = "rounded" if path.active else "rounded,dashed"
    lines = [
        f"  subgraph cluster_path{path.index} {{",
        f"    label=<<B>path {path.index}</B> · {_html(path.subnet)} · <I>{_html(state)}</I>>;",
        f'    style="{style}"; color="{colour}"; fontcolor="{colour}"; fontsize=13; penwidth=1.4;',
        f'    node [color="{colour}", fontcolor="{text_colour}", style="{end_style}"];',
        f"    {_node_id(first.router, path)} [label={_end_label(first, colour)}];",
        f"    {_node_id(second.router, path)} [label={_end_label(second, colour)}];",
        f"    {_node_id(first.router, path)} -> {_node_id(second.router, path)} "
        f'[dir=both, color="{colour}", fontcolor="{text_colour}", style="{"solid" if path.active else "dashed"}", '
        f'penwidth={2.2 if path.active else 1.2}, label=<<FONT POINT-SIZE="9">ZeroTier {_html(path.network_name)}</FONT>>];',
        "  }",
    ]
    return lines


def _title(plan: LabPlan) -> str:
    capacity = plan.capacity
    return (
        f"<<B>{_html(plan.project)} · {_html(plan.stack)}</B> · {_html(plan.hardware_model)}<BR/>"
        f'<FONT POINT-SIZE="11">{plan.path_count} paths, {plan.active_path_count} active · '
        f"{_html(plan.zerotier.mode)} · ~{capacity.estimated_gbps:g} Gbit/s expected "
        f"(limited by {_html(capacity.limited_by)})</FONT>>"
    )


def _header(plan: LabPlan) -> list[str]:
    return [
        f'digraph "{plan.project}-{plan.stack}" {{',
        f'  graph [rankdir=LR, fontname="{FONT}", fontsize=16, labelloc=t, label={_title(plan)}, '
        f'nodesep=0.25, ranksep=0.9, pad=0.3, bgcolor="white", newrank=true];',
        f'  node [fontname="{FONT}", fontsize=12, shape=box, style=rounded, fillcolor="{END_FILL}"];',
        f'  edge [fontname="{FONT}", fontsize=10, arrowsize=0.6];',
    ]


def _router_node(plan: LabPlan, router: RouterPlan) -> str:
    return (
        f'  "{router.name}" [label={_router_label(plan, router)}, style="rounded,filled", '
        f'fillcolor="{ROUTER_FILL}", color="{ACTIVE_COLOUR}", penwidth=2, margin="0.2,0.1"];'
    )


def render_topology_dot(plan: LabPlan) -> str:
    """The lab as a Graphviz digraph: two routers left and right with one cluster per path between
    them; more sites on either side of the path networks they share."""
    if len(plan.routers) > 2:
        return _shared_networks_dot(plan)
    left, right = plan.routers
    lines = _header(plan)
    lines += [_router_node(plan, router) for router in plan.routers]
    for path in plan.paths:
        lines.extend(_path_cluster(plan, path))
    for path in plan.paths:
        colour = ACTIVE_COLOUR if path.active else INACTIVE_COLOUR
        style = "solid" if path.active else "dashed"
        lines.append(f'  "{left.name}" -> {_node_id(left.name, path)} [arrowhead=none, color="{colour}", style="{style}"];')
        lines.append(f'  {_node_id(right.name, path)} -> "{right.name}" [arrowhead=none, color="{colour}", style="{style}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _network_id(path: PathPlan) -> str:
    return f'"path{path.index}"'


def _network_label(plan: LabPlan, path: PathPlan) -> str:
    state = "active" if path.active else "inactive: built, not in the ECMP routes"
    rows = [
        f"<TR><TD><B>path {path.index}</B> · {_html(path.subnet)}</TD></TR>",
        f'<TR><TD><FONT POINT-SIZE="9">ZeroTier {_html(path.network_name)}</FONT></TD></TR>',
        f'<TR><TD><FONT POINT-SIZE="9"><I>{_html(state)}</I></FONT></TD></TR>',
    ]
    if plan.routing.hub is not None:
        rows.append(f'<TR><TD><FONT POINT-SIZE="9">spokes meet only through {_html(plan.routing.hub)}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1">{"".join(rows)}</TABLE>>'


def _membership_edge(path: PathPlan, end: PathEnd, *, network_first: bool) -> str:
    colour = ACTIVE_COLOUR if path.active else INACTIVE_COLOUR
    style = "solid" if path.active else "dashed"
    label = f'<FONT POINT-SIZE="9">{_html(end.address.ip)} · {_html(end.interface)} · UDP {end.port}</FONT>'
    ends = f'{_network_id(path)} -> "{end.router}"' if network_first else f'"{end.router}" -> {_network_id(path)}'
    return f'  {ends} [arrowhead=none, color="{colour}", fontcolor="{colour}", style="{style}", label=<{label}>];'


def _shared_networks_dot(plan: LabPlan) -> str:
    """Sites on both sides of the N path networks (every router is a member of every one), in list
    order alternately left and right; inactive paths dashed."""
    lines = _header(plan)
    lines += [_router_node(plan, router) for router in plan.routers]
    for path in plan.paths:
        colour = ACTIVE_COLOUR if path.active else INACTIVE_COLOUR
        style = "rounded" if path.active else "rounded,dashed"
        lines.append(
            f'  {_network_id(path)} [label={_network_label(plan, path)}, style="{style}", color="{colour}", '
            f'fontcolor="{colour}", penwidth={1.6 if path.active else 1.0}];'
        )
    # One column, in path order: invisible edges within a rank keep their nodes in that order.
    column = " -> ".join(_network_id(path) for path in plan.paths)
    lines.append(f"  {{ rank=same; {column} [style=invis]; }}")
    for position, router in enumerate(plan.routers):
        for path in plan.paths:
            lines.append(_membership_edge(path, path.end(router.name), network_first=position % 2 == 1))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_binary() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizNotFoundError(
            "Graphviz's `dot` is not installed; install it with `apt-get install graphviz` (or your OS's graphviz package)"
        )
    return dot


def write_topology(plan: LabPlan, out_dir: Path) -> tuple[Path, Path]:
    """Draw the plan as ``<stack>-topology.svg`` and ``.png`` in out_dir; returns (svg, png)."""
    dot = _dot_binary()
    out_dir.mkdir(parents=True, exist_ok=True)
    source = render_topology_dot(plan)
    svg, png = out_dir / f"{plan.stack}-topology.svg", out_dir / f"{plan.stack}-topology.png"
    subprocess.run([dot, "-Tsvg", "-o", str(svg)], input=source, text=True, check=True, capture_output=True)
    subprocess.run([dot, "-Tpng", "-Gdpi=110", "-o", str(png)], input=source, text=True, check=True, capture_output=True)
    return svg, png


def stack_plan(stack: str, project_dir: Path = PROJECT_DIR) -> LabPlan:
    """The plan of a committed stack file, offline: secrets are only named, never read."""
    project, qualified, secret_keys = load_stack_without_secrets(stack, project_dir)
    return build_plan(parse_qualified_settings(qualified, secret_keys).lab, project, stack)


def graph_command(stack: str, out_dir: Path, project_dir: Path = PROJECT_DIR) -> tuple[Path, Path]:
    """``zt-ecmp graph --stack NAME [--out DIR]``: draw a committed stack's topology."""
    return write_topology(stack_plan(stack, project_dir), out_dir)
