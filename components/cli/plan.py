"""``python -m components plan``: what `pulumi up` would build, offline, as text or one JSON document."""

from __future__ import annotations

import argparse
import sys

from components.cli.stack_arguments import add_stack_arguments

NAME = "plan"
HELP = "show what `pulumi up` would build, offline: no CLI, no hardware, no secrets"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of text")


def run(args: argparse.Namespace) -> int:
    # Imported here, not above: the offline run loads the Pulumi runtime, which only plan and diff need
    # (every verb module is loaded to build the parser).
    from components.preview.offline import run_stack_offline
    from components.preview.report import render_plan_json, render_plan_text

    offline = run_stack_offline(args.stack, args.project_dir)
    sys.stdout.write(render_plan_json(offline) if args.json else render_plan_text(offline))
    return 0
