"""``zt-ecmp validate``: check a deployed lab on its routers, one SSH connection per router."""

from __future__ import annotations

import argparse
import json
import sys

from components.cli.deployed import add_deployed_stack_arguments, add_router_argument, chosen_routers, deployed_lab, notes_in_report, say
from components.ops.validate.framework import Check
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import listed_checks, render_results, results_document, validate_lab
from components.preview.graph import stack_plan as stack_file_plan
from components.stack.automation import selected_stack_name

NAME = "validate"
HELP = (
    "check a deployed lab over SSH, one connection per router: containers, ZeroTier, ECMP route, hashing, pings; "
    "exit 0 all passed, 1 a check failed, 3 a router unreachable"
)
NEEDS = "the Pulumi CLI with the stack deployed and its passphrase, and SSH to every router (--list: offline)"
EXAMPLES = (
    "zt-ecmp validate --stack ms01",
    "zt-ecmp validate --stack gk41-sites --router hq --check 'ecmp route' --json",
    "zt-ecmp validate --stack ms01 --list",
)


def _key(name: str) -> str:
    return name.lower().replace("-", " ")


def check_named(text: str) -> Check:
    """``--check NAME``: a check as --list names it (a dash may stand for a space: ``ecmp-route``)."""
    for check in CHECKS:
        if _key(check.name) == _key(text):
            return check
    raise argparse.ArgumentTypeError(f"{text!r} is no check; the checks are {', '.join(repr(check.name) for check in CHECKS)}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_deployed_stack_arguments(parser)
    add_router_argument(parser, "check")
    parser.add_argument(
        "--check", action="append", type=check_named, metavar="NAME", help="run only this check (repeatable; --list names them)"
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--list", action="store_true", help="list the checks and what each runs on each router, then stop (offline)")
    shown.add_argument("--json", action="store_true", help="print one JSON document instead of the table")


def run(args: argparse.Namespace) -> int:
    checks = [check for check in CHECKS if check in args.check] if args.check else list(CHECKS)
    if args.list:
        plan = stack_file_plan(args.stack or selected_stack_name(args.project_dir), args.project_dir)
        routers = chosen_routers(plan, args.router)
        print(f"what validate runs on stack {plan.stack}'s routers, as Pulumi.{plan.stack}.yaml plans them:")
        sys.stdout.write(listed_checks(plan, checks, routers))
        return 0
    with deployed_lab(args.stack, args.project_dir, args.router) as lab:
        routers = chosen_routers(lab.plan, args.router)
        validation = validate_lab(lab.plan, lab.shells, checks, routers=routers, progress=say)
    if args.json:
        print(json.dumps(results_document(lab.plan, validation) | {"notes": lab.notes}, indent=2))
    else:
        sys.stdout.write(notes_in_report(lab.notes) + render_results(validation))
    return validation.exit_status
