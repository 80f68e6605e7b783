"""``zt-ecmp bench-plan``: how long `plan` takes for M sites x N paths, offline."""

from __future__ import annotations

import argparse

from components.cli.options import whole_number
from components.cli.stack_arguments import add_project_dir_argument
from components.model.settings.schema import MAX_PATHS, MAX_ROUTERS, MIN_ROUTERS
from components.preview.plan_timing import SIZES, render_first_ups, render_timings, time_first_ups, time_plans

NAME = "bench-plan"
HELP = "time the offline plan for growing labs (M sites x N paths, up to 16 x 8); prints a table"
NEEDS = "nothing but this project: offline"
EXAMPLES = ("zt-ecmp bench-plan --size 2x8 --size 16x8 --repeats 1",)


def _size(text: str) -> tuple[int, int]:
    routers, _, paths = text.partition("x")
    try:
        size = int(routers), int(paths)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write M x N as e.g. 16x8") from None
    if not MIN_ROUTERS <= size[0] <= MAX_ROUTERS or not 1 <= size[1] <= MAX_PATHS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range; a lab has {MIN_ROUTERS} to {MAX_ROUTERS} sites (M) and 1 to {MAX_PATHS} paths (N)"
        )
    return size


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_dir_argument(parser)
    parser.add_argument("--size", type=_size, action="append", help="MxN to time, e.g. 16x8 (repeatable; default: 2x8 to 16x8)")
    parser.add_argument("--repeats", type=whole_number(1), default=5, help="samples per size; the fastest counts (default 5)")
    parser.add_argument(
        "--first-up",
        action="store_true",
        help="instead: how much longer a first `pulumi up` takes with its containers made one path at a time, "
        "each engine step taking what a real one takes",
    )


def run(args: argparse.Namespace) -> int:
    if args.first_up:
        print(render_first_ups(time_first_ups(project_dir=args.project_dir)), end="")
        return 0
    print(render_timings(time_plans(args.size or SIZES, args.repeats, args.project_dir)), end="")
    return 0
