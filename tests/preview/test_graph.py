"""The topology picture: DOT text from the plan, and the SVG/PNG files Graphviz draws from it."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import pytest

from components.cli.main import main
from components.preview.graph import (
    INACTIVE_COLOUR,
    GraphvizNotFoundError,
    graph_command,
    render_topology_dot,
    render_topology_mermaid,
    stack_plan,
    write_topology,
)
from components.stack.files import PROJECT_DIR
from tests.support.stacks import lab_plan, stack_settings

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)")
STACKS = ["gk41", "ms01"]


def cluster(dot: str, index: int) -> str:
    match = re.search(rf"subgraph cluster_path{index} \{{(.*?)\n  \}}", dot, re.DOTALL)
    assert match is not None, f"no cluster for path {index}"
    return match.group(1)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize("stack", STACKS)
def test_dot_shows_both_addresses_of_every_path(stack: str) -> None:
    plan = lab_plan(stack)
    dot = render_topology_dot(plan)
    for path in plan.paths:
        for end in path.ends.values():
            assert f">{end.address.ip}<" in cluster(dot, path.index)


@pytest.mark.parametrize("stack", STACKS)
def test_dot_shows_every_path_interface_and_udp_port(stack: str) -> None:
    plan = lab_plan(stack)
    dot = render_topology_dot(plan)
    for path in plan.paths:
        for end in path.ends.values():
            assert f"{end.interface} · UDP {end.port}" in cluster(dot, path.index)


def test_dot_labels_each_path_with_its_30() -> None:
    dot = render_topology_dot(lab_plan("gk41"))
    assert "path 2</B> · 10.14.0.4/30" in cluster(dot, 2)


def test_path_2_joins_10_14_0_5_and_10_14_0_6() -> None:
    path_2 = cluster(render_topology_dot(lab_plan("gk41")), 2)
    assert ">10.14.0.5<" in path_2
    assert ">10.14.0.6<" in path_2


def test_dot_shows_the_routers_floating_ips_and_hardware() -> None:
    dot = render_topology_dot(lab_plan("ms01"))
    assert "<B>10.0.55.1/32</B> on dum0" in dot
    assert "<B>10.0.55.2/32</B> on dum0" in dot
    assert dot.count("Minisforum MS-01") >= 2


def test_dot_shows_each_instance_cpu_pin() -> None:
    dot = render_topology_dot(lab_plan("ms01"))
    assert "CPU 10" in cluster(dot, 6)
    assert "CPU 13" in cluster(dot, 8)


def test_inactive_paths_are_dashed_and_grey() -> None:
    dot = render_topology_dot(lab_plan("gk41", paths={"count": 4, "active": 1}))
    for index in (2, 3, 4):
        assert "dashed" in cluster(dot, index)
        assert INACTIVE_COLOUR in cluster(dot, index)
        assert "inactive" in cluster(dot, index)


def test_active_paths_are_solid_and_coloured() -> None:
    path_1 = cluster(render_topology_dot(lab_plan("gk41", paths={"count": 4, "active": 1})), 1)
    assert "dashed" not in path_1
    assert INACTIVE_COLOUR not in path_1


def test_router_shows_how_many_next_hops_carry_traffic() -> None:
    dot = render_topology_dot(lab_plan("gk41", paths={"count": 4, "active": 1}))
    assert dot.count("1 of 4 next-hops") == 2


def test_a_committed_stack_plans_without_its_secrets() -> None:
    plan = stack_plan("gk41")
    assert [str(end.address.ip) for end in plan.path(2).ends.values()] == ["10.14.0.5", "10.14.0.6"]


def test_drawing_without_graphviz_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        write_topology(lab_plan("gk41"), tmp_path / "out")


@needs_dot
@pytest.mark.parametrize("stack", STACKS)
def test_svg_and_png_files_are_written(stack: str, tmp_path: Path) -> None:
    svg, png = write_topology(lab_plan(stack), tmp_path)
    assert (svg.name, png.name) == (f"{stack}-topology.svg", f"{stack}-topology.png")
    assert "<svg" in svg.read_text()
    assert png.stat().st_size > 10_000


@needs_dot
@pytest.mark.parametrize("stack", STACKS)
def test_png_is_big_enough_to_read_and_small_enough_for_a_readme(stack: str, tmp_path: Path) -> None:
    _, png = write_topology(lab_plan(stack), tmp_path)
    width, height = png_size(png)
    assert 800 <= width <= 3000
    assert 400 <= height <= 3000


@needs_dot
def test_svg_carries_every_path_address(tmp_path: Path) -> None:
    plan = lab_plan("ms01")
    svg, _ = write_topology(plan, tmp_path)
    text = svg.read_text()
    assert all(f">{end.address.ip}<" in text for path in plan.paths for end in path.ends.values())


@needs_dot
def test_graph_command_draws_a_committed_stack(tmp_path: Path) -> None:
    svg, png = graph_command("ms01", tmp_path / "pictures")
    assert svg == tmp_path / "pictures" / "ms01-topology.svg"
    assert png.exists()


@needs_dot
def test_graph_command_reads_the_stack_from_the_project_folder_it_is_given(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", project / "Pulumi.yaml")
    (project / "Pulumi.lab.yaml").write_text((PROJECT_DIR / "Pulumi.gk41.yaml").read_text())
    svg, _ = graph_command("lab", tmp_path / "pictures", project)
    assert svg == tmp_path / "pictures" / "lab-topology.svg"


@pytest.mark.parametrize("stack", ["gk41", "gk41-sites"])
def test_dot_draws_the_underlay_with_each_routers_interface_address_and_speed(stack: str) -> None:
    plan = lab_plan(stack)
    dot = render_topology_dot(plan)
    assert '"underlay" [label=<<B>underlay</B>' in dot
    for router in plan.routers:
        edge = next(line for line in dot.splitlines() if '"underlay"' in line and f'"{router.name}"' in line)
        assert f"{router.underlay_interface} {router.underlay_address} · {router.link_speed}" in edge


def test_dot_of_more_sites_shows_each_ends_cpu_pin() -> None:
    dot = render_topology_dot(lab_plan("gk41-sites"))
    assert '"br2" -> "path3"' in dot
    assert "10.14.0.19 · ztecmp3 · UDP 9996 · CPU 2" in dot


def test_mermaid_draws_two_routers_with_a_subgraph_per_path_and_the_underlay() -> None:
    mermaid = render_topology_mermaid(lab_plan("gk41", paths={"count": 4, "active": 3})).splitlines()
    assert mermaid[:4] == [
        "---",
        'title: "zt-ecmp · gk41 · Minisforum GK41: 4 paths, 3 active · multi-instance · ~1.179 Gbit/s expected (limited by instances)"',
        "---",
        "flowchart LR",
    ]
    assert mermaid[mermaid.index('  subgraph path2["path 2 · 10.14.0.4/30 · active"]') :][:7] == [
        '  subgraph path2["path 2 · 10.14.0.4/30 · active"]',
        '    path2_r1["10.14.0.5<br/>ztecmp2 · UDP 9995<br/>CPU 1"]',
        '    path2_r2["10.14.0.6<br/>ztecmp2 · UDP 9995<br/>CPU 1"]',
        '    path2_r1 ---|"ZeroTier zt-ecmp-gk41-path2"| path2_r2',
        "  end",
        "  router_r1 --- path2_r1",
        "  path2_r2 --- router_r2",
    ]
    assert '    path4_r1 -.-|"ZeroTier zt-ecmp-gk41-path4"| path4_r2' in mermaid
    assert mermaid[-3:] == [
        '  underlay(["underlay"])',
        '  router_r1 -.-|"eth2 198.51.100.1/29 · 2.5G"| underlay',
        '  underlay -.-|"eth2 198.51.100.2/29 · 2.5G"| router_r2',
    ]


def test_mermaid_of_more_sites_links_every_router_to_every_path_with_its_end_and_cpu_pin() -> None:
    mermaid = render_topology_mermaid(lab_plan("gk41-sites", routing={"topology": "hub-and-spoke", "hub": "hq"})).splitlines()
    assert '  path2["path 2 · 10.14.0.8/29 · active<br/>ZeroTier zt-ecmp-gk41-sites-path2<br/>spokes meet only through hq"]' in mermaid
    assert '  router_hq ---|"10.14.0.9 · ztecmp2 · UDP 9995 · CPU 1"| path2' in mermaid
    assert '  path2 ---|"10.14.0.10 · ztecmp2 · UDP 9995 · CPU 1"| router_br1' in mermaid
    assert '  router_br2 -.-|"eth2 198.51.100.3/29 · 2.5G"| underlay' in mermaid


def test_mermaid_node_ids_hold_no_dash_and_labels_no_bare_double_quote() -> None:
    routers = stack_settings("gk41")["routers"]
    routers[0]["name"] = "site-a"
    plan = lab_plan("gk41", routers=routers, hardware={"model": 'GK41 "lab"', "performanceCores": 4, "instanceGbps": 0.39})
    mermaid = render_topology_mermaid(plan)
    assert '  router_site_a["<b>site-a</b><br/>GK41 #quot;lab#quot;<br/>10.0.55.1/32 on dum0' in mermaid
    assert "  router_site_a --- path1_site_a" in mermaid


def test_graph_prints_mermaid_and_dot_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["graph", "--stack", "gk41", "--format", "mermaid"]) == 0
    assert capsys.readouterr().out == render_topology_mermaid(stack_plan("gk41"))
    assert main(["graph", "--stack", "gk41", "--format", "dot"]) == 0
    assert capsys.readouterr().out == render_topology_dot(stack_plan("gk41"))
    assert not (tmp_path / "out").exists()
