"""``zt-ecmp init``: a stack file of your own, from a reference profile, without editing the committed one."""

from __future__ import annotations

import argparse

from components.cli.stack_arguments import add_project_dir_argument, stack_name
from components.model.errors import InputError
from components.model.settings import DEFAULT_PRIVATE_KEY_SETTING
from components.stack.files import known_stacks, settings_for_new_stack

NAME = "init"
HELP = "write Pulumi.<stack>.yaml for a lab of your own from a reference profile's settings; the profile stays as it is"
NEEDS = "nothing but this project: offline"
EXAMPLES = ("zt-ecmp init --from ms01 --stack mylab",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="source", required=True, type=stack_name, metavar="PROFILE", help="the stack to start from: gk41, ms01, ..."
    )
    parser.add_argument("--stack", required=True, type=stack_name, help="the new stack's name: writes Pulumi.<stack>.yaml")
    add_project_dir_argument(parser)


def next_steps(stack: str) -> list[str]:
    """From the new file to a running lab, as README.md (Your own lab) tells it."""
    return [
        f"1. describe your routers in Pulumi.{stack}.yaml: ssh.host, ssh.hostKey, underlay.interface, underlay.address,",
        "   underlay.speed and cpus of each (and hardware:, if your boxes differ)",
        f"2. zt-ecmp plan --stack {stack}    # offline: what the settings build",
        f"3. mkdir -p ~/.pulumi-zt-ecmp && pulumi stack init {stack} --secrets-provider passphrase",
        f"4. pulumi config set --stack {stack} --secret {DEFAULT_PRIVATE_KEY_SETTING} < ~/.ssh/id_ed25519",
        f"5. pulumi config set --stack {stack} --secret zerotier:zerotierCentralToken",
        f"6. pulumi up --stack {stack}",
    ]


def run(args: argparse.Namespace) -> int:
    project = args.project_dir
    source, target = project / f"Pulumi.{args.source}.yaml", project / f"Pulumi.{args.stack}.yaml"
    if not source.is_file():
        raise InputError(f"--from {args.source}: no {source.name} in {project}; known stacks: {', '.join(known_stacks(project))}")
    if target.exists():
        raise InputError(f"--stack {args.stack}: {target} already exists; it is left as it is: choose another name, or edit that file")
    text = settings_for_new_stack(source)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {target} from {source.name}, which is unchanged")
    print("next:")
    for line in next_steps(args.stack):
        print(f"  {line}")
    return 0
