"""The arguments that name a stack, the same for every verb that takes one: ``--stack`` and ``--project-dir``."""

from __future__ import annotations

import argparse
from pathlib import Path

from components.stack.files import PROJECT_DIR, PROJECT_FILE, stack_name_problem


def add_stack_arguments(
    parser: argparse.ArgumentParser,
    stack_help: str,
    *,
    stack_among: argparse._MutuallyExclusiveGroup | None = None,
    required: bool = True,
) -> None:
    """``--stack NAME`` (``stack_help`` says what the verb does with it) and the project folder its
    ``Pulumi.<stack>.yaml`` is read from. ``stack_among`` puts ``--stack`` in a group of alternatives
    (the sweep's ``--netns``), which then decides whether one is required. Where it is not ``required``,
    the verb takes the stack the Pulumi CLI has selected."""
    if stack_among is None:
        parser.add_argument("--stack", required=required, type=stack_name, help=stack_help)
    else:
        stack_among.add_argument("--stack", type=stack_name, help=stack_help)
    add_project_dir_argument(parser)


def stack_name(text: str) -> str:
    """A stack name as Pulumi accepts one; anything else (a path, an option) is refused as typed."""
    if (problem := stack_name_problem(text)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def project_folder(text: str) -> Path:
    """``--project-dir``: an existing folder holding Pulumi.yaml."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist; name the folder holding {PROJECT_FILE}")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file; name the folder holding {PROJECT_FILE}, e.g. --project-dir {path.parent}")
    if not (path / PROJECT_FILE).is_file():
        raise argparse.ArgumentTypeError(f"{text} holds no {PROJECT_FILE}; name the folder of this project")
    return path


def default_project_dir(start: Path | None = None) -> Path:
    """The project a command reads, as the Pulumi CLI finds one: the nearest folder from the current one
    upwards that holds Pulumi.yaml; outside any project, the one this program belongs to."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return PROJECT_DIR


def add_project_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--project-dir``: the folder holding Pulumi.yaml and the stack files."""
    parser.add_argument(
        "--project-dir",
        type=project_folder,
        default=default_project_dir(),
        help="folder holding Pulumi.yaml (default: the nearest one from here upwards, else this project)",
    )
