"""Structured text serialised from data: FRR stanzas, systemd units and sysctl.d drop-ins."""

from __future__ import annotations

from components.render.formats import Stanza, SysctlFile, Unit, frr_lines, separated, sysctl_text, unit_text


def test_an_frr_stanza_indents_its_lines_and_closes_with_exit() -> None:
    assert frr_lines([Stanza("interface eth0", ("ip ospf area 0",))]) == ["interface eth0", " ip ospf area 0", "exit"]


def test_a_nested_frr_stanza_is_one_space_deeper_and_exits_at_its_depth() -> None:
    bfd = Stanza("bfd", tuple(separated([Stanza("profile p", ("detect-multiplier 3",))])))
    assert frr_lines([bfd]) == ["bfd", " profile p", "  detect-multiplier 3", " exit", " !", "exit"]


def test_separated_frr_stanzas_each_end_with_a_bang_line() -> None:
    assert frr_lines(separated([Stanza("route-map a permit 20"), Stanza("router ospf")])) == [
        "route-map a permit 20",
        "exit",
        "!",
        "router ospf",
        "exit",
        "!",
    ]


def test_a_systemd_unit_is_sections_of_key_value_lines_apart_by_an_empty_line() -> None:
    unit = Unit((("Unit", (("Description", "lab"), ("After", "a.service b.service"))), ("Install", (("WantedBy", "multi-user.target"),))))
    assert unit_text(unit) == "[Unit]\nDescription=lab\nAfter=a.service b.service\n\n[Install]\nWantedBy=multi-user.target\n"


def test_a_sysctl_drop_in_says_why_then_sets_each_key() -> None:
    drop_in = SysctlFile(settings=(("net.ipv4.fib_multipath_hash_policy", "1"),), why=("zt-ecmp s: layer-4 hashing.",))
    assert sysctl_text(drop_in) == "# zt-ecmp s: layer-4 hashing.\nnet.ipv4.fib_multipath_hash_policy = 1\n"
