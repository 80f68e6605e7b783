"""``zt-ecmp sweep``: measure a lab at K = 1..N with iperf3, put K back, then validate.

The lab is a deployed stack (``--stack``) or the network-namespace lab on this machine (``--netns``);
either way the reports are written for what was measured, even when the sweep stops early. It
measures one pair of routers (``--from``/``--to``; a two-router lab's first to its second unless
told otherwise) or every router sending to every other at once (``--all-pairs``); the choice is
checked against the lab's routers before anything runs.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from components.cli.lab_guards import refused_here, sigterm_as_interrupt
from components.cli.options import IPERF3_MAX_STREAMS, output_folder, port_number, positive_number, whole_number
from components.cli.stack_arguments import add_stack_arguments
from components.model.errors import InputError
from components.model.figures import PUBLISHED_STREAMS
from components.model.plan import LabPlan
from components.model.settings.schema import MAX_PATHS
from components.netns.lab import missing_requirements, netns_lab
from components.netns.sweep_driver import NetnsLabDriver, netns_sweep_plan
from components.ops.iperf import IPERF_PORT, concurrent_ports
from components.ops.lab_read import reach
from components.ops.shell import ssh_shells
from components.ops.sweep.floating import fits_one_connection
from components.ops.sweep.orchestration import REFERENCE_SECONDS, LabDriver, Pair, SweepRow, all_pairs, default_pairs, run_sweep
from components.ops.sweep.reports import render_sweep_markdown, sweep_report, write_sweep_reports
from components.ops.sweep.stack_driver import StackLabDriver
from components.ops.validate.runner import print_validation
from components.stack.automation import StackPaths, private_keys, select_lab_stack, stack_plan
from components.stack.files import project_name

MAX_PORT = 65535
NAME = "sweep"
HELP = "measure a lab at K = 1..N active paths with iperf3 (one pair of routers, or all at once), restore K, then validate"
NEEDS = (
    "--stack: the Pulumi CLI, the stack's passphrase (a deployed stack) and SSH to its routers, which run iperf3; "
    "--netns: root on this machine, iproute2 and iperf3"
)
EXAMPLES = ("zt-ecmp sweep --stack gk41 --flows 16 --seconds 10", "zt-ecmp sweep --netns --paths 4 --rate-mbit 100")
PAIRS_HELP = (
    "Which routers are measured: one pair, --from NAME --to NAME (the client runs on the first, the server on "
    "the second, between their floating IPs), or --all-pairs, every router sending to every other at the same "
    "time (one iperf3 server per pair on its receiver: --port, then --port + 1, ...), reported per pair and in total. A two-router "
    "lab measures its first router to its second by default; a lab of more routers has no default: name a pair "
    "or give --all-pairs."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    add_stack_arguments(parser, "a deployed stack: K is changed with `pulumi up`, iperf3 runs over SSH", stack_among=target)
    target.add_argument("--netns", action="store_true", help="the network-namespace lab on this machine instead (root, iperf3)")
    parser.add_argument(
        "--flows", type=whole_number(1, IPERF3_MAX_STREAMS), default=PUBLISHED_STREAMS, help="iperf3 parallel streams (default 16)"
    )
    parser.add_argument("--seconds", type=whole_number(1, unit="s"), default=REFERENCE_SECONDS, help="iperf3 duration per K (default 10)")
    parser.add_argument(
        "--out",
        type=output_folder,
        help="folder for the reports (default: their name, as sweep-gk41-r1-to-r2, sweep-gk41-sites-hq-to-br1, sweep-gk41-sites-all-pairs)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=IPERF_PORT,
        help="iperf3 port (default 5201); a router receiving several pairs at once serves them on this port and the next ones",
    )
    parser.add_argument("--no-validate", action="store_true", help="skip the validation after the sweep")
    pairs = parser.add_argument_group("pairs", PAIRS_HELP)
    pairs.add_argument("--from", dest="sender", metavar="NAME", help="the router that sends (with --to)")
    pairs.add_argument("--to", dest="receiver", metavar="NAME", help="the router that receives (with --from)")
    pairs.add_argument("--all-pairs", action="store_true", help="every router sending to every other, all at once")
    parser.add_argument(
        "--paths", type=whole_number(1, MAX_PATHS), default=4, help="--netns only: N, path links between the namespaces (default 4)"
    )
    parser.add_argument(
        "--rate-mbit",
        type=positive_number(unit="Mbit/s"),
        default=100,
        help="--netns only: cap per path and direction, Mbit/s (default 100)",
    )


class PairChoiceError(InputError):
    """The pairs asked for do not fit the lab (or each other); said before anything runs."""


def chosen_pairs(args: argparse.Namespace, routers: Sequence[str], lab: str) -> tuple[Pair, ...]:
    """The pairs ``--from``/``--to``/``--all-pairs`` ask for on a lab of ``routers`` (``lab`` names it)."""
    sender, receiver = args.sender, args.receiver
    names = ", ".join(routers)
    if args.all_pairs:
        if sender is not None or receiver is not None:
            flag = "--from" if sender is not None else "--to"
            raise PairChoiceError(f"--all-pairs measures every pair at once and cannot be combined with {flag}")
        return all_pairs(routers)
    if sender is None and receiver is None:
        chosen = default_pairs(routers)
        if chosen is None:
            raise PairChoiceError(
                f"{lab} has {len(routers)} routers ({names}): name the pair to measure with --from NAME --to NAME, "
                "or measure every pair at once with --all-pairs"
            )
        return chosen
    if sender is None or receiver is None:
        given, missing, role = ("--to", "--from", "sends") if sender is None else ("--from", "--to", "receives")
        raise PairChoiceError(f"{given} {sender or receiver} needs {missing} NAME as well: the router that {role}")
    for flag, name in (("--from", sender), ("--to", receiver)):
        if name not in routers:
            raise PairChoiceError(f"{flag} {name}: {lab} has no router {name!r}; its routers are {names}")
    if sender == receiver:
        raise PairChoiceError(f"--from and --to both name {sender}: a pair is two different routers")
    return ((sender, receiver),)


def check_server_ports(port: int, pairs: Sequence[Pair]) -> None:
    """A receiver of several pairs serves them on ``port``, ``port`` + 1, ...: the last must still be a port."""
    last = max(concurrent_ports([receiver for _, receiver in pairs], port))
    if last > MAX_PORT:
        highest = MAX_PORT - (last - port)
        raise PairChoiceError(
            f"--port {port}: a router receives {last - port + 1} pairs at once here, on ports {port}..{last}, past {MAX_PORT}; "
            f"give --port {highest} or lower"
        )


def report_name(base: str, pairs: Sequence[Pair], routers: Sequence[str]) -> str:
    """The reports' file name: ``base`` and what was measured, the same way whatever the number of routers."""
    if len(pairs) == 1:
        sender, receiver = pairs[0]
        return f"{base}-{sender}-to-{receiver}"
    return f"{base}-all-pairs" if tuple(pairs) == all_pairs(routers) else f"{base}-{len(pairs)}-pairs"


@contextlib.contextmanager
def interrupts_deferred(progress: Callable[[str], None]) -> Iterator[None]:
    """While K is being restored, a first Ctrl-C (or SIGTERM) only warns; a second one abandons the restore."""
    warned = False

    def warn_once(signum: int, frame: FrameType | None) -> None:
        nonlocal warned
        if warned:
            raise KeyboardInterrupt
        warned = True
        progress("restoring the original K; interrupt again to abandon it (the lab may then be left at another K)")

    previous = {sig: signal.signal(sig, warn_once) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(args: argparse.Namespace) -> int:
    sigterm_as_interrupt()
    rows: list[SweepRow] = []
    try:
        if args.netns:
            return _sweep_netns(args, rows)
        return _sweep_stack(args, rows)
    except PairChoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted after {len(rows)} measurement(s)", file=sys.stderr)
        return 130


def _sweep(
    args: argparse.Namespace,
    rows: list[SweepRow],
    driver: LabDriver,
    plan: Callable[[], LabPlan],
    pairs: Sequence[Pair],
    *,
    name: str,
    title: str | None = None,
) -> None:
    """Runs the sweep; the reports are written from whatever was measured, even when it stopped early.
    ``plan`` is asked once the sweep is over, for the lab as it then stands."""
    name = report_name(name, pairs, driver.routers())
    try:
        run_sweep(
            driver, pairs=pairs, flows=args.flows, seconds=args.seconds, on_row=rows.append, restoring=lambda: interrupts_deferred(print)
        )
    finally:
        if rows:
            out_dir = args.out or Path(name)
            report = sweep_report(plan(), rows, title, pairs)
            written = [path for path in write_sweep_reports(report, out_dir, name) if path.parent == out_dir]
            print(render_sweep_markdown(report), end="")
            print("wrote " + ", ".join(str(path) for path in written) + f" and each run's iperf3 JSON in {out_dir}")


def _sweep_stack(args: argparse.Namespace, rows: list[SweepRow]) -> int:
    stack = select_lab_stack(args.stack, args.project_dir)
    project = project_name(args.project_dir)
    plan = stack_plan(stack, project)
    pairs = chosen_pairs(args, plan.router_names, f"stack {args.stack}")
    check_server_ports(args.port, pairs)
    with ssh_shells(plan, private_keys(stack, plan)) as shells:
        if fits_one_connection(pairs):
            # One connection per router carries every iperf3 run, reached before K is touched.
            involved = sorted({router for pair in pairs for router in pair})
            unreachable = reach({router: shells[router] for router in involved})
            if unreachable:
                for router in unreachable:
                    print(router.line, file=sys.stderr)
                print("sweep: nothing measured and K left as it is", file=sys.stderr)
                return 3
        # Otherwise each run logs in by itself: one connection carries at most sshd's MaxSessions (10 by
        # default) at once, fewer than a router measuring many pairs at once holds (sessions_at_once).
        driver = StackLabDriver(StackPaths(stack), plan, shells, args.port)
        _sweep(args, rows, driver, lambda: plan, pairs, name=f"sweep-{args.stack}")
        if args.no_validate:
            return 0
        return print_validation(stack_plan(stack, project), shells)


def _sweep_netns(args: argparse.Namespace, rows: list[SweepRow]) -> int:
    plan = netns_sweep_plan(args.paths, None, args.rate_mbit)
    pairs = chosen_pairs(args, plan.router_names, "the network-namespace lab")
    check_server_ports(args.port, pairs)
    if refused_here(missing_requirements()):
        return 2
    with netns_lab(plan, rate_mbit=args.rate_mbit) as lab:
        lab.apply()
        title = f"network-namespace lab, {args.paths} paths of {args.rate_mbit:g} Mbit/s"
        driver = NetnsLabDriver(lab, args.rate_mbit, args.port)
        _sweep(args, rows, driver, lambda: lab.plan, pairs, name="sweep-netns", title=title)
        if args.no_validate:
            return 0
        return print_validation(lab.plan, lab.shells())
