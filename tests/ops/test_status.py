"""status on recorded routers: the lab as the getters read it, shown on one screen and not judged.

The three-site lab answers from its healthy recordings; r1 of gk41 from its recorded failure cases laid
over the healthy router, and r2 does not answer at all.
"""

from __future__ import annotations

import json

from components.ops.status import lab_status, render_status, status_document
from tests.ops.recorded_router import RecordedShell
from tests.ops.validate.gk41_r1 import VYOS, healthy_r1
from tests.ops.validate.gk41_sites import FULL_MESH, ROUTERS, healthy

R2_DOWN = "ssh: connect to host 192.0.2.42 port 22: Connection timed out"


def sites() -> dict[str, RecordedShell]:
    return {router: RecordedShell(router, healthy(router), address=f"vyos@{FULL_MESH.router(router).ssh.host}:22") for router in ROUTERS}


def broken_r1() -> dict[str, RecordedShell]:
    """r1 with a stopped container, a path waiting for its network, CPUs unpinned, half its route and no
    floating IP; r2 unreachable."""
    cases = (
        "gk41-r1-path3-container-exited",
        "gk41-r1-path2-requesting-configuration",
        "gk41-r1-path3-on-all-cpus",
        "gk41-r1-route-two-next-hops",
        "gk41-r1-floating-missing",
    )
    return {
        "r1": RecordedShell("r1", healthy_r1(*cases), address="vyos@192.0.2.41:22"),
        "r2": RecordedShell("r2", {}, unreachable=R2_DOWN, address="vyos@192.0.2.42:22"),
    }


def test_a_healthy_site_shows_its_instances_floating_ip_and_each_route_with_its_next_hops() -> None:
    screen = render_status(lab_status(FULL_MESH, sites())).splitlines()
    start = screen.index("hq  vyos@192.0.2.51:22  vyos, instances on vyos")
    assert screen[start : start + 9] == [
        "hq  vyos@192.0.2.51:22  vyos, instances on vyos",
        "  floating 10.0.55.1/32 on dum0",
        "  path  interface  link  address        container  zerotier             cpus",
        "  1     ztecmp1    up    10.14.0.1/29   Up 3 days  8bd5124fd6f3c701 OK  0",
        "  2     ztecmp2    up    10.14.0.9/29   Up 3 days  8bd5124fd6a04e52 OK  1",
        "  3     ztecmp3    up    10.14.0.17/29  Up 3 days  8bd5124fd60c9b13 OK  2",
        "  4     ztecmp4    up    10.14.0.25/29  Up 3 days  8bd5124fd6e27d44 OK  3",
        "  to br1 10.0.55.2/32: 4 next hops: 10.14.0.2 ztecmp1, 10.14.0.10 ztecmp2, 10.14.0.18 ztecmp3, 10.14.0.26 ztecmp4",
        "  to br2 10.0.55.3/32: 4 next hops: 10.14.0.3 ztecmp1, 10.14.0.11 ztecmp2, 10.14.0.19 ztecmp3, 10.14.0.27 ztecmp4",
    ]


def test_every_path_shows_every_router_on_it() -> None:
    screen = render_status(lab_status(FULL_MESH, sites())).splitlines()
    assert screen[-5:] == [
        "path  subnet         active  hq  br1  br2",
        "1     10.14.0.0/29   yes     on  on   on",
        "2     10.14.0.8/29   yes     on  on   on",
        "3     10.14.0.16/29  yes     on  on   on",
        "4     10.14.0.24/29  yes     on  on   on",
    ]


def test_what_is_wrong_is_shown_as_the_router_says_it_and_an_unreachable_router_is_named() -> None:
    status = lab_status(VYOS, broken_r1())
    assert render_status(status).splitlines() == [
        "stack gk41: 4 paths, 4 active; 2 routers",
        "r1  vyos@192.0.2.41:22  vyos, instances on vyos",
        "  floating 10.0.55.1/32: on no interface (planned on dum0)",
        "  path  interface  link  address        container                 zerotier                                   cpus",
        "  1     ztecmp1    up    10.14.0.1/30   Up 26 hours               a09acf0233c1d9e2 OK                        0",
        "  2     ztecmp2    up    10.14.0.5/30   Up 26 hours               a09acf0233e6b1c4 REQUESTING_CONFIGURATION  1",
        "  3     ztecmp3    up    10.14.0.9/30   Exited (1) 2 minutes ago  a09acf023376c8a1 OK                        0-3",
        "  4     ztecmp4    up    10.14.0.13/30  Up 26 hours               a09acf02335d04f7 OK                        3",
        "  to r2 10.0.55.2/32: 2 next hops: 10.14.0.2 ztecmp1, 10.14.0.6 ztecmp2",
        "r2  vyos@192.0.2.42:22  vyos, instances on vyos",
        f"  unreachable: {R2_DOWN}",
        "path  subnet         active  r1   r2",
        "1     10.14.0.0/30   yes     on   ?",
        "2     10.14.0.4/30   yes     OFF  ?",
        "3     10.14.0.8/30   yes     on   ?",
        "4     10.14.0.12/30  yes     on   ?",
        f"r2 (vyos@192.0.2.42:22) unreachable: {R2_DOWN}",
    ]
    assert status.exit_status == 3


def test_status_is_shown_not_judged_a_healthy_lab_and_a_broken_one_that_answers_both_exit_0() -> None:
    assert lab_status(FULL_MESH, sites()).exit_status == 0
    assert lab_status(VYOS, broken_r1(), routers=["r1"]).exit_status == 0


def test_each_router_is_asked_once_all_at_once() -> None:
    lab = sites()
    lab_status(FULL_MESH, lab)
    assert {router: (shell.batches, len(shell.asked) == len(set(shell.asked))) for router, shell in lab.items()} == {
        "hq": (1, True),
        "br1": (1, True),
        "br2": (1, True),
    }


def test_the_json_document_holds_every_router_path_and_instance() -> None:
    document = json.loads(json.dumps(status_document(lab_status(VYOS, broken_r1()))))
    r1 = document["routers"][0]
    assert (r1["name"], r1["floating_on"], r1["planned_floating_interface"]) == ("r1", [], "dum0")
    assert r1["instances"][1] == {
        "path": 2,
        "interface": "ztecmp2",
        "link": "up",
        "addresses": ["10.14.0.5/30"],
        "container": "Up 26 hours",
        "network": "a09acf0233e6b1c4 REQUESTING_CONFIGURATION",
        "cpus": "1",
        "on_path": False,
    }
    assert r1["routes"] == [
        {"peer": "r2", "destination": "10.0.55.2/32", "via": None, "next_hops": ["10.14.0.2 ztecmp1", "10.14.0.6 ztecmp2"], "note": None}
    ]
    assert document["paths"][1] == {"index": 2, "subnet": "10.14.0.4/30", "active": True, "on": {"r1": False, "r2": None}}
    assert document["unreachable"] == [{"router": "r2", "address": "vyos@192.0.2.42:22", "error": R2_DOWN}]
    assert document["exitStatus"] == 3
