"""``zt-ecmp validate``: check a deployed lab on its routers over SSH."""

from __future__ import annotations

import argparse

from components.cli.stack_arguments import add_stack_arguments
from components.ops.validate.runner import run_from_arguments

NAME = "validate"
HELP = "check a deployed lab over SSH: containers, ZeroTier, ECMP route, hashing, pings"
NEEDS = "the Pulumi CLI with the stack deployed and its passphrase, and SSH to every router"
EXAMPLES = ("zt-ecmp validate --stack ms01",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "a deployed stack (plan and SSH keys are read through the Automation API)")


def run(args: argparse.Namespace) -> int:
    return run_from_arguments(args.stack, args.project_dir)
