"""``zt-ecmp diff``: what `pulumi up` would change since an earlier version of a stack file, offline."""

from __future__ import annotations

import argparse
import sys

from components.cli.stack_arguments import add_stack_arguments

NAME = "diff"
HELP = "what `pulumi up` would create, update, replace or delete since an earlier version of a stack file, offline"
NEEDS = "this project, and git when --before names a revision: offline, without the Pulumi CLI, routers or secrets"
EXAMPLES = ("zt-ecmp diff --stack ms01 --before main", "zt-ecmp diff --stack gk41 --before HEAD~1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "stack name: compares Pulumi.<stack>.yaml in this working copy")
    parser.add_argument("--before", required=True, help="the earlier version: a file, or a git revision (e.g. main) holding the stack file")


def run(args: argparse.Namespace) -> int:
    # Imported here, not above: the offline run loads the Pulumi runtime, which only plan and diff need
    # (every verb module is loaded to build the parser).
    from components.preview.diff import diff_runs, render_diff_text, run_before
    from components.preview.offline import run_stack_offline

    label, before = run_before(args.stack, args.before, args.project_dir)
    after = run_stack_offline(args.stack, args.project_dir)
    sys.stdout.write(render_diff_text(diff_runs(before, after), label, args.stack, (before.plan, after.plan)))
    return 0
