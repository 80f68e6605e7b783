"""Path link up: each active path's interface exists, is up and has carrier."""

from __future__ import annotations

from components.ops.facts.model import Link, Links, Unread
from components.ops.facts.needs import LINKS
from components.ops.validate.checks.path_link import CHECK
from tests.ops.validate.gk41_r1 import plan_with_runtime
from tests.ops.validate.judged import failed, verdicts


def up(name: str) -> Link:
    return Link(name, up=True, carrier=True, state="UNKNOWN", mtu=2800)


def links(*changed: Link, without: str | None = None) -> Links:
    """The four path interfaces up, with ``changed`` in place of their namesakes."""
    by_name = {f"ztecmp{index}": up(f"ztecmp{index}") for index in range(1, 5)} | {link.name: link for link in changed}
    return Links(tuple(link for name, link in by_name.items() if name != without))


def test_every_active_paths_interface_up_with_carrier_passes_with_its_state_and_mtu() -> None:
    assert verdicts(CHECK, {LINKS: links()})[0] == ("path 1: ztecmp1", "pass", "up, state UNKNOWN, mtu 2800")


def test_a_missing_path_interface_fails() -> None:
    assert failed(CHECK, {LINKS: links(without="ztecmp3")}) == [("path 3: ztecmp3", "no interface ztecmp3")]


def test_a_path_interface_without_carrier_fails_with_its_state() -> None:
    no_carrier = Link("ztecmp2", up=True, carrier=False, state="DOWN", mtu=2800)
    assert failed(CHECK, {LINKS: links(no_carrier)}) == [("path 2: ztecmp2", "ztecmp2 has no carrier (state DOWN)")]


def test_an_interface_set_down_fails_as_administratively_down() -> None:
    down = Link("ztecmp2", up=False, carrier=False, state="DOWN", mtu=2800)
    assert failed(CHECK, {LINKS: links(down)}) == [("path 2: ztecmp2", "ztecmp2 is administratively down")]


def test_inactive_paths_are_not_judged() -> None:
    plan = plan_with_runtime("vyos", paths={"count": 4, "active": 2})
    assert [subject for subject, _, _ in verdicts(CHECK, {LINKS: links(without="ztecmp4")}, plan)] == ["path 1: ztecmp1", "path 2: ztecmp2"]


def test_links_that_could_not_be_read_fail_once() -> None:
    assert verdicts(CHECK, {LINKS: Unread("ip link", "timeout", "timed out after 60 s")}) == [
        ("links", "fail", "ip link: timed out after 60 s")
    ]
