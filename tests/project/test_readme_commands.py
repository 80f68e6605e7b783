"""Every `zt-ecmp` command README.md shows runs as written after its setup step: the offline ones in a
fresh clone of this working copy, the ones that need a lab (Pulumi CLI, routers, root) up to their
arguments, which must parse."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.cli.main import build_parser
from components.stack.files import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()
# Verbs that need nothing but the project; every other verb needs a lab, and only its arguments are checked.
OFFLINE = {"plan", "diff", "graph", "init", "config-reference", "schema", "--version", "--help"}
COMMAND = re.compile(r"^(?:\.venv/bin/)?(?:zt-ecmp|python3? -m components)\b")


def readme_commands() -> list[str]:
    """The command lines of README.md's fenced sh and bash blocks that run this project's command, in order."""
    blocks = re.findall(r"^\s*```(?:sh|bash)\n(.*?)^\s*```", README, re.DOTALL | re.MULTILINE)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if COMMAND.match(line)]


def _argv(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    return words[3:] if words[0].startswith("python") else words[1:]


COMMANDS = readme_commands()
OFFLINE_COMMANDS = [line for line in COMMANDS if _argv(line)[0] in OFFLINE]
LAB_COMMANDS = [line for line in COMMANDS if _argv(line)[0] not in OFFLINE]


def test_the_readme_shows_offline_and_lab_commands() -> None:
    assert any(line.startswith("zt-ecmp plan") for line in OFFLINE_COMMANDS)
    assert any(line.startswith("zt-ecmp init") for line in OFFLINE_COMMANDS)
    assert any(line.startswith("zt-ecmp validate") for line in LAB_COMMANDS)


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working copy's tracked files as a new repository on branch main, as `git clone` would give them."""
    clone = tmp_path_factory.mktemp("clone")
    tracked = subprocess.run(["git", "-C", str(PROJECT_DIR), "ls-files", "-z"], capture_output=True, text=True, check=True).stdout
    for name in filter(None, tracked.split("\0")):
        if (PROJECT_DIR / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, clone / name)
    git = ["git", "-C", str(clone), "-c", "user.name=readme", "-c", "user.email=readme@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fresh clone"], check=True)
    return clone


def _environment() -> dict[str, str]:
    """A shell after README's setup step: the project's .venv/bin first on PATH."""
    venv_bin = Path(sys.executable).parent
    return {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.parametrize("line", OFFLINE_COMMANDS)
def test_an_offline_readme_command_runs_as_written_in_a_fresh_clone(line: str, fresh_clone: Path) -> None:
    if _argv(line)[0] == "graph" and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    argv = _argv(line)
    stack = argv[argv.index("--stack") + 1] if "--stack" in argv else None
    if argv[0] == "init" and stack is not None:
        (fresh_clone / f"Pulumi.{stack}.yaml").unlink(missing_ok=True)
    if argv[0] != "init" and stack is not None and not (fresh_clone / f"Pulumi.{stack}.yaml").exists():
        # A stack README.md has `zt-ecmp init` write first, as it shows them in that order.
        init = next(command for command in OFFLINE_COMMANDS if command.startswith("zt-ecmp init") and f"--stack {stack}" in command)
        subprocess.run(["bash", "-c", init], cwd=fresh_clone, env=_environment(), capture_output=True, check=True)
    done = subprocess.run(
        ["bash", "-c", line], cwd=fresh_clone, env=_environment(), capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("line", LAB_COMMANDS)
def test_a_lab_readme_command_has_arguments_that_parse(line: str) -> None:
    assert build_parser().parse_args(_argv(line)).command == _argv(line)[0]
