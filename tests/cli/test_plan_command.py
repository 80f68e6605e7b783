"""`python -m components plan`: the whole plan offline, as text or JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from components.cli.main import main
from tests.support.offline_runs import committed_run

REPO = Path(__file__).resolve().parents[2]


def _json_plan(stack: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["plan", "--stack", stack, "--json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_json_paths_carry_index_subnet_active_and_per_router_values(capsys: pytest.CaptureFixture[str]) -> None:
    path = _json_plan("gk41", capsys)["paths"][1]
    assert path["index"] == 2
    assert path["subnet"] == "10.14.0.4/30"
    assert path["active"] is True
    assert path["ends"]["r1"] == {"address": "10.14.0.5", "port": 9995, "interface": "ztecmp2", "cpus": [1]}
    assert path["ends"]["r2"]["address"] == "10.14.0.6"


def test_json_routers_carry_floating_ip_and_next_hops(capsys: pytest.CaptureFixture[str]) -> None:
    r2 = _json_plan("gk41", capsys)["routers"][1]
    assert (r2["name"], r2["floatingIp"]) == ("r2", "10.0.55.2/32")
    [route] = r2["routes"]
    assert (route["destination"], route["peer"]) == ("10.0.55.1/32", "r1")
    assert [hop["address"] for hop in route["nextHops"]] == ["10.14.0.1", "10.14.0.5", "10.14.0.9", "10.14.0.13"]


def test_the_json_plan_and_the_stack_outputs_are_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    report = _json_plan("gk41", capsys)
    outputs = committed_run("gk41").outputs
    assert {key: report[key] for key in outputs if key != "networkIds"} == {
        key: value for key, value in outputs.items() if key != "networkIds"
    }


def test_json_resources_name_type_and_parent(capsys: pytest.CaptureFixture[str]) -> None:
    resources = _json_plan("ms01", capsys)["resources"]
    assert {"type": "command:remote:Command", "name": "r2-vyos-path8-home", "parent": "r2-vyos"} in resources
    assert {"type": "zerotier:index/network:Network", "name": "path8", "parent": "path8"} in resources


def test_text_plan_shows_paths_routes_capacity_and_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "gk41"]) == 0
    text = capsys.readouterr().out
    assert "2     10.14.0.4/30   10.14.0.5   10.14.0.6   9995  ztecmp2" in text
    assert "r1 (vyos, 10.0.55.1/32 on dum0) -> 10.0.55.2/32 via 10.14.0.2, 10.14.0.6, 10.14.0.10, 10.14.0.14" in text
    assert "Capacity estimate: 1.572 Gbit/s" in text
    assert "--- r2: path4 devicemap ---\npath4-network-id=ztecmp4" in text
    assert "--- r1: VyOS configuration ---" in text
    assert "set protocols static route 10.0.55.2/32 next-hop 10.14.0.14" in text


def test_unknown_stack_exits_non_zero_listing_known_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "nope"]) == 2
    assert "known stacks: gk41, gk41-sites, ms01" in capsys.readouterr().err


def test_bad_configuration_exits_non_zero_with_the_setting(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    stack = (REPO / "Pulumi.gk41.yaml").read_text().replace("active: 4", "active: 9")
    (tmp_path / "Pulumi.gk41.yaml").write_text(stack)
    command = [sys.executable, "-m", "components", "plan", "--stack", "gk41", "--project-dir", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "paths.active: 9 is more than paths.count (4)" in done.stderr


def _project_with(tmp_path: Path, stack: str, text: str) -> Path:
    """A project folder holding this project's Pulumi.yaml and one stack file with ``text``."""
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(text)
    return tmp_path


def _plan_errors(project: Path, stack: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["plan", "--stack", stack, "--project-dir", str(project)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_a_yaml_syntax_error_names_the_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gk41 = (REPO / "Pulumi.gk41.yaml").read_text()
    project = _project_with(tmp_path, "gk41", gk41.replace("speeds: [1G, 2.5G]", "speeds: [1G, 2.5G"))
    # The parser notices on the line after the unclosed list, at the next key's colon.
    line = gk41.splitlines().index("      speeds: [1G, 2.5G]") + 2
    assert _plan_errors(project, "gk41", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.gk41.yaml'}, line {line}, column 13: not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence)\n"
    )


def test_a_tab_indentation_names_the_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project_with(tmp_path, "lab", "config:\n  zt-ecmp:paths:\n\tcount: 4\n")
    assert _plan_errors(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}, line 3, column 1: not valid YAML: found character '\\t' that cannot start any token "
        "(while scanning for the next token)\n"
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [("config:\n  - zt-ecmp:paths\n", "a list"), ("config: zt-ecmp\n", "the value 'zt-ecmp'")],
    ids=["a list", "a scalar"],
)
def test_a_config_that_is_not_a_mapping_names_the_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, what: str
) -> None:
    project = _project_with(tmp_path, "lab", f"secretsprovider: passphrase\n{text}")
    where = "line 3, column 3" if what == "a list" else "line 2, column 9"
    assert _plan_errors(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}, {where}: `config:` must be a mapping of setting names to values, not {what}\n"
    )


def test_a_stack_file_that_is_not_a_mapping_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project_with(tmp_path, "lab", "- config\n")
    assert _plan_errors(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}, line 1, column 1: the file must be a mapping of keys to values, not a list\n"
    )


def test_a_misspelt_namespace_in_the_stack_file_names_the_key_it_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gk41 = (REPO / "Pulumi.gk41.yaml").read_text()
    project = _project_with(tmp_path, "gk41", gk41.replace("zt-ecmp:routers:", "zt-ecpm:routers:"))
    assert _plan_errors(project, "gk41", capsys) == (
        "error: invalid stack configuration:\n"
        "  - zt-ecpm:routers: namespace 'zt-ecpm' is not this project's (zt-ecmp), so nothing reads it; "
        "did you mean zt-ecmp:routers?\n"
        "  - routers: required but not set; see the configuration reference in README.md\n"
    )


def test_a_misspelt_top_level_key_in_the_stack_file_names_the_key_it_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gk41 = (REPO / "Pulumi.gk41.yaml").read_text()
    project = _project_with(tmp_path, "gk41", gk41.replace("zt-ecmp:routers:", "zt-ecmp:rooters:"))
    assert _plan_errors(project, "gk41", capsys) == (
        "error: invalid stack configuration:\n"
        "  - rooters: unknown setting; did you mean routers?\n"
        "  - routers: required but not set; see the configuration reference in README.md\n"
    )


def test_a_stack_name_vyos_refuses_in_container_names_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project_with(tmp_path, "lab_1", (REPO / "Pulumi.gk41.yaml").read_text())
    assert "stack 'lab_1': routers[0] (r1) and routers[1] (r2) run the instances as VyOS containers" in _plan_errors(
        project, "lab_1", capsys
    )
