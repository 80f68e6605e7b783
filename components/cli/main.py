"""Command line: ``zt-ecmp <verb> ...`` (or ``python -m components <verb> ...``), one module per verb here.

A verb module has a ``NAME``, a ``HELP`` line, what it ``NEEDS`` (offline, the Pulumi CLI, routers),
``EXAMPLES`` of it as typed, ``add_arguments(parser)`` and ``run(args) -> int``; this module only puts
them together and turns every error a verb may meet into one or two lines and an exit status: 2 for
input the user can fix, 1 for a failure outside the program, 130 for an interrupt. No traceback
reaches the user unless ``ZT_ECMP_TRACEBACK=1`` asks for it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Protocol

from components.cli import (
    bench_netns,
    bench_plan,
    bench_validate,
    bfd_failover,
    collect,
    config_reference,
    connect,
    diff,
    graph,
    init,
    plan,
    schema,
    status,
    sweep,
    validate,
)
from components.cli.version import version_line
from components.model.errors import InputError, OutsideError

PROG = "zt-ecmp"
TRACEBACK_VARIABLE = "ZT_ECMP_TRACEBACK"


class Verb(Protocol):
    """What a verb module provides."""

    NAME: str
    HELP: str
    # What it needs to run: "offline" or what else (the Pulumi CLI, a deployed stack, routers, root).
    NEEDS: str

    # Command lines as a user types them, each starting with ``zt-ecmp <NAME>``.
    @property
    def EXAMPLES(self) -> tuple[str, ...]: ...  # noqa: N802 - a module constant

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# In the order `--help` lists them.
VERBS: tuple[Verb, ...] = (
    plan,
    diff,
    graph,
    init,
    bench_plan,
    bench_netns,
    bench_validate,
    bfd_failover,
    sweep,
    validate,
    status,
    collect,
    connect,
    config_reference,
    schema,
)


def verb_epilog(verb: Verb) -> str:
    examples = "\n".join(f"  {example}" for example in verb.EXAMPLES)
    return f"needs: {verb.NEEDS}\n\nexample{'s' if len(verb.EXAMPLES) > 1 else ''}:\n{examples}"


class _VersionAction(argparse.Action):
    """``--version``: one line as it is (argparse's own action would wrap it), then exit 0."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None) -> None:
        print(version_line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="zt-ecmp: ZeroTier ECMP labs between 2 to 16 routers, built with Pulumi",
        epilog="`zt-ecmp <command> --help` says what a command needs and shows an example.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version of zt-ecmp and of what it runs on")
    commands = parser.add_subparsers(dest="command", required=True, metavar="<command>")
    for verb in VERBS:
        command = commands.add_parser(
            verb.NAME,
            help=verb.HELP,
            description=verb.HELP,
            epilog=verb_epilog(verb),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        verb.add_arguments(command)
        command.set_defaults(run=verb.run)
    return parser


def _engine_failure(error: BaseException) -> OutsideError | None:
    # Imported here: only verbs that use the Automation API can meet its errors, and it loads the Pulumi SDK.
    from components.stack.automation import engine_failure

    return engine_failure(error)


def _report(error: BaseException) -> None:
    print(f"error: {error}", file=sys.stderr)


def _command_words(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words up to the first ``--``, and those after it: the command ``connect`` runs on a router, passed on
    as they are (argparse would read them as options, and ``--stack`` given after the router as part of them)."""
    words = list(argv)
    if "--" not in words:
        return words, []
    split = words.index("--")
    return words[:split], words[split + 1 :]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    own, command = _command_words(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(own)
    if command:
        if "remote" not in vars(args):
            parser.error(f"unrecognized arguments: -- {' '.join(command)} (only `connect` takes a command after --)")
        args.remote = [*args.remote, *command]
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (InputError, FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
        # A stack file, an option or a folder the caller can fix: no traceback.
        _report(error)
        return 2
    except OutsideError as error:
        _report(error)
        return 1
    except Exception as error:
        if (failure := _engine_failure(error)) is not None:
            _report(failure)
            return 1
        # The last resort: every failure a verb can foresee has its own message above.
        if os.environ.get(TRACEBACK_VARIABLE) == "1":
            raise
        print(
            f"error: {type(error).__name__}: {error}\n"
            f"  this is a bug of zt-ecmp; run it again with {TRACEBACK_VARIABLE}=1 for the traceback, and report it with "
            "the output of `zt-ecmp --version` and `pulumi about`",
            file=sys.stderr,
        )
        return 1
