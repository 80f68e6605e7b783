"""``zt-ecmp schema``: the JSON Schema of ``Pulumi.<stack>.yaml``, generated from the settings models."""

from __future__ import annotations

import argparse
import sys

from components.model.settings.json_schema import SCHEMA_FILE, render_stack_file_schema

NAME = "schema"
HELP = f"print the JSON Schema of Pulumi.<stack>.yaml that editors read ({SCHEMA_FILE}; `make schema` rewrites it)"
NEEDS = "nothing but this project: offline"
EXAMPLES = (f"zt-ecmp schema > {SCHEMA_FILE}",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # the schema depends on nothing but the models


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(render_stack_file_schema())
    return 0
