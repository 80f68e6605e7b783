"""``zt-ecmp bench-validate``: validate's wall time on the network-namespace lab, over real OpenSSH."""

from __future__ import annotations

import argparse
import sys

from components.cli.lab_guards import run_benchmark
from components.cli.options import whole_number
from components.netns.validate_bench import missing_bench_requirements, run_validate_benchmark

NAME = "bench-validate"
HELP = (
    "validate's wall time on the network-namespace lab, 2 routers x 4 paths, 2 x 8 and 3 x 4, each router running sshd: "
    "one connection and one script per router, beside a command at a time and a login per command"
)
NEEDS = "root on this machine, iproute2 and Debian's openssh-server (sshd); no routers and no Pulumi CLI"
EXAMPLES = ("zt-ecmp bench-validate", "zt-ecmp bench-validate --repeats 5")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeats", type=whole_number(1, 50), default=3, help="runs of each way per lab size (default 3)")


def run(args: argparse.Namespace) -> int:
    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    return run_benchmark(
        missing_bench_requirements(), lambda: run_validate_benchmark(args.repeats, progress=progress), removed="namespaces and sshd"
    )
