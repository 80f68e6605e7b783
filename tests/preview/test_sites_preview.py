"""What `plan`, the stack outputs and `graph` show of a lab with more than two sites."""

from __future__ import annotations

import re

from components.preview.graph import render_topology_dot
from components.preview.report import render_plan_text
from components.render.plan_document import plan_document
from tests.support.offline_runs import changed_run, committed_run
from tests.support.stacks import lab_plan

HUB = {"topology": "hub-and-spoke", "hub": "hq"}


def _routes_section(text: str) -> list[str]:
    return text.split("\nRouters and routes\n", 1)[1].split("\n  path health", 1)[0].splitlines()


def test_plan_shows_every_routers_route_to_every_peer() -> None:
    assert _routes_section(render_plan_text(committed_run("gk41-sites"))) == [
        "  hq   vyos, runtime vyos, floating 10.0.55.1/32 on dum0",
        "      -> br1 10.0.55.2/32 via 10.14.0.2, 10.14.0.10, 10.14.0.18, 10.14.0.26",
        "      -> br2 10.0.55.3/32 via 10.14.0.3, 10.14.0.11, 10.14.0.19, 10.14.0.27",
        "  br1  vyos, runtime vyos, floating 10.0.55.2/32 on dum0",
        "      -> hq 10.0.55.1/32 via 10.14.0.1, 10.14.0.9, 10.14.0.17, 10.14.0.25",
        "      -> br2 10.0.55.3/32 via 10.14.0.3, 10.14.0.11, 10.14.0.19, 10.14.0.27",
        "  br2  vyos, runtime vyos, floating 10.0.55.3/32 on dum0",
        "      -> hq 10.0.55.1/32 via 10.14.0.1, 10.14.0.9, 10.14.0.17, 10.14.0.25",
        "      -> br1 10.0.55.2/32 via 10.14.0.2, 10.14.0.10, 10.14.0.18, 10.14.0.26",
    ]


def test_plan_says_which_routes_go_through_the_hub() -> None:
    lines = _routes_section(render_plan_text(changed_run("gk41-sites", routing=HUB)))
    assert lines[5] == "      -> br2 10.0.55.3/32 via 10.14.0.1, 10.14.0.9, 10.14.0.17, 10.14.0.25 (through hq)"


def test_the_path_table_shows_all_three_addresses() -> None:
    text = render_plan_text(committed_run("gk41-sites"))
    assert "  2     10.14.0.8/29   10.14.0.9   10.14.0.10   10.14.0.11   9995  ztecmp2    1     yes" in text


def test_plan_says_what_a_router_sends_in_total_and_a_pair_gets_with_all_busy() -> None:
    text = render_plan_text(committed_run("gk41-sites"))
    assert "every router sending to every other at once: about 0.786 Gbit/s sent by each router, 0.393 per" in text


def test_a_two_router_plan_names_each_routes_peer_and_the_all_busy_figures_like_any_other() -> None:
    text = render_plan_text(committed_run("gk41"))
    assert "      -> r2 10.0.55.2/32 via 10.14.0.2, 10.14.0.6, 10.14.0.10, 10.14.0.14" in text
    assert "every router sending to every other at once: about 0.786 Gbit/s sent by each router, 0.786 per" in text


def test_the_plan_document_names_the_hub_and_the_all_busy_figures() -> None:
    document = plan_document(lab_plan("gk41-sites", routing=HUB))
    assert (document["routing"]["topology"], document["routing"]["hub"], document["capacity"]["allPairsBusy"]) == (
        "hub-and-spoke",
        "hq",
        {"routerGbps": 0.394, "pairGbps": 0.197, "spokePairAloneGbps": 0.786},
    )


def test_the_plan_document_marks_a_route_through_the_hub() -> None:
    routes = plan_document(lab_plan("gk41-sites", routing=HUB))["routers"][1]["routes"]
    assert [(route["peer"], route.get("via")) for route in routes] == [("hq", None), ("br2", "hq")]


def test_a_two_router_plan_document_has_the_same_keys_as_any_other() -> None:
    document = plan_document(lab_plan("gk41"))
    assert (document["routing"]["topology"], "hub" in document["routing"], document["capacity"]["allPairsBusy"]) == (
        "full-mesh",
        False,
        {"routerGbps": 0.786, "pairGbps": 0.786},
    )


def test_the_plan_document_has_one_shape_whatever_the_number_of_routers() -> None:
    two, three = (plan_document(lab_plan(stack)) for stack in ("gk41", "gk41-sites"))
    assert (sorted(two["routing"]), sorted(two["capacity"])) == (sorted(three["routing"]), sorted(three["capacity"]))


def test_the_picture_joins_every_site_to_every_path_network() -> None:
    dot = render_topology_dot(lab_plan("gk41-sites"))
    memberships = re.findall(r'^  (?:"path(\d)" -> "(\w+)"|"(\w+)" -> "path(\d)") ', dot, re.MULTILINE)
    pairs = {(a or d, b or c) for a, b, c, d in memberships}
    assert pairs == {(str(path), router) for path in range(1, 5) for router in ("hq", "br1", "br2")}


def test_the_picture_dashes_inactive_path_networks() -> None:
    dot = render_topology_dot(lab_plan("gk41-sites", paths={"count": 4, "active": 2}))
    path3 = re.search(r'^  "path3" \[.*$', dot, re.MULTILINE)
    assert path3 is not None and 'style="rounded,dashed"' in path3.group(0)


def test_the_picture_says_spokes_meet_only_through_the_hub() -> None:
    assert "spokes meet only through hq" in render_topology_dot(lab_plan("gk41-sites", routing=HUB))
