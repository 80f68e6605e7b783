"""Getters that ask inside each path's instance container, through the router's runtime: zerotier-one's
own state and the CPUs its process may use. The same commands on every runtime, behind its exec prefix
(components/model/flavors.py)."""

from __future__ import annotations

import shlex
from typing import Any

from components.model.flavors import runtime
from components.model.naming import ZEROTIER_HOME
from components.ops.facts.getter import Getter, Target, failed, int_or_none, json_list, json_object, text_or_none, unparsed
from components.ops.facts.model import (
    Absent,
    ByPath,
    ProcessCpus,
    RootContact,
    Unread,
    ZeroTierInstance,
    ZeroTierNetwork,
    ZeroTierNode,
)
from components.ops.facts.needs import ProcessCpusNeed, ZeroTierNeed
from components.ops.shell import CommandOutput


def in_container(target: Target, index: int, *argv: str) -> str:
    """One command line running ``argv`` inside path ``index``'s container, through the router's runtime."""
    return shlex.join([*runtime(target.router.runtime).exec_prefix, "exec", target.container(index), *argv])


# -- zerotier-one ----------------------------------------------------------------------------------
#
# When a root server was last heard comes from ``zerotier-cli -j peers``, where zerotier-one lists
# every root as a peer of role PLANET with the time each of its paths last received something
# (``lastReceive``, milliseconds), against the node's own clock that ``-j info`` reports (``clock``);
# both are written by zerotier-one's service/OneService.cpp (``_peerToJson`` and the status handler).

ZEROTIER_CLI_WORDS = ("info", "listnetworks", "peers")


def zerotier_cli(target: Target, index: int, word: str) -> str:
    """``zerotier-cli -j <word>`` for path ``index``'s instance, at its port and home."""
    port = target.plan.path(index).end(target.router.name).port
    return in_container(target, index, "zerotier-cli", f"-p{port}", f"-D{ZEROTIER_HOME}", "-j", word)


def _node(info: CommandOutput) -> ZeroTierNode | Unread:
    node = json_object(info, "zerotier-cli info")
    if isinstance(node, Unread):
        return node
    return ZeroTierNode(text_or_none(node.get("address")), int_or_none(node.get("clock")))


def _network(entry: dict[str, Any]) -> ZeroTierNetwork:
    addresses = entry.get("assignedAddresses") or []
    return ZeroTierNetwork(
        network_id=str(entry.get("id")),
        status=str(entry.get("status")),
        interface=text_or_none(entry.get("portDeviceName")),
        addresses=tuple(str(address) for address in addresses),
    )


def _networks(output: CommandOutput) -> tuple[ZeroTierNetwork, ...] | Unread:
    listed = json_list(output, "zerotier-cli listnetworks")
    if isinstance(listed, Unread):
        return listed
    return tuple(_network(entry) for entry in listed if isinstance(entry, dict))


def _roots(node: ZeroTierNode | Unread, peers: CommandOutput) -> RootContact | Unread:
    listed = json_list(peers, "zerotier-cli peers")
    if isinstance(listed, Unread):
        return listed
    heard = [
        int(path["lastReceive"])
        for peer in listed
        if isinstance(peer, dict) and peer.get("role") == "PLANET"
        for path in peer.get("paths") or []
        if isinstance(path, dict) and int(path.get("lastReceive") or 0) > 0
    ]
    clock = node.clock_ms if isinstance(node, ZeroTierNode) else None
    if not heard or clock is None:
        return RootContact(None)
    return RootContact(max(0, clock - max(heard)) // 1000)


def _instance(info: CommandOutput, networks: CommandOutput, peers: CommandOutput) -> ZeroTierInstance:
    node = _node(info)
    return ZeroTierInstance(node, _networks(networks), _roots(node, peers))


def _read_zerotier(target: Target, need: ZeroTierNeed, outputs: tuple[CommandOutput, ...]) -> ByPath[ZeroTierInstance] | Absent:
    per_path = len(ZEROTIER_CLI_WORDS)
    return ByPath(
        tuple(
            (path.index, _instance(*outputs[position * per_path : (position + 1) * per_path]))
            for position, path in enumerate(target.plan.paths)
        )
    )


ZEROTIER = Getter(
    lambda target, need: tuple(zerotier_cli(target, path.index, word) for path in target.plan.paths for word in ZEROTIER_CLI_WORDS),
    _read_zerotier,
)

# -- the CPUs zerotier-one may use -----------------------------------------------------------------
#
# What the kernel lets the running process use, not what a configuration file says: the same question
# on every runtime, however the runtime applied the pin. Inside the container: find zerotier-one's
# PID first (it is not PID 1: the official entrypoint starts it in the background), then read that
# process's own status. Other processes come and go (the entrypoint starts a `sleep 1` every
# second), so a name that cannot be read is skipped, and no other process's status is ever read. No
# zerotier-one: exit status 1 and nothing printed.
PROCESS_CPUS_SCRIPT = (
    "for process in /proc/[0-9]*; do "
    'read -r name 2>/dev/null <"$process/comm" && [ "$name" = zerotier-one ] && '
    "exec grep -e '^Name:' -e '^Pid:' -e '^Cpus_allowed_list:' \"$process/status\"; "
    "done; exit 1"
)


def parse_cpu_list(text: str) -> frozenset[int]:
    """A kernel CPU list (``0-3,8,10-11``) as a set of CPU ids."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return frozenset(cpus)


def _process_cpus(output: CommandOutput) -> ProcessCpus | Unread:
    """Judged by what was read, whatever the exit status: the status lines say everything, and an exit
    status says nothing about zerotier-one once they were read."""
    status = {key: value.strip() for key, _, value in (line.partition(":") for line in output.stdout.splitlines())}
    if status.get("Name") == "zerotier-one" and "Cpus_allowed_list" in status:
        pid = status.get("Pid", "")
        try:
            allowed = parse_cpu_list(status["Cpus_allowed_list"])
        except ValueError:
            return unparsed(output, "the CPUs zerotier-one may use", "not a CPU list")
        return ProcessCpus(int(pid) if pid.isdigit() else None, allowed)
    # The runtime's complaint (no such container, ...) if any; else the script found no zerotier-one.
    if output.stderr.strip():
        return failed(output, "the CPUs zerotier-one may use")
    return Unread("the CPUs zerotier-one may use", "failed", "no zerotier-one process in the container")


def _read_process_cpus(target: Target, need: ProcessCpusNeed, outputs: tuple[CommandOutput, ...]) -> ByPath[ProcessCpus | Unread] | Absent:
    return ByPath(tuple((path.index, _process_cpus(output)) for path, output in zip(target.plan.paths, outputs, strict=True)))


PROCESS_CPUS = Getter(
    lambda target, need: tuple(in_container(target, path.index, "sh", "-c", PROCESS_CPUS_SCRIPT) for path in target.plan.paths),
    _read_process_cpus,
)
