"""``zt-ecmp connect ROUTER [-- command...]``: a shell, or one command, on a router of a deployed lab,
with the stack's user, port, pinned host key and key (or the agent), without copying keys around."""

from __future__ import annotations

import argparse

from components.cli.deployed import add_deployed_stack_arguments, chosen_routers, deployed_lab

NAME = "connect"
HELP = (
    "open an SSH session on a router of a deployed lab, or run one command there (after --), with the stack's user, "
    "port, pinned host key and key; exits with the session's status"
)
NEEDS = "the Pulumi CLI with the stack deployed and its passphrase, and SSH to the router"
EXAMPLES = ("zt-ecmp connect r1 --stack ms01", "zt-ecmp connect --stack gk41-sites hq -- ip -d route show 10.0.55.2/32")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("router", metavar="ROUTER", help="the router, by its name in the stack (r1, hq, ...)")
    add_deployed_stack_arguments(parser)
    parser.add_argument(
        "remote",
        nargs="*",
        metavar="COMMAND",
        help="after --: a command to run instead of a shell; its words are joined with spaces for the router's login shell, as ssh does",
    )


def run(args: argparse.Namespace) -> int:
    with deployed_lab(args.stack, args.project_dir) as lab:
        [router] = chosen_routers(lab.plan, [args.router], option="connect")
        # ssh runs as a child, on this terminal, so that the key file written for it is removed once it ends.
        return lab.shells[router].session(args.remote)
