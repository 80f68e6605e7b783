"""Command line: ``python -m components <command> --stack NAME``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from components.model.settings import ConfigError
from components.netns.bench import add_arguments as add_bench_arguments
from components.ops.sweep import add_arguments as add_sweep_arguments
from components.stack.files import PROJECT_DIR


def _plan(args: argparse.Namespace) -> int:
    from components.preview.offline import run_stack_offline
    from components.preview.report import render_plan_json, render_plan_text

    run = run_stack_offline(args.stack, args.project_dir)
    sys.stdout.write(render_plan_json(run) if args.json else render_plan_text(run))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from components.preview.diff import diff_runs, render_diff_text, run_before
    from components.preview.offline import run_stack_offline

    label, before = run_before(args.stack, args.before, args.project_dir)
    after = run_stack_offline(args.stack, args.project_dir)
    sys.stdout.write(render_diff_text(diff_runs(before, after), label, args.stack))
    return 0


def _graph(args: argparse.Namespace) -> int:
    from components.preview.graph import graph_command

    for drawn in graph_command(args.stack, args.out):
        print(drawn)
    return 0


def _bench_netns(args: argparse.Namespace) -> int:
    from components.netns.bench import run_from_arguments

    return run_from_arguments(args)


def _sweep(args: argparse.Namespace) -> int:
    from components.ops.sweep import run_from_arguments

    return run_from_arguments(args)


def _validate(args: argparse.Namespace) -> int:
    from components.ops.validate.checks import run_from_arguments

    return run_from_arguments(args.stack, args.project_dir)


def _config_reference(args: argparse.Namespace) -> int:
    from components.model.reference import render_config_reference

    sys.stdout.write(render_config_reference())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m components", description="zt-ecmp: ZeroTier ECMP labs")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="show what `pulumi up` would build, offline: no CLI, no hardware, no secrets")
    plan.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    plan.add_argument("--json", action="store_true", help="one JSON document instead of text")
    plan.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="folder holding Pulumi.yaml (default: this project)")
    plan.set_defaults(handler=_plan)
    diff = commands.add_parser(
        "diff", help="what `pulumi up` would create, update, replace or delete since an earlier version of a stack file, offline"
    )
    diff.add_argument("--stack", required=True, help="stack name: compares Pulumi.<stack>.yaml in this working copy")
    diff.add_argument("--before", required=True, help="the earlier version: a file, or a git revision (e.g. main) holding the stack file")
    diff.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="folder holding Pulumi.yaml (default: this project)")
    diff.set_defaults(handler=_diff)
    graph = commands.add_parser("graph", help="draw the lab's topology as SVG and PNG with Graphviz, offline: no secrets needed")
    graph.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    graph.add_argument("--out", type=Path, default=Path("out"), help="folder for <stack>-topology.svg and .png (default: out)")
    graph.set_defaults(handler=_graph)
    bench = commands.add_parser("bench-netns", help="ECMP scaling benchmark on a two-router lab in network namespaces (root, iperf3)")
    add_bench_arguments(bench)
    bench.set_defaults(handler=_bench_netns)
    sweep = commands.add_parser("sweep", help="measure a lab at K = 1..N active paths with iperf3, restore K, then validate")
    add_sweep_arguments(sweep)
    sweep.set_defaults(handler=_sweep)
    validate = commands.add_parser("validate", help="check a deployed lab over SSH: containers, ZeroTier, ECMP route, hashing, pings")
    validate.add_argument("--stack", required=True, help="a deployed stack (plan and SSH keys are read through the Automation API)")
    validate.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="folder holding Pulumi.yaml (default: this project)")
    validate.set_defaults(handler=_validate)
    reference = commands.add_parser("config-reference", help="print the configuration reference table that README.md embeds")
    reference.set_defaults(handler=_config_reference)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
