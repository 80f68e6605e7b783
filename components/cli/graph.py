"""``zt-ecmp graph``: the lab's topology as SVG and PNG drawn by Graphviz, or as DOT or Mermaid text, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.cli.options import output_folder
from components.cli.stack_arguments import add_stack_arguments
from components.preview.graph import TEXT_FORMATS, graph_command, stack_plan

NAME = "graph"
HELP = (
    "draw the lab's topology (routers, every path's ends with their CPU pins, the underlay) as SVG and PNG with "
    "Graphviz, or print it as DOT or Mermaid text for a pull request comment; offline, no secrets needed"
)
NEEDS = "this project; Graphviz's `dot` for SVG and PNG (apt-get install graphviz), nothing more for --format dot or mermaid: offline"
EXAMPLES = (
    "zt-ecmp graph --stack ms01",
    "zt-ecmp graph --stack gk41-sites --out docs",
    "zt-ecmp graph --stack gk41 --format mermaid > topology.mmd",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument(
        "--format",
        choices=("svg", *TEXT_FORMATS),
        default="svg",
        help="svg: <stack>-topology.svg and .png in --out (default); dot or mermaid: the text on standard output",
    )
    parser.add_argument("--out", type=output_folder, default=Path("out"), help="folder for <stack>-topology.svg and .png (default: out)")


def run(args: argparse.Namespace) -> int:
    if args.format in TEXT_FORMATS:
        sys.stdout.write(TEXT_FORMATS[args.format](stack_plan(args.stack, args.project_dir)))
        return 0
    for drawn in graph_command(args.stack, args.out, args.project_dir):
        print(drawn)
    return 0
