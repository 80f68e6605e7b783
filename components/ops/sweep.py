"""Scaling sweep of a lab: for K = 1..N active paths, apply K, measure the floating IPs, then put K back.

The orchestration (``run_sweep``) only talks to a ``LabDriver``: a deployed stack through Pulumi's
Automation API and SSH (``StackLabDriver``), or the network-namespace lab on this machine
(``NetnsLabDriver``), so the tool can be tried without hardware. Whatever happens, the lab is left
at the K it had before the sweep, and then validated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from components.model.figures import PUBLISHED_MEASUREMENTS, PUBLISHED_STREAMS, PublishedMeasurements
from components.model.plan import LabPlan
from components.ops.iperf import IPERF_PORT, IperfReport, measure_iperf3
from components.ops.reports import (
    ScalingFigure,
    Series,
    csv_text,
    markdown_table,
    published_label,
    published_series,
    render_scaling_plot,
    scaling_figure,
)
from components.ops.shell import RouterShell

REFERENCE_SECONDS = 10


class LabDriver(Protocol):
    """What a sweep needs from a lab."""

    def path_count(self) -> int:
        """N: the paths that are built."""
        ...

    def active_paths(self) -> int:
        """K as the lab is set now."""
        ...

    def set_active_paths(self, active: int) -> None:
        """Make exactly the first ``active`` paths carry the floating IPs' traffic; returns once applied."""
        ...

    def measure(self, flows: int, seconds: int) -> IperfReport:
        """iperf3 between the floating IPs: ``flows`` parallel TCP streams for ``seconds``."""
        ...


@dataclass(frozen=True)
class SweepRow:
    active_paths: int
    flows: int
    seconds: int
    report: IperfReport


def run_sweep(
    driver: LabDriver,
    *,
    flows: int = PUBLISHED_STREAMS,
    seconds: int = REFERENCE_SECONDS,
    progress: Callable[[str], None] = print,
    on_row: Callable[[SweepRow], None] = lambda row: None,
    restoring: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
) -> list[SweepRow]:
    """Apply K = 1..N in turn and measure each; afterwards (even after an error or an interrupt) apply
    the original K again, inside ``restoring()`` (the command line defers Ctrl-C there)."""
    original = driver.active_paths()
    count = driver.path_count()
    rows: list[SweepRow] = []
    # The K the lab is known to be at; None while a change is under way (its outcome unknown).
    settled: int | None = original
    try:
        for active in range(1, count + 1):
            progress(f"[{active}/{count}] applying K={active}")
            settled = None
            driver.set_active_paths(active)
            settled = active
            progress(f"[{active}/{count}] iperf3: {flows} flows for {seconds} s")
            row = SweepRow(active, flows, seconds, driver.measure(flows, seconds))
            rows.append(row)
            on_row(row)
            progress(f"[{active}/{count}] K={active}: {row.report.received_gbps:.3f} Gbit/s received, retransmits {row.report.retransmits}")
    finally:
        if settled != original:
            with restoring():
                progress(f"restoring K={original}")
                driver.set_active_paths(original)
                progress(f"K={original} restored")
    return rows


# -- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    """A sweep with what it is compared against: the plan's estimate and the published figures."""

    title: str
    rows: tuple[SweepRow, ...]
    estimates_gbps: Mapping[int, float]
    reference: PublishedMeasurements | None

    def published_gbps(self, active: int) -> float | None:
        return self.reference.ecmp_gbps.get(active) if self.reference else None


def estimated_gbps(plan: LabPlan, active: int) -> float:
    """The plan's capacity estimate had K been ``active``."""
    return plan.capacity.at(active)


def sweep_report(plan: LabPlan, rows: Sequence[SweepRow], title: str | None = None) -> SweepReport:
    reference = PUBLISHED_MEASUREMENTS.get(plan.published_reference) if plan.published_reference else None
    return SweepReport(
        title=title or f"{plan.hardware_model}, stack {plan.stack}",
        rows=tuple(rows),
        estimates_gbps={active: estimated_gbps(plan, active) for active in range(1, plan.path_count + 1)},
        reference=reference,
    )


def _optional(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(report: SweepReport, row: SweepRow) -> float | None:
    published = report.published_gbps(row.active_paths)
    return row.report.received_gbps / published if published else None


CSV_COLUMNS = (
    "active_paths",
    "flows",
    "seconds",
    "received_gbps",
    "sent_gbps",
    "retransmits",
    "estimated_gbps",
    "published_gbps",
    "received_over_published",
)


def render_sweep_csv(report: SweepReport) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            (
                row.active_paths,
                row.flows,
                row.seconds,
                f"{row.report.received_gbps:.3f}",
                f"{row.report.sent_gbps:.3f}",
                "" if row.report.retransmits is None else row.report.retransmits,
                f"{report.estimates_gbps[row.active_paths]:g}",
                _optional(report.published_gbps(row.active_paths), "g").replace("-", ""),
                _optional(_ratio(report, row), ".3f").replace("-", ""),
            )
            for row in report.rows
        ),
    )


def render_sweep_markdown(report: SweepReport) -> str:
    published = f"published, {published_label(report.reference).removesuffix(' (published)')}" if report.reference else "published"
    header = ("K", "flows", "received Gbit/s", "sent Gbit/s", "retransmits", "estimate Gbit/s", f"{published} Gbit/s", "ours / published")
    table = markdown_table(
        header,
        "rrrrrrrr",
        (
            (
                row.active_paths,
                row.flows,
                f"{row.report.received_gbps:.3f}",
                f"{row.report.sent_gbps:.3f}",
                _optional(row.report.retransmits, "d"),
                f"{report.estimates_gbps[row.active_paths]:g}",
                _optional(report.published_gbps(row.active_paths), "g"),
                _optional(_ratio(report, row), ".2f"),
            )
            for row in report.rows
        ),
    )
    return f"### {report.title}\n\n{table}"


def render_sweep_json(report: SweepReport) -> str:
    document: dict[str, Any] = {
        "title": report.title,
        "publishedReference": report.reference.profile if report.reference else None,
        "runs": [
            {
                "activePaths": row.active_paths,
                "flows": row.flows,
                "seconds": row.seconds,
                "receivedGbps": round(row.report.received_gbps, 4),
                "sentGbps": round(row.report.sent_gbps, 4),
                "retransmits": row.report.retransmits,
                "streamReceivedGbps": [round(rate / 1e9, 4) for rate in row.report.stream_received_bits_per_second],
                "estimatedGbps": report.estimates_gbps[row.active_paths],
                "publishedGbps": report.published_gbps(row.active_paths),
            }
            for row in report.rows
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def sweep_figure(report: SweepReport, *, label: str = "this lab") -> ScalingFigure:
    """Our aggregate beside the estimate, and the published sweep of the same hardware on both panels."""
    flows = sorted({row.flows for row in report.rows})
    measured = [
        Series.of(
            f"{label}, {count} flows",
            "measured",
            ((row.active_paths, row.report.received_gbps) for row in report.rows if row.flows == count),
        )
        for count in flows
    ]
    ks = sorted({row.active_paths for row in report.rows})
    # The lab's own hardware is comparable figure for figure; other hardware only in shape.
    shown = [report.reference] if report.reference else list(PUBLISHED_MEASUREMENTS.values())
    return scaling_figure(
        unit="Gbit/s",
        measured=measured,
        ideal=Series.of("estimate (plan)", "ideal", ((k, report.estimates_gbps[k]) for k in ks)),
        references=[published_series(reference) for reference in shown],
        references_on_absolute=report.reference is not None,
    )


def write_sweep_reports(report: SweepReport, out_dir: Path, name: str) -> list[Path]:
    """CSV, JSON, Markdown and PNG (and each run's raw iperf3 JSON); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, text in (("csv", render_sweep_csv(report)), ("json", render_sweep_json(report)), ("md", render_sweep_markdown(report))):
        path = out_dir / f"{name}.{suffix}"
        path.write_text(text)
        written.append(path)
    if report.rows:
        plot = out_dir / f"{name}.png"
        render_scaling_plot(sweep_figure(report), plot)
        written.append(plot)
    raw = out_dir / f"{name}-iperf3"
    raw.mkdir(exist_ok=True)
    for row in report.rows:
        path = raw / f"k{row.active_paths}-p{row.flows}.json"
        path.write_text(row.report.raw)
        written.append(path)
    return written


# -- drivers ----------------------------------------------------------------------------------


def measure_floating_ips(plan: LabPlan, shells: Mapping[str, RouterShell], flows: int, seconds: int, port: int) -> IperfReport:
    """The reference test: server on the second router's floating IP, client bound to the first's."""
    client, server = plan.routers
    return measure_iperf3(
        shells[server.name],
        shells[client.name],
        server_ip=str(server.floating_ip.ip),
        client_ip=str(client.floating_ip.ip),
        flows=flows,
        seconds=seconds,
        port=port,
    )


@dataclass
class StackLabDriver:
    """A deployed lab: K through the stack's ``paths.active`` and ``pulumi up``, iperf3 over SSH."""

    paths: Any  # components.lab_stack.StackPaths
    plan: LabPlan
    shells: Mapping[str, RouterShell]
    port: int = IPERF_PORT

    def path_count(self) -> int:
        return int(self.paths.count)

    def active_paths(self) -> int:
        return int(self.paths.active())

    def set_active_paths(self, active: int) -> None:
        self.paths.set_active(active)

    def measure(self, flows: int, seconds: int) -> IperfReport:
        return measure_floating_ips(self.plan, self.shells, flows, seconds, self.port)


@dataclass
class NetnsLabDriver:
    """The network-namespace lab on this machine: K by re-running the rendered Linux scripts."""

    lab: Any  # components.netns_lab.NetnsLab
    rate_mbit: float
    port: int = IPERF_PORT

    def plan_for(self, active: int) -> LabPlan:
        return netns_sweep_plan(self.path_count(), active, self.rate_mbit)

    def path_count(self) -> int:
        return int(self.lab.plan.path_count)

    def active_paths(self) -> int:
        return int(self.lab.plan.active_path_count)

    def set_active_paths(self, active: int) -> None:
        self.lab.apply(self.plan_for(active))

    def measure(self, flows: int, seconds: int) -> IperfReport:
        return measure_floating_ips(self.lab.plan, self.shells(), flows, seconds, self.port)

    def shells(self) -> dict[str, RouterShell]:
        from components.ops.shell import NetnsShell

        return {router.name: NetnsShell(router.name, self.lab.namespace(router.name)) for router in self.lab.plan.routers}


def netns_sweep_plan(paths: int, active: int | None, rate_mbit: float) -> LabPlan:
    """The namespace lab's plan, its per-instance rate set to the links' cap so the estimate is K x R."""
    from components.model.plan import build_plan
    from components.netns.lab import netns_lab_config

    base = netns_lab_config(paths, active)
    hardware = base.hardware.model_dump(by_alias=True, exclude_none=True) | {"instanceGbps": rate_mbit / 1000}
    return build_plan(netns_lab_config(paths, active, {"hardware": hardware}), "zt-ecmp", "netns")


# -- command line -----------------------------------------------------------------------------


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise KeyboardInterrupt


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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stack", help="a deployed stack: K is changed with `pulumi up`, iperf3 runs over SSH")
    target.add_argument("--netns", action="store_true", help="the network-namespace lab on this machine instead (root, iperf3)")
    parser.add_argument("--flows", type=int, default=PUBLISHED_STREAMS, help="iperf3 parallel streams (default 16)")
    parser.add_argument("--seconds", type=int, default=REFERENCE_SECONDS, help="iperf3 duration per K (default 10)")
    parser.add_argument("--out", type=Path, help="folder for the reports (default: sweep-<stack>)")
    parser.add_argument("--port", type=int, default=IPERF_PORT, help="iperf3 port (default 5201)")
    parser.add_argument("--no-validate", action="store_true", help="skip the validation after the sweep")
    parser.add_argument("--project-dir", type=Path, help="folder holding Pulumi.yaml (default: this project)")
    parser.add_argument("--paths", type=int, default=4, help="--netns only: N, path links between the namespaces (default 4)")
    parser.add_argument("--rate-mbit", type=float, default=100, help="--netns only: cap per path and direction, Mbit/s (default 100)")


def run_from_arguments(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_interrupt)
    rows: list[SweepRow] = []
    try:
        if args.netns:
            return _sweep_netns(args, rows)
        return _sweep_stack(args, rows)
    except KeyboardInterrupt:
        print(f"interrupted after {len(rows)} measurement(s)", file=sys.stderr)
        return 130


def _finish(plan: LabPlan, rows: list[SweepRow], out_dir: Path, name: str, title: str | None = None) -> None:
    report = sweep_report(plan, rows, title)
    written = write_sweep_reports(report, out_dir, name)
    print(render_sweep_markdown(report), end="")
    print("wrote " + ", ".join(str(path) for path in written if path.parent == out_dir) + f" and each run's iperf3 JSON in {out_dir}")


def _sweep_stack(args: argparse.Namespace, rows: list[SweepRow]) -> int:
    from components.ops.shell import ssh_shells
    from components.ops.validate.checks import print_validation
    from components.stack.automation import StackPaths, private_keys, select_lab_stack, stack_plan
    from components.stack.files import PROJECT_DIR, project_name

    project_dir = args.project_dir or PROJECT_DIR
    stack = select_lab_stack(args.stack, project_dir)
    plan = stack_plan(stack, project_name(project_dir))
    out_dir = args.out or Path(f"sweep-{args.stack}")
    with ssh_shells(plan, private_keys(stack, plan)) as shells:
        driver = StackLabDriver(StackPaths(stack), plan, shells, args.port)
        try:
            run_sweep(
                driver,
                flows=args.flows,
                seconds=args.seconds,
                on_row=rows.append,
                restoring=lambda: interrupts_deferred(print),
            )
        finally:
            if rows:
                _finish(plan, rows, out_dir, f"sweep-{args.stack}")
        if args.no_validate:
            return 0
        return print_validation(stack_plan(stack, project_name(project_dir)), shells)


def _sweep_netns(args: argparse.Namespace, rows: list[SweepRow]) -> int:
    from components.netns.lab import missing_requirements, netns_lab
    from components.ops.validate.checks import print_validation

    reasons = missing_requirements()
    if reasons:
        print("error: the network-namespace lab cannot run here: " + "; ".join(reasons), file=sys.stderr)
        return 2
    plan = netns_sweep_plan(args.paths, None, args.rate_mbit)
    out_dir = args.out or Path("sweep-netns")
    with netns_lab(plan, rate_mbit=args.rate_mbit) as lab:
        lab.apply()
        driver = NetnsLabDriver(lab, args.rate_mbit, args.port)
        try:
            run_sweep(driver, flows=args.flows, seconds=args.seconds, on_row=rows.append, restoring=lambda: interrupts_deferred(print))
        finally:
            if rows:
                title = f"network-namespace lab, {args.paths} paths of {args.rate_mbit:g} Mbit/s"
                _finish(lab.plan, rows, out_dir, "sweep-netns", title)
        if args.no_validate:
            return 0
        return print_validation(lab.plan, driver.shells())
