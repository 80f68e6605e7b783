"""Plans and inputs the tests share: the variants each renderer branches on (VyOS, Docker and Linux), and fake secrets."""

from __future__ import annotations

from typing import Any

from components.model.plan import LabPlan
from components.model.settings import FloatingOn
from tests.support.stacks import docker_plan, lab_plan, stack_settings

FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-SSH-KEY-zt-ecmp-must-not-leak\n-----END OPENSSH PRIVATE KEY-----\n"
FAKE_IDENTITY_SECRET = "c0ffee0001:0:FAKEPUBLIC:FAKE-IDENTITY-SECRET-must-not-leak"


def network_ids(count: int) -> dict[int, str]:
    return {index: f"8056c2e21c{index:06x}" for index in range(1, count + 1)}


def vyos_runtime_plan(stack: str = "gk41", **changes: Any) -> LabPlan:
    """The stack with both routers running the instances as VyOS containers."""
    routers = stack_settings(stack)["routers"]
    for router in routers:
        router["runtime"] = "vyos"
    return lab_plan(stack, routers=routers, **changes)


def plan_variants() -> dict[str, LabPlan]:
    """Every combination the renderer treats differently, by name."""
    return {
        "gk41": lab_plan("gk41"),
        "gk41-k1": lab_plan("gk41", paths={"count": 4, "active": 1}),
        "ms01": lab_plan("ms01"),
        "gk41-firewall": lab_plan("gk41", routing={"openFirewall": True}),
        "gk41-bfd-tuned": lab_plan("gk41", paths={"count": 4, "active": 2}, routing={"bfd": {"intervalMs": 10, "multiplier": 255}}),
        "gk41-bfd-off": lab_plan("gk41", routing={"bfd": {"enabled": False}}),
        "gk41-loopback": lab_plan("gk41", addressing={"floatingOn": "loopback"}),
        "gk41-vyos-runtime": vyos_runtime_plan("gk41", routing={"openFirewall": True}),
        "ms01-vyos-runtime": vyos_runtime_plan("ms01", paths={"count": 8, "active": 3}),
        "gk41-untuned": underlay_plan("gk41"),
        "gk41-fixed-half-rings-offloads-off": underlay_plan(
            "gk41",
            speed="1G",
            negotiation="fixed",
            duplex="half",
            mtu=1500,
            ringBuffer={"rx": 80, "tx": 8192},
            offload={"gro": False, "gso": False, "lro": False, "rps": False, "sg": False, "tso": False},
            socketBuffers={"maxBytes": 4096, "defaultBytes": 4096},
        ),
        "gk41-sites": lab_plan("gk41-sites"),
        "gk41-sites-hub-k2": lab_plan(
            "gk41-sites", paths={"count": 4, "active": 2}, routing={"topology": "hub-and-spoke", "hub": "hq", "openFirewall": True}
        ),
    }


# A NIC that can do everything the underlay settings ask of it, for plans that exercise them all.
CAPABLE_NIC = {"model": "test NIC", "speeds": ["1G", "2.5G", "10G", "25G"], "maxMtu": 9216, "maxRxRing": 8192, "maxTxRing": 8192}


def underlay_plan(stack: str = "gk41", nic: dict[str, Any] | None = None, **underlay: Any) -> LabPlan:
    """The stack with both routers' underlay settings replaced by ``underlay`` (interface, speed and address kept)."""
    settings = stack_settings(stack)
    for router in settings["routers"]:
        kept = {key: router["underlay"][key] for key in ("interface", "speed", "address")}
        router["underlay"] = {**kept, **underlay}
    settings["hardware"]["nic"] = nic if nic is not None else CAPABLE_NIC
    return lab_plan(stack, routers=settings["routers"], hardware=settings["hardware"])


def linux_plan(
    stack: str = "gk41", floating_on: FloatingOn = "loopback", routers: list[dict[str, Any]] | None = None, **changes: Any
) -> LabPlan:
    """The stack (or ``routers``, its routers' settings changed) with every router on flavor linux (Docker
    runtime), floating IPs on lo unless told otherwise."""
    linux = [{**router, "flavor": "linux"} for router in (routers if routers is not None else stack_settings(stack)["routers"])]
    return lab_plan(stack, routers=linux, addressing={"floatingOn": floating_on}, **changes)


def golden_variants() -> dict[str, LabPlan]:
    """Every plan whose artefacts are kept as goldens: the renderer's variants on VyOS, Docker and Linux."""
    return {
        **plan_variants(),
        "gk41-docker": docker_plan("gk41"),
        "ms01-docker-k3": docker_plan("ms01", paths={"count": 8, "active": 3}),
        "gk41-linux": linux_plan("gk41"),
        "gk41-linux-frr": linux_plan("gk41", routing={"linuxRoutes": "frr"}),
        "ms01-linux-frr-bfd-off": linux_plan("ms01", routing={"linuxRoutes": "frr", "bfd": {"enabled": False}}),
        "gk41-sites-linux": linux_plan("gk41-sites"),
        "gk41-sites-linux-frr-hub": linux_plan("gk41-sites", routing={"linuxRoutes": "frr", "topology": "hub-and-spoke", "hub": "br1"}),
        "gk41-networks-of-your-own": lab_plan(
            "gk41", zerotier={"networks": ["8056c2e21c000001", "8056c2e21c000002", "8056c2e21c000003", "8056c2e21c000004"]}
        ),
    }
