"""``zt-ecmp bench-netns``: how aggregate throughput scales with K, in the network-namespace lab."""

from __future__ import annotations

import argparse
from pathlib import Path

from components.cli.lab_guards import run_benchmark
from components.cli.options import IPERF3_MAX_STREAMS, output_folder, positive_number, whole_number
from components.model.figures import PUBLISHED_STREAMS
from components.model.settings.schema import MAX_PATHS, MAX_ROUTERS, MIN_ROUTERS
from components.netns.flow_coverage import COVERAGE_TARGET
from components.netns.lab import missing_requirements
from components.netns.scaling_bench import render_markdown, run_scaling_benchmark
from components.netns.sites_bench import render_sites_markdown, run_sites_benchmark

NAME = "bench-netns"
HELP = "ECMP scaling benchmark on a lab of two or more routers in network namespaces (root, iperf3)"
NEEDS = "root on this machine, iproute2 and iperf3; no routers and no Pulumi CLI"
EXAMPLES = ("zt-ecmp bench-netns --paths 4 --seconds 5", "zt-ecmp bench-netns --routers 3 --paths 3")


def routers_argument(text: str) -> int:
    return whole_number(MIN_ROUTERS, MAX_ROUTERS, "routers")(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paths", type=whole_number(1, MAX_PATHS), default=8, help="N: path links between the namespaces (default 8)")
    parser.add_argument(
        "--rate-mbit", type=positive_number(unit="Mbit/s"), default=100, help="R: cap per path and direction, Mbit/s (default 100)"
    )
    parser.add_argument(
        "--flows",
        type=whole_number(1, IPERF3_MAX_STREAMS),
        default=PUBLISHED_STREAMS,
        help="flows to compare with the recommended count (default 16)",
    )
    parser.add_argument("--seconds", type=positive_number(unit="s"), default=5, help="iperf3 duration per run (default 5)")
    parser.add_argument(
        "--coverage", type=positive_number(below=1), default=COVERAGE_TARGET, help="wanted probability that every path carries a flow"
    )
    parser.add_argument("--out", type=output_folder, default=Path("bench-netns"), help="directory for the CSV, Markdown and PNG")
    parser.add_argument(
        "--restarts",
        action="store_true",
        help="instead: count the pings lost and TCP flows stalled between the sites that stay while the lab grows "
        "(2 -> 3 -> 4, with and without plannedSites), loses its last router and changes its image, the engine's steps replayed",
    )
    parser.add_argument(
        "--routers",
        type=routers_argument,
        default=2,
        help="M: routers on the paths (default 2); with 3 or more, every router sends to every other at once, "
        "each pair at the recommended flow count, beside a two-router lab (--flows is then unused)",
    )


def run(args: argparse.Namespace) -> int:
    def measure() -> str:
        if args.restarts:
            # Loaded here: the offline diff loads the Pulumi runtime, which the other benchmarks do not need.
            from components.netns.rollout import render_restart_table, run_restart_benchmark
            from components.preview.diff import diff_settings

            return render_restart_table(run_restart_benchmark(diff_settings, paths=args.paths, rate_mbit=args.rate_mbit))
        if args.routers > 2:
            sites = run_sites_benchmark(
                routers=args.routers,
                paths=args.paths,
                rate_mbit=args.rate_mbit,
                seconds=args.seconds,
                out_dir=args.out,
                target=args.coverage,
            )
            return render_sites_markdown(sites)
        rows = run_scaling_benchmark(
            paths=args.paths, rate_mbit=args.rate_mbit, flows=args.flows, seconds=args.seconds, out_dir=args.out, target=args.coverage
        )
        return render_markdown(rows)

    return run_benchmark(missing_requirements(), measure, removed="namespaces")
