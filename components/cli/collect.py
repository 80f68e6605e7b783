"""``zt-ecmp collect``: save what each router runs for the lab, one folder per router, secrets excluded."""

from __future__ import annotations

import argparse
from pathlib import Path

from components.cli.deployed import add_deployed_stack_arguments, add_router_argument, chosen_routers, deployed_lab, say
from components.ops.collect import INDEX, collect_folder, collect_lab

NAME = "collect"
HELP = (
    "save what each router of a deployed lab runs for it, one folder per router, for a bug report or a diff: VyOS's "
    "configuration of the lab's nodes and its ledger, Linux's persisted files, routes, rules, nexthops, sysctls, every "
    "instance's local.conf, devicemap and zerotier-cli info/listnetworks; never identity.secret"
)
NEEDS = "the Pulumi CLI with the stack deployed and its passphrase, and SSH to every router"
EXAMPLES = ("zt-ecmp collect --stack ms01", "zt-ecmp collect --stack gk41-sites --router hq --out hq-before")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_deployed_stack_arguments(parser)
    add_router_argument(parser, "collect from")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder to write (default: collect-<stack>); one this command wrote before is replaced whole, anyone else's refused",
    )


def run(args: argparse.Namespace) -> int:
    if args.out is not None:
        collect_folder(args.out)
    with deployed_lab(args.stack, args.project_dir, args.router) as lab:
        out = collect_folder(args.out or Path(f"collect-{lab.plan.stack}"))
        collection = collect_lab(lab.plan, lab.shells, out, routers=chosen_routers(lab.plan, args.router), notes=lab.notes, progress=say)
    print(f"wrote {collection.folder}: {', '.join(f'{name}/' for name in collection.routers) or 'no router'} and {INDEX}")
    for found in collection.unreachable:
        print(found.line)
    return collection.exit_status
