"""``zt-ecmp bfd-failover``: failover time and capacity during a failure, with FRR and BFD in the namespace lab."""

from __future__ import annotations

import argparse

from components.cli.bench_netns import routers_argument
from components.cli.lab_guards import run_benchmark
from components.cli.options import IPERF3_MAX_STREAMS, positive_number, whole_number
from components.model.settings.schema import BFD_INTERVAL_MS, BFD_MULTIPLIER, MAX_PATHS
from components.netns.bfd_failover import DEFAULT_FLOWS, DEFAULT_RATE_MBIT, missing_failover_requirements, run_failover_benchmark

NAME = "bfd-failover"
HELP = "BFD failover benchmark on a lab of two or more routers in network namespaces running FRR (root, iperf3, FRR)"
NEEDS = "root on this machine, iproute2, iperf3 and FRR; no routers and no Pulumi CLI"
EXAMPLES = ("zt-ecmp bfd-failover --paths 4", "zt-ecmp bfd-failover --interval-ms 100 --multiplier 3")
# The benchmark fails paths 1, 2 and 3 in turn.
FAILED_PATHS = 3


def _paths(text: str) -> int:
    paths = whole_number(1, MAX_PATHS)(text)
    if paths < FAILED_PATHS:
        raise argparse.ArgumentTypeError(f"the run fails paths 1, 2 and 3 in turn; give at least {FAILED_PATHS}")
    return paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paths", type=_paths, default=4, help="K: active paths, at least 3 (default 4)")
    parser.add_argument(
        "--rate-mbit", type=positive_number(unit="Mbit/s"), default=DEFAULT_RATE_MBIT, help="cap per path and direction (default 100)"
    )
    parser.add_argument(
        "--flows", type=whole_number(1, IPERF3_MAX_STREAMS), default=DEFAULT_FLOWS, help=f"parallel TCP flows (default {DEFAULT_FLOWS})"
    )
    parser.add_argument("--interval-ms", type=whole_number(*BFD_INTERVAL_MS, unit="ms"), default=300, help="BFD interval (default 300)")
    parser.add_argument("--multiplier", type=whole_number(*BFD_MULTIPLIER), default=3, help="BFD detection multiplier (default 3)")
    parser.add_argument(
        "--routers",
        type=routers_argument,
        default=2,
        help="M: routers on the paths (default 2); with 3 or more, path 2 is then also cut between r1 and r2 alone",
    )


def run(args: argparse.Namespace) -> int:
    def measure() -> str:
        report = run_failover_benchmark(args.paths, args.rate_mbit, args.flows, args.interval_ms, args.multiplier, routers=args.routers)
        return report.summary() + "\n"

    return run_benchmark(missing_failover_requirements(), measure, removed="namespaces and FRR daemons")
