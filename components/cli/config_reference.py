"""``zt-ecmp config-reference``: the configuration reference table, generated from the models."""

from __future__ import annotations

import argparse
import sys

from components.model.reference import render_config_reference

NAME = "config-reference"
HELP = "print the configuration reference table that README.md embeds"
NEEDS = "nothing but this project: offline"
EXAMPLES = ("zt-ecmp config-reference",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # the table depends on nothing but the models


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(render_config_reference())
    return 0
