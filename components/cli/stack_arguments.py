"""The arguments that name a stack, the same for every verb that takes one: ``--stack`` and ``--project-dir``."""

from __future__ import annotations

import argparse
from pathlib import Path

from components.stack.files import PROJECT_DIR


def add_stack_arguments(
    parser: argparse.ArgumentParser, stack_help: str, *, stack_among: argparse._MutuallyExclusiveGroup | None = None
) -> None:
    """``--stack NAME`` (``stack_help`` says what the verb does with it) and the project folder its
    ``Pulumi.<stack>.yaml`` is read from. ``stack_among`` puts ``--stack`` in a group of alternatives
    (the sweep's ``--netns``), which then decides whether one is required."""
    if stack_among is None:
        parser.add_argument("--stack", required=True, help=stack_help)
    else:
        stack_among.add_argument("--stack", help=stack_help)
    add_project_dir_argument(parser)


def add_project_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--project-dir``: the folder holding Pulumi.yaml and the stack files."""
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="folder holding Pulumi.yaml (default: this project)")
