"""`python -m components plan`: the whole plan offline, as text or JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from components.cli.main import main
from components.render.artefacts import rendered_artefacts
from tests.support.offline_runs import committed_run, stack_run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _offline_runs_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's offline run is a function of the stack file: made once per session for each."""
    monkeypatch.setattr("components.preview.offline.run_stack_offline", stack_run)


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
    # But for what only a deployment knows: the networks' ids, and the settings as deployed.
    report = _json_plan("gk41", capsys)
    outputs = committed_run("gk41").outputs
    deployed_only = ("networkIds", "settings")
    assert {key: report[key] for key in outputs if key not in deployed_only} == {
        key: value for key, value in outputs.items() if key not in deployed_only
    }


def test_json_resources_name_type_and_parent(capsys: pytest.CaptureFixture[str]) -> None:
    resources = _json_plan("ms01", capsys)["resources"]
    assert {"type": "command:remote:Command", "name": "r2-vyos-path8-home", "parent": "r2-vyos"} in resources
    assert {"type": "zerotier:index/network:Network", "name": "path8", "parent": "path8"} in resources


def test_text_plan_shows_paths_routes_and_capacity(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["plan", "--stack", "gk41", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "2     10.14.0.4/30   10.14.0.5   10.14.0.6   9995  ztecmp2" in text
    assert (
        "  r1  vyos, runtime vyos, floating 10.0.55.1/32 on dum0\n"
        "      -> r2 10.0.55.2/32 via 10.14.0.2, 10.14.0.6, 10.14.0.10, 10.14.0.14\n" in text
    )
    assert "Capacity estimate: 1.572 Gbit/s" in text


def test_full_prints_every_file_and_script_after_the_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["plan", "--stack", "gk41", "--full", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "--- r2: path4 devicemap (path4-devicemap) ---\npath4-network-id=ztecmp4" in text
    assert "--- r1: VyOS configuration (vyos-configuration.set) ---" in text
    assert "set protocols static route 10.0.55.2/32 next-hop 10.14.0.14" in text
    assert list(tmp_path.iterdir()) == []


SECTIONS = (
    "zt-ecmp plan for stack",
    "Paths",
    "Routers and routes",
    "Capacity estimate",
    "Resources pulumi up would create",
    "Files and scripts",
)


def _plan_text(stack: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path) -> str:
    """``plan --stack`` as typed, run in ``folder``: the files go to its ``out/``."""
    monkeypatch.chdir(folder)
    assert main(["plan", "--stack", stack]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("stack", ["gk41", "ms01", "gk41-sites"])
def test_the_default_plan_fits_two_screens_in_the_order_a_reader_needs(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _plan_text(stack, capsys, monkeypatch, tmp_path).splitlines()
    assert len(lines) <= 120
    starts = [next(number for number, line in enumerate(lines) if line.startswith(section)) for section in SECTIONS]
    assert starts == sorted(starts)


def _outside_tables(text: str) -> list[str]:
    """The lines of a plan that are not rows of its tables (the paths and the resources)."""
    kept, in_table = [], False
    for line in text.splitlines():
        if line in ("Paths",) or line.startswith("Resources pulumi up would create"):
            in_table = True
        elif not line:
            in_table = False
        elif not in_table:
            kept.append(line)
    return kept


@pytest.mark.parametrize("stack", ["gk41", "ms01", "gk41-sites"])
def test_lines_outside_tables_stay_within_100_columns(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [line for line in _outside_tables(_plan_text(stack, capsys, monkeypatch, tmp_path)) if len(line) > 100] == []


def test_the_plan_counts_resources_by_component_and_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _plan_text("ms01", capsys, monkeypatch, tmp_path)
    assert (
        "Resources pulumi up would create: 150\n"
        "  component         resource type                     count\n"
        "  VyosRouter x 2    command:remote:Command              100\n"
        "                    zt-ecmp:index:VyosRouter              2\n"
        "  ZeroTierPath x 8  zerotier:index/identity:Identity     16\n"
        "                    zerotier:index/member:Member         16\n"
        "                    zerotier:index/network:Network        8\n"
        "                    zt-ecmp:index:ZeroTierPath            8\n"
        "  total                                                 150\n"
    ) in text


def test_the_files_and_scripts_go_one_file_each_to_a_folder_per_router(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _plan_text("ms01", capsys, monkeypatch, tmp_path)
    assert "Files and scripts for the routers: 56, one file each in out/ms01/" in text
    folder = tmp_path / "out" / "ms01"
    for artefact in rendered_artefacts(committed_run("ms01").plan):
        assert (folder / artefact.router / artefact.file).read_text() == artefact.text
    assert len(list((folder / "r1").iterdir())) == 28
    assert (folder / "r2" / "vyos-apply.vbash").read_text().startswith("#!/bin/vbash")


def test_a_new_plan_of_the_stack_replaces_the_files_of_paths_it_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "project").mkdir()
    project = _project_with(tmp_path / "project", "lab", (REPO / "Pulumi.gk41.yaml").read_text())
    out = tmp_path / "out"
    assert main(["plan", "--stack", "lab", "--project-dir", str(project), "--out", str(out)]) == 0
    stack_file = project / "Pulumi.lab.yaml"
    stack_file.write_text(stack_file.read_text().replace("count: 4\n    active: 4", "count: 2\n    active: 2"))
    assert main(["plan", "--stack", "lab", "--project-dir", str(project), "--out", str(out)]) == 0
    capsys.readouterr()
    assert sorted(path.name for path in (out / "lab" / "r1").iterdir() if path.name.startswith("path")) == [
        "path1-devicemap",
        "path1-local.conf",
        "path1-start.sh",
        "path2-devicemap",
        "path2-local.conf",
        "path2-start.sh",
    ]


def test_a_stack_folder_the_plan_did_not_write_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gk41").mkdir()
    (tmp_path / "gk41" / "notes.txt").write_text("mine\n")
    assert main(["plan", "--stack", "gk41", "--out", str(tmp_path)]) == 2
    assert "exists and was not written by `zt-ecmp plan`; remove it or choose another --out" in capsys.readouterr().err
    assert (tmp_path / "gk41" / "notes.txt").read_text() == "mine\n"


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


def test_a_lab_setting_encrypted_in_the_stack_file_is_named_not_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (REPO / "Pulumi.gk41.yaml").read_text().replace("count: 4\n    active: 4", "secure: v1:FAKE-ENCRYPTED-PATHS")
    errors = _plan_errors(_project_with(tmp_path, "lab", text), "lab", capsys)
    assert "paths: stored as a secret, but lab settings are plain data" in errors
    assert "[secret" not in errors


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
