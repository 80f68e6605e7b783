"""`zt-ecmp init`: a stack of your own from a reference profile, the profile left as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.cli.main import main
from components.stack.files import PROJECT_DIR, load_stack_file


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.ms01.yaml", "Pulumi.gk41.yaml"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    return tmp_path


def test_init_writes_the_profiles_settings_under_the_new_name_and_says_what_comes_next(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--from", "ms01", "--stack", "mylab", "--project-dir", str(project)]) == 0
    assert (project / "Pulumi.mylab.yaml").read_text() == (PROJECT_DIR / "Pulumi.ms01.yaml").read_text()
    assert (project / "Pulumi.ms01.yaml").read_text() == (PROJECT_DIR / "Pulumi.ms01.yaml").read_text()
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {project / 'Pulumi.mylab.yaml'} from Pulumi.ms01.yaml, which is unchanged\nnext:\n")
    assert out.rstrip().endswith("6. pulumi up --stack mylab")
    assert load_stack_file("mylab", project)[1] == load_stack_file("ms01", project)[1]


def test_init_never_overwrites_a_stack_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.mylab.yaml").write_text("# mine\n")
    assert main(["init", "--from", "ms01", "--stack", "mylab", "--project-dir", str(project)]) == 2
    assert capsys.readouterr().err == (
        f"error: --stack mylab: {project / 'Pulumi.mylab.yaml'} already exists; it is left as it is: choose another name, "
        "or edit that file\n"
    )
    assert (project / "Pulumi.mylab.yaml").read_text() == "# mine\n"


def test_init_from_an_unknown_profile_lists_the_known_ones(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--from", "ms02", "--stack", "mylab", "--project-dir", str(project)]) == 2
    assert capsys.readouterr().err == f"error: --from ms02: no Pulumi.ms02.yaml in {project}; known stacks: gk41, ms01\n"
    assert not (project / "Pulumi.mylab.yaml").exists()


def test_init_leaves_out_what_belongs_to_the_profiles_own_stack(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A working copy whose ms01 stack was created and given its secrets, as README.md tells it.
    profile = project / "Pulumi.ms01.yaml"
    committed = profile.read_text()
    profile.write_text(
        committed
        + "  zt-ecmp:sshPrivateKey:\n    secure: v1:FAKE-ENCRYPTED-KEY\n"
        + "  zerotier:zerotierCentralToken:\n    secure: v1:FAKE-ENCRYPTED-TOKEN\n"
        + "encryptionsalt: v1:FAKE-SALT\n"
    )
    assert main(["init", "--from", "ms01", "--stack", "mylab", "--project-dir", str(project)]) == 0
    capsys.readouterr()
    assert (project / "Pulumi.mylab.yaml").read_text() == committed


def test_the_new_stack_plans_offline_at_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--from", "gk41", "--stack", "mylab", "--project-dir", str(project)]) == 0
    assert main(["plan", "--stack", "mylab", "--project-dir", str(project), "--out", str(project / "out")]) == 0
    assert "zt-ecmp plan for stack mylab" in capsys.readouterr().out
