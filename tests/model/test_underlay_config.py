"""Underlay settings: refused where the NIC, VyOS or a forwarding kernel cannot honour them, and the
values the plan derives from the hardware profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.model.settings import ConfigError, parse_lab_config
from components.model.underlay import cpu_mask, socket_buffer_sizes
from tests.support.stacks import lab_plan, stack_settings

Settings = dict[str, Any]


def _underlay(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position]["underlay"].update(values)


def _flavor_and_underlay(flavor: str, **values: Any) -> Callable[[Settings], None]:
    def change(s: Settings) -> None:
        s["routers"][0]["flavor"] = flavor
        s["routers"][0]["underlay"].update(values)

    return change


# (what is wrong, change to the gk41 stack, the problem line must start with, words it must contain)
BAD_UNDERLAYS: list[tuple[str, Callable[[Settings], None], str, str]] = [
    ("a speed the USB NIC cannot run at", _underlay(1, speed="10G"), "routers[1].underlay.speed", "Realtek RTL8156 can run at"),
    ("an MTU below IPv4's minimum", _underlay(0, mtu=67), "routers[0].underlay.mtu", "67 is too small for ZeroTier"),
    ("an MTU above VyOS's maximum", _underlay(0, mtu=16001), "routers[0].underlay.mtu", "16001 is more than VyOS accepts"),
    ("an MTU above the NIC's", _underlay(0, mtu=15339), "routers[0].underlay.mtu", "hardware.nic.maxMtu 15338"),
    (
        "half duplex at 2.5G",
        _underlay(0, negotiation="fixed", duplex="half"),
        "routers[0].underlay.duplex",
        "half duplex does not exist at 2.5G",
    ),
    ("a duplex with negotiated speed", _underlay(0, duplex="full"), "routers[0].underlay.duplex", "needs negotiation fixed"),
    ("a tx ring the USB NIC cannot resize", _underlay(0, ringBuffer={"tx": 256}), "routers[0].underlay.ringBuffer.tx", "cannot change"),
    (
        "an rx ring on VyOS where the tx ring cannot change",
        _underlay(0, ringBuffer={"rx": 1024}),
        "routers[0].underlay.ringBuffer",
        "VyOS refuses any ring-buffer setting",
    ),
    ("an rx ring above the NIC's", _flavor_and_underlay("linux", ringBuffer={"rx": 8192}), "routers[0].underlay.ringBuffer.rx", "4096"),
    ("a ring below VyOS's minimum", _underlay(0, ringBuffer={"rx": 79}), "routers[0].underlay.ringBuffer.rx", "greater than or equal"),
    ("LRO on a router", _underlay(0, offload={"lro": True}), "routers[0].underlay.offload.lro", "use gro"),
    (
        "a default socket buffer above the max",
        _underlay(0, socketBuffers={"maxBytes": 1048576, "defaultBytes": 2097152}),
        "routers[0].underlay.socketBuffers.defaultBytes",
        "cannot exceed",
    ),
    ("an unknown offload", _underlay(0, offload={"tx-checksum": True}), "routers[0].underlay.offload.tx-checksum", "unknown setting"),
    ("a NIC speed VyOS does not know", lambda s: s["hardware"]["nic"].update(speeds=["2G"]), "hardware.nic.speeds[0]", "2.5G"),
]


@pytest.mark.parametrize(("change", "setting", "words"), [case[1:] for case in BAD_UNDERLAYS], ids=[case[0] for case in BAD_UNDERLAYS])
def test_impossible_underlay_settings_are_refused_naming_the_setting(change: Callable[[Settings], None], setting: str, words: str) -> None:
    settings = stack_settings("gk41")
    change(settings)
    with pytest.raises(ConfigError) as raised:
        parse_lab_config(settings)
    matching = [problem for problem in raised.value.problems if problem.startswith(setting)]
    assert matching, raised.value.problems
    assert words in " ".join(matching)


def test_half_duplex_at_1g_fixed_is_accepted() -> None:
    settings = stack_settings("gk41")
    settings["routers"][0]["underlay"].update(speed="1G", negotiation="fixed", duplex="half")
    assert parse_lab_config(settings).routers[0].underlay.duplex == "half"


def test_a_profile_without_a_nic_checks_only_the_universal_ranges() -> None:
    settings = stack_settings("gk41")
    del settings["hardware"]["nic"]
    settings["routers"][0]["underlay"].update(speed="100G", mtu=16000, ringBuffer={"rx": 16384, "tx": 16384})
    assert parse_lab_config(settings).routers[0].underlay.mtu == 16000


@pytest.mark.parametrize(
    ("gbps", "expected"),
    [
        (1.0, (1048576, 262144)),
        (2.5, (2097152, 524288)),
        (10.0, (8388608, 2097152)),
        (25.0, (16777216, 4194304)),
        (100.0, (67108864, 16777216)),
    ],
)
def test_socket_buffers_hold_4_ms_of_line_rate_rounded_up_to_a_power_of_two(gbps: float, expected: tuple[int, int]) -> None:
    assert socket_buffer_sizes(gbps) == expected


def test_socket_buffers_never_fall_below_what_zerotier_one_asks_for() -> None:
    assert socket_buffer_sizes(0.1)[0] == 1 << 20


def test_a_small_explicit_max_also_caps_the_derived_default() -> None:
    assert socket_buffer_sizes(25.0, max_bytes=65536) == (65536, 65536)


def test_rps_mask_covers_every_logical_cpu_in_groups_of_32() -> None:
    assert (cpu_mask(4), cpu_mask(20), cpu_mask(40)) == ("f", "fffff", "ff,ffffffff")


def test_gk41_plans_rps_over_its_four_cores_and_ms01_plans_none() -> None:
    assert lab_plan("gk41").routers[0].underlay_tuning.rps_cpu_mask == "f"
    assert lab_plan("ms01").routers[0].underlay_tuning.rps_cpu_mask == ""


def test_fixed_negotiation_forces_the_link_speed_in_mbit_per_second_full_duplex() -> None:
    link = lab_plan("ms01").routers[1].underlay_tuning.link
    assert link is not None and (link.autoneg, link.speed_mbps, link.duplex) == (False, 25000, "full")
