"""``zt-ecmp graph``: the lab's topology as SVG and PNG, drawn by Graphviz, offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from components.cli.options import output_folder
from components.cli.stack_arguments import add_stack_arguments
from components.preview.graph import graph_command

NAME = "graph"
HELP = "draw the lab's topology as SVG and PNG with Graphviz, offline: no secrets needed"
NEEDS = "this project and Graphviz's `dot` (apt-get install graphviz): offline"
EXAMPLES = ("zt-ecmp graph --stack ms01", "zt-ecmp graph --stack gk41-sites --out docs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--out", type=output_folder, default=Path("out"), help="folder for <stack>-topology.svg and .png (default: out)")


def run(args: argparse.Namespace) -> int:
    for drawn in graph_command(args.stack, args.out, args.project_dir):
        print(drawn)
    return 0
