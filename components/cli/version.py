"""``zt-ecmp --version``: this project's version and what a bug report needs beside it."""

from __future__ import annotations

import platform
import tomllib
from importlib import metadata

from components.stack.files import PROJECT_DIR

DISTRIBUTION = "zt-ecmp"


def project_version() -> str:
    """The version pyproject.toml gives, as installed (``make setup``), or read from a checkout that is not installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        with (PROJECT_DIR / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_line() -> str:
    return (
        f"zt-ecmp {project_version()} (Python {platform.python_version()}, pulumi SDK {_installed('pulumi')}, "
        f"pulumi-command {_installed('pulumi-command')}, pulumi-docker {_installed('pulumi-docker')})"
    )
