"""Saving what each router runs for the lab, one folder per router, so that a lab can be attached to a
bug report or diffed after a change; secrets excluded.

What is saved depends on the router's flavor and runtime, decided in one place (``saved_items``, an
exhaustive match like the getters' table):
- every router: its kernel's routes to the other routers, rules, nexthop objects, IPv4 addresses, the
  lab's links and the sysctls the lab sets or validate reads;
- VyOS: ``show configuration commands`` filtered on the router to the nodes the lab's ledger names
  (the rest of the configuration, and whatever secrets it holds, never leaves the router), and the
  ledger itself;
- Linux: the files the lab persists (sysctl drop-ins, unit, boot script, route keeper) and, where FRR
  owns the routes, the lab's block of ``frr.conf``;
- every instance: its ``local.conf`` and ``devicemap``, ``zerotier-cli info`` and ``listnetworks``,
  and its container as the runtime lists it. Nothing reads ``identity.secret``.

All of a router's commands are asked at once, over the run's one connection to it (lab_read).
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import assert_never

from components.model.errors import InputError
from components.model.kernel import FORWARDING_SYSCTL, HASH_POLICY_SYSCTL
from components.model.naming import ZEROTIER_HOME, frr_block_markers, vyos_ledger
from components.model.plan import LabPlan, RouterPlan
from components.ops.facts.docker import inspect_command
from components.ops.facts.getter import Target
from components.ops.facts.in_container import in_container, zerotier_cli
from components.ops.facts.vyos import SHOW_CONTAINER
from components.ops.lab_read import Progress, Unreachable, ask_all, quiet, reach, target_of
from components.ops.shell import CommandOutput, RouterSession
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths
from components.render.linux.routing import DEFAULT_HOST_PATHS, LinuxHostPaths
from components.render.vyos.configuration import OP_MODE

MARKER = ".zt-ecmp-collect"
INDEX = "index.txt"
SECRETS_NOTE = (
    "Secrets: nothing here read an instance's identity.secret, which stays on its router. local.conf, devicemap and "
    "zerotier-cli's info and listnetworks hold no secret."
)
VYOS_NOTE = (
    "The VyOS configuration is filtered on the router to the nodes the lab's ledger names: the rest of the "
    "configuration, and any secret in it, never left the router."
)


@dataclass(frozen=True)
class Saved:
    """One file of a router's folder: what it holds, and the command whose output it is."""

    file: str
    command: str
    about: str


def _joined(lines: Sequence[str]) -> str:
    return "; ".join(lines)


def kernel_items(target: Target) -> list[Saved]:
    """What the kernel holds for the lab, on every flavor."""
    router = target.router
    routes = _joined([shlex.join(["ip", "-d", "route", "show", str(route.destination)]) for route in router.routes])
    # Read from /proc/sys (no sysctl on a VyOS user's PATH), each line `<key as a path>:<value>`; every
    # interface's send_redirects, which a hub turns off on its path interfaces.
    keys = dict.fromkeys([HASH_POLICY_SYSCTL, FORWARDING_SYSCTL, *(key for key, _ in router.underlay_tuning.sysctls)])
    sysctls = f"cd /proc/sys && grep -H . {' '.join(key.replace('.', '/') for key in keys)} net/ipv4/conf/*/send_redirects"
    return [
        Saved("routes.txt", routes, "the kernel's routes to the other routers' floating IPs, with their next hops"),
        Saved("rules.txt", "ip rule show", "the policy routing rules"),
        Saved("nexthops.txt", "ip -d nexthop show", "the kernel's nexthop objects (iproute2 routes are nexthop groups)"),
        Saved("addresses.txt", "ip -4 address show", "every IPv4 address: the floating /32, the path addresses"),
        Saved("links.txt", "ip -d link show", "every link: the path interfaces, the floating IP's, the underlay"),
        Saved("sysctls.txt", sysctls, "the sysctls the lab sets or validate reads, from /proc/sys"),
    ]


# Prints the lines of `show configuration commands` (standard input) under a path the ledger (first
# file) names with kind leaf, node or anchor (components/render/tree/ledger.py): the line without its
# `set ` and its single quotes is that path, or starts with it and a space.
LEDGER_FILTER = (
    'NR == FNR { if ($1 == "leaf" || $1 == "node" || $1 == "anchor") { $1 = ""; owned[substr($0, 2)] = 1 } next } '
    '{ line = $0; gsub(/\'/, "", line); sub(/^set /, "", line); '
    'for (path in owned) if (line == path || index(line, path " ") == 1) { print; next } }'
)


def vyos_items(target: Target) -> list[Saved]:
    ledger = vyos_ledger(target.plan.stack, target.router.name)
    configuration = f"{OP_MODE} show configuration commands | awk {shlex.quote(LEDGER_FILTER)} {shlex.quote(ledger)} -"
    return [
        Saved("configuration.txt", configuration, "`show configuration commands`, only the nodes the lab's ledger names"),
        Saved("ledger.txt", shlex.join(["cat", ledger]), f"the ledger: what the lab owns in the configuration ({ledger})"),
    ]


def linux_items(target: Target, host: LinuxHostPaths, frr: FrrHostPaths) -> list[Saved]:
    plan, router = target.plan, target.router
    files = [
        ("sysctl.conf", host.sysctl_file(plan), "the hash policy's sysctl drop-in"),
        ("underlay-sysctl.conf", host.underlay_sysctl_file(plan), "the underlay's sysctl drop-in (absent where nothing is tuned)"),
        ("unit.service", host.unit_file(plan), "the systemd unit that restores the lab at boot"),
        ("boot.sh", host.boot_script(plan), "the script the unit runs"),
        ("keeper.sh", host.keeper_script(plan), "the route keeper (iproute2 routes)"),
    ]
    saved = [Saved(name, shlex.join(["cat", path]), f"{about}: {path}") for name, path, about in files]
    if router.route_owner == "frr":
        begin, end = frr_block_markers(plan.stack)
        block = shlex.join(["sed", "-n", f"/^{begin}$/,/^{end}$/p", frr.config_file])
        saved.append(Saved("frr-block.conf", block, f"the lab's block of {frr.config_file}"))
    return saved


def runtime_items(target: Target) -> list[Saved]:
    """The instances' containers as the router's runtime lists them."""
    match target.router.runtime:
        case "vyos":
            return [Saved("containers.txt", SHOW_CONTAINER, "`show container`: every container VyOS runs")]
        case "docker":
            return [
                Saved(f"path{path.index}/container.json", inspect_command(target, path.index), "`docker inspect` of the container")
                for path in target.plan.paths
            ]
        case _:
            assert_never(target.router.runtime)


def instance_items(target: Target) -> list[Saved]:
    """Each instance's own files and state, read inside its container; never its identity.secret."""
    saved = runtime_items(target)
    for path in target.plan.paths:
        folder = f"path{path.index}"
        saved += [
            Saved(
                f"{folder}/local.conf", in_container(target, path.index, "cat", f"{ZEROTIER_HOME}/local.conf"), "the instance's local.conf"
            ),
            Saved(f"{folder}/devicemap", in_container(target, path.index, "cat", f"{ZEROTIER_HOME}/devicemap"), "the instance's devicemap"),
            Saved(f"{folder}/info.json", zerotier_cli(target, path.index, "info"), "`zerotier-cli info`"),
            Saved(f"{folder}/listnetworks.json", zerotier_cli(target, path.index, "listnetworks"), "`zerotier-cli listnetworks`"),
        ]
    return saved


def saved_items(target: Target, host: LinuxHostPaths = DEFAULT_HOST_PATHS, frr: FrrHostPaths = DEFAULT_FRR_PATHS) -> list[Saved]:
    """Everything saved from one router, by its flavor and runtime."""
    saved = kernel_items(target)
    match target.router.flavor:
        case "vyos":
            saved += vyos_items(target)
        case "linux":
            saved += linux_items(target, host, frr)
        case _:
            assert_never(target.router.flavor)
    if target.zerotier_absent is None:
        saved += instance_items(target)
    return saved


# -- the folder ------------------------------------------------------------------------------------


def collect_folder(out: Path, option: str = "--out") -> Path:
    """``out``, checked before any router is asked: a folder this command wrote before (it is then
    replaced whole), an empty one, or none yet; never a folder of someone else's."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{option} {out}: is a file; name a folder (it is created if missing)")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"{option} {out}: exists and was not written by `zt-ecmp collect`; remove it or choose another {option}")
    return out


def _why(output: CommandOutput) -> str:
    return "" if output.ok else f"  (exit status {output.returncode}: {output.why()})"


def router_index(router: RouterPlan, address: str, items: Sequence[Saved], outputs: Mapping[str, CommandOutput], when: str) -> str:
    lines = [f"zt-ecmp collect: router {router.name} ({router.flavor}, instances on {router.runtime}), read {when} over {address}", ""]
    for item in items:
        lines += [f"{item.file}: {item.about}{_why(outputs[item.command])}", f"    {item.command}"]
    lines += ["", SECRETS_NOTE]
    if router.flavor == "vyos":
        lines.append(VYOS_NOTE)
    return "\n".join(lines) + "\n"


def lab_index(plan: LabPlan, read: Sequence[str], unreachable: Sequence[Unreachable], notes: Sequence[str], when: str) -> str:
    lines = [f"zt-ecmp collect: stack {plan.stack} of project {plan.project}, {when}", *notes, ""]
    lines += [f"{name}/: see {name}/{INDEX}" for name in read]
    lines += [found.line for found in unreachable]
    return "\n".join([*lines, "", SECRETS_NOTE]) + "\n"


@dataclass(frozen=True)
class Collection:
    folder: Path
    routers: tuple[str, ...]
    unreachable: tuple[Unreachable, ...]

    @property
    def exit_status(self) -> int:
        return 3 if self.unreachable else 0


def collect_lab(
    plan: LabPlan,
    sessions: Mapping[str, RouterSession],
    out: Path,
    *,
    routers: Sequence[str] | None = None,
    notes: Sequence[str] = (),
    host_paths: Callable[[str], LinuxHostPaths] = lambda router: DEFAULT_HOST_PATHS,
    progress: Progress = quiet,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Collection:
    """Save every router named (all by default) into ``out``, one folder each; what was there before is replaced whole."""
    folder = collect_folder(out)
    chosen = list(routers) if routers is not None else list(plan.router_names)
    unreachable = reach({name: sessions[name] for name in chosen}, progress)
    down = {found.router for found in unreachable}
    targets = {name: target_of(plan, plan.router(name), sessions[name]) for name in chosen if name not in down}
    items = {name: saved_items(target, host_paths(name)) for name, target in targets.items()}
    outputs = ask_all(sessions, {name: [item.command for item in saved] for name, saved in items.items()}, progress)
    when = now().strftime("%Y-%m-%d %H:%M:%S UTC")
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (fresh / MARKER).write_text("written by `zt-ecmp collect`; replaced whole by the next collect into this folder\n")
        (fresh / INDEX).write_text(lab_index(plan, list(targets), unreachable, notes, when))
        for name, saved in items.items():
            for item in saved:
                file = fresh / name / item.file
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(outputs[name][item.command].stdout)
            (fresh / name / INDEX).write_text(router_index(plan.router(name), sessions[name].address, saved, outputs[name], when))
        if folder.exists():
            shutil.rmtree(folder)
        fresh.rename(folder)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return Collection(folder, tuple(targets), tuple(unreachable))
