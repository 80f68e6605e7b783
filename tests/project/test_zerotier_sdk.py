"""The ZeroTier SDK folder survives `pulumi install`: what it deletes, regenerates and rewrites stays working.

`pulumi install` deletes sdks/zerotier, generates the real SDK there and links it through
requirements.txt. So the stand-in lives in its own folder, sdks/zerotier is generated-only and
git-ignored, and nothing here may lean on the stand-in's insides.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from components.stack.files import PROJECT_DIR

SDK = "sdks/zerotier"
STANDIN = "sdks/zerotier-standin"
SDK_PACKAGE = "pulumi_zerotier"
Link = Callable[[str, str, str], str]

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _our_python_files() -> Iterator[Path]:
    yield PROJECT_DIR / "__main__.py"
    for folder in ("components", "tests"):
        yield from sorted((PROJECT_DIR / folder).rglob("*.py"))


def _private_uses(source: str) -> list[str]:
    """Every import of, or attribute reach into, a private module or name of the SDK package."""
    found: list[str] = []
    aliases: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == SDK_PACKAGE:
                    aliases.add(alias.asname or alias.name)
                elif alias.name.startswith(f"{SDK_PACKAGE}._"):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module.startswith(f"{SDK_PACKAGE}._"):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            elif node.module == SDK_PACKAGE:
                found += [f"line {node.lineno}: from {SDK_PACKAGE} import {a.name}" for a in node.names if a.name.startswith("_")]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases and node.attr.startswith("_"):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_the_scan_finds_each_way_of_reaching_into_a_private_module() -> None:
    source = (
        "import pulumi_zerotier as zerotier\nimport pulumi_zerotier._standin\nfrom pulumi_zerotier._inputs import X\n"
        "from pulumi_zerotier import _standin, Network\nzerotier._utilities.get_version()\nzerotier.Network('n')\n"
    )
    assert len(_private_uses(source)) == 4


def test_no_component_or_test_reaches_into_a_private_module_of_the_sdk() -> None:
    # The generated SDK's private modules (_inputs, _utilities) are not the stand-in's: only public names hold for both.
    offenders = {str(path.relative_to(PROJECT_DIR)): uses for path in _our_python_files() if (uses := _private_uses(path.read_text()))}
    assert offenders == {}


# What `pulumi install` does to requirements.txt when it links the SDK it generated.


def _link_as_in_3_274(text: str, package: str, path: str) -> str:
    """pulumi/pulumi sdk/python/toolchain/pip.go, (*pip).LinkPackages (v3.274.1): drop every line that
    names the package or equals its path, then append the path, keeping line endings and the final newline.
    Checked against that function itself, built from the release, on this file and on edge cases."""
    ending = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    trailing = bool(lines) and lines[-1].strip() == ""
    if trailing:
        lines = lines[:-1]
    kept = []
    for line in lines:
        stripped = line.strip()
        name = stripped.replace("-", "_")
        leading = name[: len(name) - len(name.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))]
        if stripped and leading and (leading == package or stripped == path):
            continue
        kept.append(line)
    kept.append(path)
    if trailing:
        kept.append("")
    return ending.join(kept)


def _link_older(text: str, package: str, path: str) -> str:
    """pulumi/pulumi pkg/cmd/pulumi/packagecmd/project_sdk_link.go, linkPythonPackage (older CLIs): add
    the path as a line of its own only when no line is exactly that."""
    if path in text.splitlines():
        return text
    return f"{path}\n{text}"


@pytest.mark.parametrize("link", [_link_as_in_3_274, _link_older], ids=["link-3.274", "link-older"])
def test_pulumi_install_leaves_requirements_txt_byte_identical(link: Link) -> None:
    text = (PROJECT_DIR / "requirements.txt").read_text()
    assert link(text, SDK_PACKAGE, SDK) == text


@pytest.mark.parametrize("link", [_link_as_in_3_274, _link_older], ids=["link-3.274", "link-older"])
def test_an_editable_sdk_line_would_gain_a_conflicting_second_one(link: Link) -> None:
    # What broke `pulumi install` before: `-e ./sdks/zerotier` is not the path line, so a second
    # requirement for the same package is added and pip refuses both (ResolutionImpossible).
    before = "pulumi==3.272.0\n-e ./sdks/zerotier\n"
    assert link(before, SDK_PACKAGE, SDK).splitlines().count(SDK) == 1
    assert "-e ./sdks/zerotier" in link(before, SDK_PACKAGE, SDK)


def test_requirements_name_the_sdk_once_as_their_last_line() -> None:
    lines = [line for line in (PROJECT_DIR / "requirements.txt").read_text().splitlines() if line.strip()]
    assert lines[-1] == SDK
    assert [line for line in lines if "zerotier" in line and not line.startswith("#")] == [SDK]


# The folder itself: git-ignored, filled by `make setup` only while absent, re-installed when regenerated.


def _git_ignores(relative: str) -> bool | None:
    if shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", relative], cwd=PROJECT_DIR, capture_output=True, check=False)
    return {0: True, 1: False}.get(done.returncode)


def test_git_ignores_the_generated_sdk_folder_and_keeps_the_stand_in() -> None:
    verdicts = (_git_ignores(f"{SDK}/pyproject.toml"), _git_ignores(f"{STANDIN}/pyproject.toml"))
    if None in verdicts:
        pytest.skip("not a git checkout, or git is not installed")
    assert verdicts == (True, False)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def make_project(tmp_path: Path) -> Path:
    """The Makefile, requirements and stand-in in a scratch folder, without sdks/zerotier."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    # Only what git tracks: build leftovers are not part of the stand-in.
    shutil.copytree(PROJECT_DIR / STANDIN, tmp_path / STANDIN, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    return tmp_path


def _make(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=project, capture_output=True, text=True, check=False, timeout=60)


@needs_make
def test_make_setup_copies_the_stand_in_when_the_sdk_folder_is_absent(make_project: Path) -> None:
    done = _make(make_project, f"{SDK}/pyproject.toml")
    assert done.returncode == 0, done.stderr
    assert _tree(make_project / SDK) == _tree(make_project / STANDIN)


@needs_make
def test_make_setup_never_overwrites_a_generated_sdk(make_project: Path) -> None:
    generated = make_project / SDK
    generated.mkdir(parents=True)
    (generated / "pyproject.toml").write_text('[project]\nname = "pulumi_zerotier"\n# generated by pulumi install\n')
    done = _make(make_project, f"{SDK}/pyproject.toml")
    assert done.returncode == 0, done.stderr
    assert _tree(generated) == {"pyproject.toml": b'[project]\nname = "pulumi_zerotier"\n# generated by pulumi install\n'}


@needs_make
def test_a_half_present_sdk_folder_stops_make_setup_naming_pulumi_install(make_project: Path) -> None:
    (make_project / SDK).mkdir(parents=True)
    done = _make(make_project, f"{SDK}/pyproject.toml")
    assert done.returncode != 0
    assert "pulumi install" in done.stderr


@needs_make
def test_make_setup_installs_the_sdk_again_once_pulumi_install_regenerated_it(make_project: Path) -> None:
    assert _make(make_project, f"{SDK}/pyproject.toml").returncode == 0
    version = ".".join(str(part) for part in sys.version_info[:3])
    stamps = [make_project / "venv" / f".{kind}-python{version}" for kind in ("runtime", "dev")]
    stamps[0].parent.mkdir()
    sdk_project = make_project / SDK / "pyproject.toml"
    os.utime(sdk_project, (1_000_000_000, 1_000_000_000))
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        os.utime(make_project / name, (1_000_000_000, 1_000_000_000))
    for stamp in stamps:
        stamp.touch()
        os.utime(stamp, (1_000_000_100, 1_000_000_100))
    python = f"PYTHON={sys.executable}"
    assert "pip" not in _make(make_project, "-n", "setup", "VENV=venv", python).stdout
    os.utime(sdk_project, (1_000_000_200, 1_000_000_200))  # what regenerating the folder does
    assert "-r requirements.txt" in _make(make_project, "-n", "setup", "VENV=venv", python).stdout
