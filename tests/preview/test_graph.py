"""The topology picture: DOT text from the plan, and the SVG/PNG files Graphviz draws from it."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import pytest

from components.preview.graph import INACTIVE_COLOUR, GraphvizNotFoundError, graph_command, render_topology_dot, stack_plan, write_topology
from components.stack.files import PROJECT_DIR
from tests.support.stacks import lab_plan

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
