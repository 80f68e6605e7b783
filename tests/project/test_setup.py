"""`make`: setup refuses a Python too old before creating anything, remakes a venv of another Python,
installs only what the plan needs for `make plan`, and lists its targets."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.stack.files import PROJECT_DIR

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-C", str(PROJECT_DIR), *arguments], capture_output=True, text=True, check=False, timeout=120)


def test_make_help_lists_every_target() -> None:
    declared = re.search(r"^\.PHONY: (.*)$", (PROJECT_DIR / "Makefile").read_text(), re.MULTILINE)
    assert declared is not None
    listed = _make("help").stdout
    assert [target for target in declared[1].split() if target != "FORCE" and f"\n  {target} " not in listed] == []


def test_make_plan_installs_only_what_the_plan_needs(tmp_path: Path) -> None:
    planned = _make("-n", "plan", f"VENV={tmp_path / 'venv'}").stdout
    assert "-r requirements.txt" in planned and "--editable ." in planned
    assert "requirements-dev.txt" not in planned
    assert "requirements-dev.txt" in _make("-n", "test", f"VENV={tmp_path / 'venv'}").stdout


def _fake_python(folder: Path, version: str) -> Path:
    """An interpreter that says it is ``version`` and is too old for anything else."""
    fake = folder / "python-old"
    fake.write_text(f'#!/bin/sh\ncase "$2" in *sys.exit*) exit 1;; *) echo {version};; esac\n')
    fake.chmod(0o755)
    return fake


def _old_pythons() -> list[str]:
    found = [
        str(path)
        for path in [*sorted(Path.home().glob(".pyenv/versions/3.[0-9].*/bin/python3")), Path("/usr/bin/python3.9")]
        if path.exists()
    ]
    return found[:1]


@pytest.mark.parametrize("real", [False, *(True for _ in _old_pythons())], ids=["fake 3.8.10", *(["real"] if _old_pythons() else [])])
def test_setup_refuses_a_python_older_than_3_11_before_creating_the_venv(tmp_path: Path, real: bool) -> None:
    python = _old_pythons()[0] if real else str(_fake_python(tmp_path, "3.8.10"))
    found = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], capture_output=True, text=True, check=False
    ).stdout.strip()
    done = _make("setup", f"PYTHON={python}", f"VENV={tmp_path / 'venv'}")
    assert done.returncode != 0
    assert f"setup: {python} is Python {found}, and zt-ecmp needs Python 3.11 or later" in done.stderr
    assert not (tmp_path / "venv").exists()


def _other_python() -> str | None:
    """A Python 3.11 or later other than the one running the tests, to have made a venv before."""
    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    for path in sorted(Path.home().glob(".pyenv/versions/3.1[1-9].*/bin/python3")):
        if not path.parent.parent.name.startswith(mine):
            return str(path)
    return None


@pytest.mark.skipif(_other_python() is None, reason="no second Python 3.11+ on this machine")
def test_a_venv_made_by_another_python_is_made_again(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([str(_other_python()), "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(Path(sys.base_prefix) / "bin" / "python3")
    done = subprocess.run([str(PROJECT_DIR / "tools" / "python-venv"), python, str(venv)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"setup: {venv} was made by another Python" in done.stdout
    made = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True, check=False
    )
    assert made.stdout.strip() == str(sys.version_info[:2])
    again = subprocess.run([str(PROJECT_DIR / "tools" / "python-venv"), python, str(venv)], capture_output=True, text=True, check=False)
    assert (again.returncode, again.stdout) == (0, "")
