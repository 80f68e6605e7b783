"""The commands that make and remove an instance's home directory on a runtime-vyos router, and its files.

What each runs is a program of ``programs/`` (``make-home.sh``, ``remove-home.sh``,
``remove-home-file.sh``, ``write-home-file.sh``), so that shellcheck reads it and the infra layer
writes no shell of its own.
"""

from __future__ import annotations

from components.model.naming import VYOS_STATE_DIR
from components.render.vyos import PROGRAMS
from components.render.vyos.configuration import render_write_home_file


def render_make_home(directory: str) -> str:
    return PROGRAMS.text("make-home.sh", DIRECTORY=directory)


def render_remove_home(directory: str) -> str:
    """Removes ``directory``, then its parent (the stack's folder) and the lab's state folder if now empty."""
    return PROGRAMS.text("remove-home.sh", DIRECTORY=directory, STACK_DIR=directory.rsplit("/", 1)[0], STATE_DIR=VYOS_STATE_DIR)


def render_write_file(path: str, restart_container: str | None, mode: str) -> str:
    """Writes stdin to ``path`` owner-only (and, with ``restart_container``, restarts the container that reads it)."""
    return render_write_home_file(path, mode, restart_container)


def render_remove_file(path: str) -> str:
    return PROGRAMS.text("remove-home-file.sh", FILE=path)
