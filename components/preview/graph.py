"""The lab as a picture: Graphviz DOT or Mermaid text from a LabPlan, and SVG/PNG files drawn by Graphviz's ``dot``.

``render_topology_dot`` and ``render_topology_mermaid`` are pure (plan in, text out): the text needs no
Graphviz, and Mermaid's renders where people read it (a pull request comment, a README). Both draw the
same lab: the routers with their floating IPs, every path with each end's address, interface, port and
CPU pins, and the underlay with each router's interface, address and speed. ``write_topology`` and
``graph_command`` are the thin parts that run ``dot`` and read a committed stack file; neither needs
Pulumi's engine, the routers or any secret.
"""

from __future__ import annotations

import json
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
UNDERLAY_COLOUR = "#5f6368"
FONT = "Helvetica"
UNDERLAY_NODE = '"underlay"'


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


def underlay_text(router: RouterPlan) -> str:
    """One router's side of the underlay: its interface, its address there, the link's speed."""
    return f"{router.underlay_interface} {router.underlay_address} · {router.link_speed}"


def _underlay_node() -> str:
    return (
        f'  {UNDERLAY_NODE} [label=<<B>underlay</B><BR/><FONT POINT-SIZE="9">what the paths ride on</FONT>>, '
        f'style="rounded,dashed", color="{UNDERLAY_COLOUR}", fontcolor="{UNDERLAY_COLOUR}"];'
    )


def _underlay_edge(router: RouterPlan, *, underlay_first: bool) -> str:
    ends = f'{UNDERLAY_NODE} -> "{router.name}"' if underlay_first else f'"{router.name}" -> {UNDERLAY_NODE}'
    label = f'<FONT POINT-SIZE="9">{_html(underlay_text(router))}</FONT>'
    return f'  {ends} [arrowhead=none, style=dashed, color="{UNDERLAY_COLOUR}", fontcolor="{UNDERLAY_COLOUR}", label=<{label}>];'


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
    lines += [_underlay_node(), _underlay_edge(left, underlay_first=False), _underlay_edge(right, underlay_first=True)]
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
    label = f'<FONT POINT-SIZE="9">{_html(end.address.ip)} · {_html(end.interface)} · UDP {end.port} · {_html(_cpus(end.cpus))}</FONT>'
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
    column = " -> ".join([*(_network_id(path) for path in plan.paths), UNDERLAY_NODE])
    lines.append(f"  {{ rank=same; {column} [style=invis]; }}")
    for position, router in enumerate(plan.routers):
        for path in plan.paths:
            lines.append(_membership_edge(path, path.end(router.name), network_first=position % 2 == 1))
    lines.append(_underlay_node())
    lines += [_underlay_edge(router, underlay_first=position % 2 == 1) for position, router in enumerate(plan.routers)]
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- Mermaid -------------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text inside a Mermaid label's double quotes: a double quote as its entity (Mermaid's #quot;)."""
    return text.replace('"', "#quot;")


def _mermaid_router(plan: LabPlan, router: RouterPlan) -> str:
    floating_on = router.dummy_interface if router.floating_on == "dummy" else "lo"
    lines = [
        f"<b>{router.name}</b>",
        plan.hardware_model,
        f"{router.floating_ip} on {floating_on}",
        f"{plan.active_path_count} of {plan.path_count} next-hops · layer-4 hash",
    ]
    return f'  router_{_mermaid_id(router.name)}["{_mermaid_text("<br/>".join(lines))}"]'


def _mermaid_id(name: str) -> str:
    """A node id Mermaid reads as one: router and stack names may hold '-'."""
    return name.replace("-", "_")


def _mermaid_end(end: PathEnd) -> str:
    return _mermaid_text(f"{end.address.ip}<br/>{end.interface} · UDP {end.port}<br/>{_cpus(end.cpus)}")


def _mermaid_link(active: bool, label: str) -> str:
    """A link with its label: solid for an active path, dotted for an inactive one or the underlay."""
    return f'{"---" if active else "-.-"}|"{_mermaid_text(label)}"|'


def _mermaid_underlay(plan: LabPlan) -> list[str]:
    lines = ['  underlay(["underlay"])']
    for position, router in enumerate(plan.routers):
        ends = ("underlay", f"router_{_mermaid_id(router.name)}")
        first, second = ends if position % 2 == 1 else reversed(ends)
        lines.append(f"  {first} {_mermaid_link(False, underlay_text(router))} {second}")
    return lines


def _mermaid_title(plan: LabPlan) -> list[str]:
    title = (
        f"{plan.project} · {plan.stack} · {plan.hardware_model}: {plan.path_count} paths, {plan.active_path_count} active · "
        f"{plan.zerotier.mode} · ~{plan.capacity.estimated_gbps:g} Gbit/s expected (limited by {plan.capacity.limited_by})"
    )
    return ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---", "flowchart LR"]


def render_topology_mermaid(plan: LabPlan) -> str:
    """The lab as a Mermaid flowchart, for a pull request comment or a README: the same picture as the DOT."""
    lines = _mermaid_title(plan)
    lines += [_mermaid_router(plan, router) for router in plan.routers]
    two = len(plan.routers) == 2
    for path in plan.paths:
        state = "active" if path.active else "inactive: built, not in the ECMP route"
        title = _mermaid_text(f"path {path.index} · {path.subnet} · {state}")
        if two:
            left, right = (path.end(router.name) for router in plan.routers)
            first, second = (f"path{path.index}_{_mermaid_id(end.router)}" for end in (left, right))
            lines += [
                f'  subgraph path{path.index}["{title}"]',
                f'    {first}["{_mermaid_end(left)}"]',
                f'    {second}["{_mermaid_end(right)}"]',
                f"    {first} {_mermaid_link(path.active, f'ZeroTier {path.network_name}')} {second}",
                "  end",
                f"  router_{_mermaid_id(left.router)} {'---' if path.active else '-.-'} {first}",
                f"  {second} {'---' if path.active else '-.-'} router_{_mermaid_id(right.router)}",
            ]
            continue
        hub = f"<br/>spokes meet only through {plan.routing.hub}" if plan.routing.hub is not None else ""
        lines.append(f'  path{path.index}["{title}<br/>ZeroTier {_mermaid_text(path.network_name)}{_mermaid_text(hub)}"]')
        for position, router in enumerate(plan.routers):
            end = path.end(router.name)
            label = f"{end.address.ip} · {end.interface} · UDP {end.port} · {_cpus(end.cpus)}"
            ends = (f"path{path.index}", f"router_{_mermaid_id(router.name)}")
            first, second = ends if position % 2 == 1 else reversed(ends)
            lines.append(f"  {first} {_mermaid_link(path.active, label)} {second}")
    lines += _mermaid_underlay(plan)
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


# What `zt-ecmp graph --format` prints as text, by format: no Graphviz needed.
TEXT_FORMATS = {"dot": render_topology_dot, "mermaid": render_topology_mermaid}
