"""FRR and the routers' forwarding switches: the lab leaves every one as the operator had it.

`frr-reload.py --reload` compares frr.conf with zebra's running configuration, which says `no ip
forwarding` and `no ipv6 forwarding` while the kernel forwards nothing; a file that does not say so
makes it run `ip forwarding` and `ipv6 forwarding` (tools/frr-reload.py: a running context missing
from the file is deleted, and deleting a `no ...` line runs it without its `no`). Each switch is
compared before the lab, while it is up, and after its undo, in every router namespace.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from components.model.plan import LabPlan
from components.netns.bfd_failover import await_converged, failover_plan
from components.netns.frr import frr_lab
from components.netns.lab import netns_lab
from components.netns.lab_settings import netns_lab_plan
from tests.support.netns import FRR_LAB

pytestmark = FRR_LAB

HUB_AND_SPOKE = {"routing": {"linuxRoutes": "frr", "bfd": {"enabled": True}, "topology": "hub-and-spoke", "hub": "r1"}}
# Switches an operator may have set apart from `all`: the lab must put back each one, not only `all`.
# A hub's IPv4 switches are left at the kernel's: the underlay tuning turns the hub's ip_forward on,
# which sets every interface's IPv4 switch, and puts back ip_forward alone.
OPERATORS_SWITCHES = ("ipv4/conf/default/forwarding", "ipv4/conf/lo/forwarding", "ipv6/conf/default/forwarding", "ipv6/conf/lo/forwarding")


@dataclass(frozen=True)
class ForwardingSeen:
    plan: LabPlan
    # Per router, every forwarding sysctl: before the lab, with it up, after its undo.
    before: dict[str, dict[str, str]]
    up: dict[str, dict[str, str]]
    after: dict[str, dict[str, str]]
    # Per router, the forwarding lines of frr.conf with the lab up.
    statements: dict[str, list[str]]


@pytest.fixture(scope="module", params=["two routers", "a hub and two spokes"])
def seen(request: pytest.FixtureRequest) -> Iterator[ForwardingSeen]:
    plan = (
        failover_plan(paths=2)
        if request.param == "two routers"
        else netns_lab_plan(2, stack="bfd", routers=3, stack_settings=HUB_AND_SPOKE)
    )
    routers = [router.name for router in plan.routers]
    with netns_lab(plan, prefix=f"ztw-{os.getpid()}") as lab, frr_lab(lab) as frr:
        for router in plan.routers:
            switches = [switch for switch in OPERATORS_SWITCHES if not (router.forwards and switch.startswith("ipv4/"))]
            lab.exec(router.name, ["sh", "-c", "".join(f"echo 1 > /proc/sys/net/{switch}; " for switch in switches)])
        before = {router: frr.forwarding(router) for router in routers}
        frr.apply()
        await_converged(frr)
        up = {router: frr.forwarding(router) for router in routers}
        statements = {
            router: [
                line for line in (frr.router_dir(router) / "etc" / "frr.conf").read_text().splitlines() if line.endswith(" forwarding")
            ]
            for router in routers
        }
        frr.undo()
        yield ForwardingSeen(plan, before, up, {router: frr.forwarding(router) for router in routers}, statements)


def _family(switches: dict[str, str], family: str) -> dict[str, str]:
    return {name: value for name, value in switches.items() if name.startswith(f"{family}/")}


def _operators(seen: ForwardingSeen, router: str, family: str) -> dict[str, str]:
    """``router``'s switches of ``family`` with the lab up, those of its own interfaces (the dummy) left out."""
    return {name: value for name, value in _family(seen.up[router], family).items() if name in seen.before[router]}


def test_the_operators_switches_are_set_apart_from_all_before_the_lab(seen: ForwardingSeen) -> None:
    first = seen.plan.routers[-1].name
    assert [seen.before[first][switch] for switch in ("ipv4/ip_forward", "ipv6/conf/all/forwarding", *OPERATORS_SWITCHES)] == [
        "0",
        "0",
        "1",
        "1",
        "1",
        "1",
    ]


def test_frr_conf_says_what_forwarding_the_lab_wants(seen: ForwardingSeen) -> None:
    assert seen.statements == {
        router.name: ["ip forwarding" if router.forwards else "no ip forwarding", "no ipv6 forwarding"] for router in seen.plan.routers
    }


def test_ipv6_forwarding_stays_as_it_was_while_the_lab_is_up(seen: ForwardingSeen) -> None:
    assert {router: _operators(seen, router, "ipv6") for router in seen.up} == {
        router: _family(switches, "ipv6") for router, switches in seen.before.items()
    }


def test_ipv4_forwarding_stays_as_it_was_while_the_lab_is_up_except_on_a_hub(seen: ForwardingSeen) -> None:
    expected = {
        router.name: {name: "1" if router.forwards else value for name, value in _family(seen.before[router.name], "ipv4").items()}
        for router in seen.plan.routers
    }
    assert {router: _operators(seen, router, "ipv4") for router in seen.up} == expected


def test_undo_puts_every_forwarding_switch_back(seen: ForwardingSeen) -> None:
    assert seen.after == seen.before
