"""``zt-ecmp status``: the running lab on one screen, one SSH connection per router."""

from __future__ import annotations

import argparse
import json
import sys

from components.cli.deployed import add_deployed_stack_arguments, add_router_argument, chosen_routers, deployed_lab, notes_in_report, say
from components.ops.status import lab_status, render_status, status_document

NAME = "status"
HELP = (
    "show a deployed lab on one screen, one SSH connection per router: each router's instances (container, ZeroTier "
    "network, CPUs allowed), routes to each peer with their next hops, floating IP; each path with every router on it "
    "or not (shown, not judged: exit 0, or 3 where a router is unreachable)"
)
NEEDS = "the Pulumi CLI with the stack deployed and its passphrase, and SSH to every router"
EXAMPLES = ("zt-ecmp status --stack ms01", "zt-ecmp status --stack gk41-sites --router hq --json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_deployed_stack_arguments(parser)
    add_router_argument(parser, "show")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the screen")


def run(args: argparse.Namespace) -> int:
    with deployed_lab(args.stack, args.project_dir, args.router) as lab:
        status = lab_status(lab.plan, lab.shells, chosen_routers(lab.plan, args.router), progress=say)
    if args.json:
        print(json.dumps(status_document(status) | {"notes": lab.notes}, indent=2))
    else:
        sys.stdout.write(notes_in_report(lab.notes) + render_status(status))
    return status.exit_status
