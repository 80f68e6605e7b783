"""``zt-ecmp plan``: what `pulumi up` would build, offline: a summary on screen, the files in a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.cli.options import output_folder
from components.cli.stack_arguments import add_stack_arguments

NAME = "plan"
HELP = "show what `pulumi up` would build, offline: no CLI, no hardware, no secrets"
NEEDS = "nothing but this project: it runs offline, without the Pulumi CLI, routers or secrets"
EXAMPLES = ("zt-ecmp plan --stack ms01", "zt-ecmp plan --stack gk41 --json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "stack name: reads Pulumi.<stack>.yaml")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--full", action="store_true", help="print every file and script after the summary; write none")
    shown.add_argument("--json", action="store_true", help="the whole plan, files included, as one JSON document; write none")
    parser.add_argument(
        "--out",
        type=output_folder,
        default=Path("out"),
        help="folder for the files and scripts: <out>/<stack>/<router>/<file> (default: out)",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here, not above: the offline run loads the Pulumi runtime, which only plan and diff need
    # (every verb module is loaded to build the parser).
    from components.preview.offline import run_stack_offline
    from components.preview.report import artefacts_folder, render_plan_json, render_plan_text, write_artefacts

    if args.json or args.full:
        offline = run_stack_offline(args.stack, args.project_dir)
        sys.stdout.write(render_plan_json(offline) if args.json else render_plan_text(offline, full=True))
        return 0
    folder = artefacts_folder(args.out, args.stack)
    offline = run_stack_offline(args.stack, args.project_dir)
    write_artefacts(offline.plan, folder)
    sys.stdout.write(render_plan_text(offline, folder))
    return 0
