"""The recorded answers the lab tools' tests read: each is a command validate, status or collect asks, in the
file its name maps to."""

from __future__ import annotations

import pytest

from components.model.plan import LabPlan
from components.ops.collect import saved_items
from components.ops.facts.gather import commands_for as fact_commands
from components.ops.lab_read import target_of
from components.ops.shell import CommandOutput
from components.ops.status import status_needs
from components.ops.validate.runner import commands_for
from tests.ops.recorded_router import RECORDINGS_DIR, recorded, recording_file, stem
from tests.ops.validate import gk41_sites
from tests.ops.validate.gk41_r1 import DOCKER, VYOS, healthy_r1
from tests.support.stacks import jumbo_routers, lab_plan

# The routers the recordings were made on, as their plans describe them: r1 of the two-router labs,
# and each of the three sites, in a full mesh and hub and spoke.
RECORDED_ROUTERS: list[tuple[LabPlan, str]] = [
    (VYOS, "r1"),
    (DOCKER, "r1"),
    (lab_plan("ms01", routers=jumbo_routers("ms01")), "r1"),
    *((plan, router) for plan in (gk41_sites.FULL_MESH, gk41_sites.HUB_AND_SPOKE) for router in gk41_sites.ROUTERS),
]


def tools_ask(plan: LabPlan, router: str) -> list[str]:
    """Every command validate, status and collect ask ``router``, each once."""
    target = target_of(plan, plan.router(router))
    status = fact_commands(target, status_needs(target.router))
    return list(dict.fromkeys([*commands_for(target), *status, *(item.command for item in saved_items(target))]))


def asked() -> set[str]:
    return {command for plan, router in RECORDED_ROUTERS for command in tools_ask(plan, router)}


def test_no_two_commands_the_tools_ask_share_a_recording_file() -> None:
    for plan, router in RECORDED_ROUTERS:
        commands = tools_ask(plan, router)
        assert len({stem(command) for command in commands}) == len(commands)


@pytest.mark.parametrize("case", sorted(folder.name for folder in RECORDINGS_DIR.iterdir()))
def test_every_recording_answers_a_command_a_tool_asks(case: str) -> None:
    files = {stem(command) for command in asked()}
    assert set(recorded(case)) <= files, f"{case} records something no tool asks"


def test_the_healthy_router_answers_every_command_it_is_asked() -> None:
    answers = healthy_r1()
    for command in tools_ask(VYOS, "r1"):
        assert recording_file("gk41-r1-vyos", command).exists()
        assert answers[command].ok


@pytest.mark.parametrize("router", gk41_sites.ROUTERS)
def test_each_healthy_site_answers_every_command_it_is_asked(router: str) -> None:
    full_mesh, hub_and_spoke = gk41_sites.healthy(router), gk41_sites.hub_and_spoke(router)
    for command in commands_for(target_of(gk41_sites.FULL_MESH, gk41_sites.FULL_MESH.router(router))):
        assert recording_file(f"gk41-sites-{router}-vyos", command).exists()
        assert full_mesh[command].ok
    for command in commands_for(target_of(gk41_sites.HUB_AND_SPOKE, gk41_sites.HUB_AND_SPOKE.router(router))):
        assert hub_and_spoke[command].ok


def test_a_later_case_replaces_the_answers_it_holds_and_a_test_can_replace_one_more() -> None:
    answers = healthy_r1("gk41-r1-route-none").answering("cat /proc/sys/net/ipv4/fib_multipath_hash_policy", CommandOutput(0, "0\n"))
    assert answers["ip -d -j route show 10.0.55.2/32"].stdout == "[ ]\n"
    assert answers["cat /proc/sys/net/ipv4/fib_multipath_hash_policy"].stdout == "0\n"
    assert answers["/sbin/ethtool eth2"] == healthy_r1()["/sbin/ethtool eth2"]


def test_a_failed_command_keeps_its_exit_status_and_error_output() -> None:
    output = recorded("gk41-r1-docker-path3-missing")["docker --context default inspect --type container zt-ecmp-gk41-path3"]
    assert output == CommandOutput(1, "[]\n", "Error: No such container: zt-ecmp-gk41-path3\n")


def test_an_unrecorded_command_names_the_file_it_would_be_in() -> None:
    with pytest.raises(KeyError, match=r"show-bfd-peers-json\.txt"):
        recorded("gk41-r1-docker")["vtysh -c 'show bfd peers json'"]
