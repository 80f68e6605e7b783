"""From needs to commands and back to facts: each command once, one command per need where one says it all."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from components.model.plan import LabPlan
from components.ops.facts.gather import commands_for, read_facts
from components.ops.facts.getter import Target
from components.ops.facts.model import Absent
from components.ops.facts.needs import (
    BFD_PEERS,
    COMMIT_STATE,
    HASH_POLICY,
    INSTANCES,
    LINKS,
    PROCESS_CPUS,
    UNDERLAY,
    ZEROTIER,
    AnyNeed,
    PingNeed,
    RoutesNeed,
)
from components.ops.validate.framework import RouterScope
from components.ops.validate.registry import CHECKS
from components.ops.validate.runner import needs_for
from tests.ops.validate import gk41_sites
from tests.ops.validate.gk41_r1 import DOCKER, VYOS, healthy_r1
from tests.support.stacks import jumbo_routers, lab_plan
from tests.support.variants import linux_plan

EVERY_FACT: list[AnyNeed] = [
    COMMIT_STATE,
    INSTANCES,
    ZEROTIER,
    PROCESS_CPUS,
    LINKS,
    RoutesNeed(IPv4Network("10.0.55.2/32")),
    HASH_POLICY,
    PingNeed(IPv4Address("10.14.0.2")),
    BFD_PEERS,
    UNDERLAY,
]
R1 = Target(VYOS, VYOS.router("r1"))


def count(target: Target, need: AnyNeed) -> int:
    return len(commands_for(target, [need]))


def test_each_need_takes_the_commands_its_facts_need_and_no_more() -> None:
    # N = 4 paths on VyOS: one table for every container; zerotier-cli info, listnetworks and peers
    # and one CPU script per instance; ethtool and ip link for the underlay; one command for the rest.
    assert {type(need).__name__: count(R1, need) for need in EVERY_FACT} == {
        "CommitStateNeed": 1,
        "InstancesNeed": 1,
        "ZeroTierNeed": 12,
        "ProcessCpusNeed": 4,
        "LinksNeed": 1,
        "RoutesNeed": 1,
        "HashPolicyNeed": 1,
        "PingNeed": 1,
        "BfdPeersNeed": 1,
        "UnderlayNeed": 2,
    }


def test_docker_is_asked_about_each_container_on_its_own() -> None:
    assert count(Target(DOCKER, DOCKER.router("r1")), INSTANCES) == 4


def test_a_need_asked_twice_is_one_command() -> None:
    ping = PingNeed(IPv4Address("10.14.0.2"))
    assert commands_for(R1, [ping, LINKS, PingNeed(IPv4Address("10.14.0.2"))]) == [
        "ping -n -q -c 2 -i 0.2 -W 1 10.14.0.2",
        "ip -j link show",
    ]


def test_facts_are_read_from_the_outputs_of_their_own_commands() -> None:
    facts = read_facts(R1, [HASH_POLICY, LINKS], healthy_r1())
    assert set(facts.known) == {HASH_POLICY, LINKS}


def test_a_fact_that_was_not_asked_for_cannot_be_read() -> None:
    facts = read_facts(R1, [HASH_POLICY], healthy_r1())
    with pytest.raises(KeyError, match=r"LinksNeed\(\) was not read on r1"):
        facts[LINKS]


def test_a_router_without_zerotier_is_asked_nothing_about_its_instances_and_says_why() -> None:
    target = Target(VYOS, VYOS.router("r1"), zerotier_absent="no ZeroTier here")
    assert commands_for(target, [INSTANCES, ZEROTIER, PROCESS_CPUS]) == []
    facts = read_facts(target, [INSTANCES, ZEROTIER, PROCESS_CPUS], {})
    assert {facts[INSTANCES], facts[ZEROTIER], facts[PROCESS_CPUS]} == {Absent("no ZeroTier here")}


def test_a_router_without_an_underlay_is_asked_nothing_about_it() -> None:
    target = Target(VYOS, VYOS.router("r1"), underlay_absent="no underlay here")
    assert commands_for(target, [UNDERLAY]) == []
    assert read_facts(target, [UNDERLAY], {})[UNDERLAY] == Absent("no underlay here")


# Every router validate's tests know, with every fact validate's checks need there.
PLANS: list[tuple[str, LabPlan]] = [
    ("gk41 vyos", VYOS),
    ("gk41 docker", DOCKER),
    ("gk41 linux", linux_plan("gk41")),
    ("ms01 jumbo", lab_plan("ms01", routers=jumbo_routers("ms01"))),
    ("gk41 sites", gk41_sites.FULL_MESH),
]


def every_command(plan: LabPlan) -> list[str]:
    return [
        command for router in plan.routers for command in commands_for(Target(plan, router), needs_for(RouterScope(plan, router), CHECKS))
    ]


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=[name for name, _ in PLANS])
def test_every_command_is_one_shell_line_without_secrets(name: str, plan: LabPlan) -> None:
    for command in every_command(plan):
        assert "\n" not in command
        assert "secret" not in command.lower()


# validate runs as the router's SSH user. A command given to `ssh` runs as `vbash -c` on VyOS, which
# reads no profile, so PATH is OpenSSH's compiled-in default, /usr/local/bin:/usr/bin:/bin:/usr/games
# on Debian's build (vyos-1x's sshd_config template sets none); observed on the real 1.4 backend,
# bare `sysctl` and `ethtool` answered `Invalid command: [sysctl]`. Tools Debian installs in /sbin:
SBIN_ONLY = {"sysctl", "ethtool", "tc", "bridge", "iptables", "nft", "modprobe"}


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=[name for name, _ in PLANS])
def test_no_command_names_a_tool_that_lives_only_in_sbin(name: str, plan: LabPlan) -> None:
    for command in every_command(plan):
        assert command.split()[0] not in SBIN_ONLY, f"{name}: {command}"


def test_every_docker_command_names_the_routers_own_engine() -> None:
    # A DOCKER_CONTEXT or `docker context use` on the router would point the CLI at another engine.
    docker = [command for command in every_command(DOCKER) if command.startswith("docker")]
    assert docker
    assert all(command.startswith("docker --context default ") for command in docker)
