"""Errors a person can act on: one or two lines naming what they typed, exit 2 for bad input, 1 for a
failure outside the program, and never a traceback."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from components.cli import plan
from components.cli.main import main
from components.stack.automation import deployed_resources, engine_failure

REPO = Path(__file__).resolve().parents[2]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What argparse says when it refuses ``argv`` (exit status 2)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


OUT_OF_RANGE = [
    (["sweep", "--stack", "gk41", "--flows", "0"], "zt-ecmp sweep: error: argument --flows: 0 is out of range; give 1..128"),
    (["sweep", "--stack", "gk41", "--flows", "-3"], "argument --flows: -3 is out of range; give 1..128"),
    (["sweep", "--stack", "gk41", "--flows", "129"], "argument --flows: 129 is out of range; give 1..128"),
    (["sweep", "--stack", "gk41", "--seconds", "0"], "argument --seconds: 0 is out of range; give 1 s or more"),
    (["sweep", "--stack", "gk41", "--port", "65536"], "argument --port: 65536 is out of range; give 1..65535"),
    (["sweep", "--netns", "--paths", "0"], "argument --paths: 0 is out of range; give 1..64"),
    (["sweep", "--netns", "--rate-mbit", "0"], "argument --rate-mbit: 0 is out of range; give a number above 0 Mbit/s"),
    (["sweep", "--netns", "--rate-mbit", "nan"], "argument --rate-mbit: 'nan' is not a number; give a number above 0 Mbit/s"),
    (["bench-netns", "--seconds", "-1"], "argument --seconds: -1 is out of range; give a number above 0 s"),
    (["bench-netns", "--coverage", "1"], "argument --coverage: 1 is out of range; give a number above 0 and below 1"),
    (["bench-netns", "--routers", "17"], "argument --routers: 17 is out of range; give 2..16 routers"),
    (["bench-netns", "--paths", "two"], "argument --paths: 'two' is not a whole number; give 1..64"),
    (["bfd-failover", "--interval-ms", "5"], "argument --interval-ms: 5 is out of range; give 10..60000 ms"),
    (["bfd-failover", "--multiplier", "1"], "argument --multiplier: 1 is out of range; give 2..255"),
    (["bfd-failover", "--flows", "0"], "argument --flows: 0 is out of range; give 1..128"),
    (["bench-plan", "--repeats", "0"], "argument --repeats: 0 is out of range; give 1 or more"),
    (["bench-plan", "--size", "17x8"], "argument --size: '17x8' is out of range; a lab has 2 to 16 sites (M) and 1 to 64 paths (N)"),
    (["plan", "--stack", "--json"], "argument --stack: expected one argument"),
    (
        ["plan", "--stack=-x"],
        "argument --stack: '-x' is not a stack name; use letters, digits, '-', '_' and '.' (at most 100, not starting with '-' or '.')",
    ),
]


@pytest.mark.parametrize(("argv", "said"), OUT_OF_RANGE, ids=[" ".join(argv) for argv, _ in OUT_OF_RANGE])
def test_an_option_out_of_range_is_refused_as_typed_before_any_work(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _refused(argv, capsys).endswith(said)


def test_project_dir_naming_a_file_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    said = _refused(["plan", "--stack", "gk41", "--project-dir", str(REPO / "README.md")], capsys)
    assert said.endswith(
        f"argument --project-dir: {REPO / 'README.md'} is a file; name the folder holding Pulumi.yaml, e.g. --project-dir {REPO}"
    )


def test_project_dir_without_pulumi_yaml_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said = _refused(["plan", "--stack", "gk41", "--project-dir", str(tmp_path)], capsys)
    assert said.endswith(f"argument --project-dir: {tmp_path} holds no Pulumi.yaml; name the folder of this project")


@pytest.mark.parametrize("verb", [["graph", "--stack", "gk41"], ["plan", "--stack", "gk41"], ["bench-netns"], ["sweep", "--netns"]])
def test_out_naming_an_existing_file_is_refused(verb: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "report.txt"
    taken.write_text("mine\n")
    said = _refused([*verb, "--out", str(taken)], capsys)
    assert said.endswith(f"argument --out: {taken} is a file; name a folder (it is created if missing)")
    assert taken.read_text() == "mine\n"


def test_a_revision_that_looks_like_an_option_never_reaches_git_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = tmp_path / "written-by-git"
    assert main(["diff", "--stack", "gk41", f"--before=--output={written}"]) == 2
    assert capsys.readouterr().err == (
        f"error: --before --output={written}: neither a file nor a git revision of {REPO}; give a stack file or a commit, e.g. main\n"
    )
    assert not written.exists()


def _project(tmp_path: Path, stack: str, content: bytes) -> Path:
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / f"Pulumi.{stack}.yaml").write_bytes(content)
    return tmp_path


def _plan_error(project: Path, stack: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["plan", "--stack", stack, "--project-dir", str(project), "--out", str(project / "out")]) == 2
    return capsys.readouterr().err


def test_a_gzip_stack_file_is_named_for_what_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, "lab", gzip.compress((REPO / "Pulumi.gk41.yaml").read_bytes()))
    assert _plan_error(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}: is gzip-compressed, not UTF-8 text; decompress it (`gunzip`)\n"
    )


def test_a_utf16_stack_file_is_read_as_the_pulumi_cli_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What Windows editors save as "Unicode": UTF-16 with a byte order mark, which the CLI's YAML reader decodes.
    project = _project(tmp_path, "lab", (REPO / "Pulumi.gk41.yaml").read_text().encode("utf-16"))
    assert main(["plan", "--stack", "lab", "--project-dir", str(project), "--out", str(tmp_path / "out")]) == 0
    assert "N = 4 built, K = 4 active" in capsys.readouterr().out


def test_a_utf32_stack_file_is_refused_as_the_pulumi_cli_refuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, "lab", (REPO / "Pulumi.gk41.yaml").read_text().encode("utf-32"))
    assert "is UTF-32 text, which the Pulumi CLI cannot read, not UTF-8 text; save it as UTF-8" in _plan_error(project, "lab", capsys)


def test_a_stack_file_that_is_not_utf8_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, "lab", b"config:\n  zt-ecmp:paths:\n    count: \xe94\n")
    assert _plan_error(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}, line 3: not UTF-8 text (byte 0xe9 at offset 36); save the file as UTF-8\n"
    )


def test_a_stack_file_that_is_a_folder_is_named_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.lab.yaml").mkdir()
    assert _plan_error(tmp_path, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {tmp_path / 'Pulumi.lab.yaml'}: is a folder, not a file; a stack's settings are one YAML file\n"
    )


def test_a_key_written_twice_is_refused_naming_both_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gk41 = (REPO / "Pulumi.gk41.yaml").read_text()
    twice = gk41.replace("  zt-ecmp:paths:\n", "  zt-ecmp:paths:\n    count: 2\n  zt-ecmp:paths:\n", 1)
    first = twice.splitlines().index("  zt-ecmp:paths:") + 1
    project = _project(tmp_path, "lab", twice.encode())
    assert _plan_error(project, "lab", capsys) == (
        "error: invalid stack configuration:\n"
        f"  - {project / 'Pulumi.lab.yaml'}, line {first + 2}: `config.zt-ecmp:paths` is written twice in one mapping "
        f"(lines {first} and {first + 2}); keep one: the Pulumi CLI refuses the file\n"
    )


def test_a_nested_key_written_twice_names_where_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gk41 = (REPO / "Pulumi.gk41.yaml").read_text()
    twice = gk41.replace("        host: 192.0.2.41\n", "        host: 192.0.2.41\n        host: 192.0.2.43\n", 1)
    line = twice.splitlines().index("        host: 192.0.2.43") + 1
    project = _project(tmp_path, "lab", twice.encode())
    assert f"line {line}: `config.zt-ecmp:routers[0].ssh.host` is written twice in one mapping (lines {line - 1} and {line})" in (
        _plan_error(project, "lab", capsys)
    )


def test_an_unexpected_failure_is_one_line_without_a_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(plan, "run", broken)
    assert main(["plan", "--stack", "gk41"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: RuntimeError: something nobody foresaw\n  this is a bug of zt-ecmp;")
    assert "Traceback" not in err


def test_a_verb_that_needs_the_pulumi_cli_says_so_naming_the_stack(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["validate", "--stack", "ms01"]) == 2
    assert capsys.readouterr().err == (
        "error: stack ms01: reading a deployed stack needs the Pulumi CLI, which is not on PATH; "
        "install it (3.158.0 or later; README.md, Prerequisites) or put `pulumi` on PATH\n"
    )


def test_a_state_with_only_the_stack_and_its_providers_holds_no_lab() -> None:
    assert deployed_resources(None) == []
    assert (
        deployed_resources({"resources": [{"urn": "s", "type": "pulumi:pulumi:Stack"}, {"urn": "p", "type": "pulumi:providers:docker"}]})
        == []
    )
    assert deployed_resources({"resources": [{"urn": "n", "type": "zerotier:index/network:Network"}]}) == ["n"]


def test_an_engine_failure_is_the_clis_own_last_words() -> None:
    from pulumi.automation import CommandError
    from pulumi.automation._cmd import CommandResult

    failure = engine_failure(CommandError(CommandResult(stdout="", stderr="Updating...\nerror: update failed\n", code=255)))
    assert str(failure) == "the Pulumi CLI failed: Updating...; error: update failed"
    assert engine_failure(ValueError("not the engine's")) is None


def test_no_traceback_reaches_the_user_for_a_bad_stack_file(tmp_path: Path) -> None:
    project = _project(tmp_path, "lab", b"\xff\xfe\x00\x00garbage")
    done = subprocess.run(
        [sys.executable, "-m", "components", "plan", "--stack", "lab", "--project-dir", str(project)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert (done.returncode, "Traceback" in done.stderr) == (2, False)
