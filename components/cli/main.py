"""Command line: ``python -m components <verb> ...``, one module per verb in this package.

A verb module has a ``NAME``, a ``HELP`` line, ``add_arguments(parser)`` and ``run(args) -> int``;
this module only puts them together and turns the errors every verb may meet into exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Protocol

from components.cli import bench_netns, bench_plan, bfd_failover, config_reference, diff, graph, plan, sweep, validate
from components.model.settings import ConfigError


class Verb(Protocol):
    """What a verb module provides."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# In the order `--help` lists them.
VERBS: tuple[Verb, ...] = (plan, diff, graph, bench_plan, bench_netns, bfd_failover, sweep, validate, config_reference)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m components", description="zt-ecmp: ZeroTier ECMP labs")
    commands = parser.add_subparsers(dest="command", required=True)
    for verb in VERBS:
        command = commands.add_parser(verb.NAME, help=verb.HELP)
        verb.add_arguments(command)
        command.set_defaults(run=verb.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, FileNotFoundError) as error:
        # A stack file that is missing or wrong is the caller's to fix, not a crash: no traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2
