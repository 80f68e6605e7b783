"""Adding a site to a running lab, or removing one, touches only that site and the routes to it.

Against the real provider the changed Networks are updated in place: none of the ZeroTier
provider's network fields is force-new, and its update pushes the network and then its flow rules
(zerotier/terraform-provider-zerotier, pkg/zerotier/network.go `NetworkSchema` and
pkg/zerotier/resource_network.go `resourceNetworkUpdate`).
"""

from __future__ import annotations

from typing import Any

import pytest

from components.preview.diff import diff_runs as engine_diff
from tests.support.offline_runs import CONTAINER, IDENTITY, changed_run, committed_run, diff_runs
from tests.support.stacks import docker_routers, stack_settings

PER_PATH_COMMANDS = ("devicemap", "home", "identity-public", "identity-secret", "local-conf", "start")


def _branch(number: int) -> dict[str, Any]:
    template = stack_settings("gk41-sites")["routers"][-1]
    return {
        **template,
        "name": f"br{number}",
        "ssh": {**template["ssh"], "host": f"192.0.2.{50 + number + 1}"},
        "underlay": {**template["underlay"], "address": f"198.51.100.{number + 1}/29"},
    }


def _own_resources(router: str) -> set[str]:
    """Everything a VyOS site of the three-site stack owns: its component, commands, identities and members."""
    return {
        f"zt-ecmp:index:VyosRouter::{router}-vyos",
        f"command:remote:Command::{router}-vyos-apply",
        f"command:remote:Command::{router}-vyos-confirm",
        *(f"command:remote:Command::{router}-vyos-path{path}-{command}" for path in range(1, 5) for command in PER_PATH_COMMANDS),
        *(f"zerotier:index/identity:Identity::path{path}-{router}" for path in range(1, 5)),
        *(f"zerotier:index/member:Member::path{path}-{router}" for path in range(1, 5)),
    }


def _routes_and_networks(*routers: str) -> set[str]:
    """The route commands of ``routers`` and the four path networks (pool, flow rules, multicast limit)."""
    return {
        *(f"command:remote:Command::{router}-vyos-{command}" for router in routers for command in ("apply", "confirm")),
        *(f"zerotier:index/network:Network::path{path}" for path in range(1, 5)),
    }


def test_a_fourth_site_creates_only_its_own_resources() -> None:
    created, _, _ = diff_runs(
        committed_run("gk41-sites"), changed_run("gk41-sites", routers=[*stack_settings("gk41-sites")["routers"], _branch(3)])
    )
    assert created == _own_resources("br3")


def test_a_fourth_site_deletes_nothing() -> None:
    _, deleted, _ = diff_runs(
        committed_run("gk41-sites"), changed_run("gk41-sites", routers=[*stack_settings("gk41-sites")["routers"], _branch(3)])
    )
    assert deleted == set()


def test_a_fourth_site_changes_only_the_networks_and_the_other_sites_routes() -> None:
    _, _, changed = diff_runs(
        committed_run("gk41-sites"), changed_run("gk41-sites", routers=[*stack_settings("gk41-sites")["routers"], _branch(3)])
    )
    assert changed == _routes_and_networks("hq", "br1", "br2")


def test_removing_the_last_site_deletes_only_its_own_resources() -> None:
    created, deleted, _ = diff_runs(
        committed_run("gk41-sites"), changed_run("gk41-sites", routers=stack_settings("gk41-sites")["routers"][:2])
    )
    assert (created, deleted) == (set(), _own_resources("br2"))


def test_removing_the_last_of_three_sites_readdresses_the_paths_as_30s_and_rewrites_no_file() -> None:
    # Two routers take /30s again (as every two-router lab does): the remaining members, their route
    # commands and the networks change, and nothing else does; local.conf holds no path address.
    _, _, changed = diff_runs(committed_run("gk41-sites"), changed_run("gk41-sites", routers=stack_settings("gk41-sites")["routers"][:2]))
    # Path 1 keeps 10.14.0.1 and .2 (the first /30 and the first /29 start alike); paths 2 to 4 move.
    members = {f"zerotier:index/member:Member::path{path}-{router}" for path in range(2, 5) for router in ("hq", "br1")}
    assert changed == _routes_and_networks("hq", "br1") | members


def _sites(count: int, runtime: str) -> list[dict[str, Any]]:
    """The three-site stack cut to ``count`` sites or grown to it with branches, instances on ``runtime``."""
    routers = docker_routers("gk41-sites") if runtime == "docker" else stack_settings("gk41-sites")["routers"]
    routers += [_branch(number) for number in range(len(routers), count)]
    return routers[:count]


def _instance_inputs_kept(before: int, after: int, runtime: str) -> dict[str, str]:
    """What the engine would do to the instances of the sites present before and after: per resource, the
    change (the containers on runtime docker; the commands writing the home files on runtime vyos)."""
    kept = [router["name"] for router in _sites(min(before, after), runtime)]
    old, new = (changed_run("gk41-sites", routers=_sites(count, runtime)) for count in (before, after))
    changes = engine_diff(old, new)
    if runtime == "docker":
        return {change.name: change.change for change in changes if change.type == CONTAINER and change.name.split("-path")[0] in kept}
    homes = {f"{router}-vyos-path{path}-{command}" for router in kept for path in range(1, 5) for command in PER_PATH_COMMANDS}
    return {change.name: change.change for change in changes if change.name in homes}


@pytest.mark.parametrize(("before", "after"), [(2, 3), (3, 4), (4, 3)], ids=["2 to 3", "3 to 4", "4 to 3"])
@pytest.mark.parametrize("runtime", ["docker", "vyos"])
def test_the_other_sites_instances_keep_running_when_a_site_is_added_or_the_last_removed(before: int, after: int, runtime: str) -> None:
    kept = _instance_inputs_kept(before, after, runtime)
    assert len(kept) == min(before, after) * 4 * (1 if runtime == "docker" else len(PER_PATH_COMMANDS))
    assert set(kept.values()) == {"same"}


@pytest.mark.parametrize("runtime", ["docker", "vyos"])
def test_an_instances_local_conf_waits_for_the_identities_of_earlier_sites_only(runtime: str) -> None:
    # A preview knows no output of a resource it has yet to create: a local.conf built from the node id
    # of a site being added would be unknown there, and show every running instance as replaced.
    run = changed_run("gk41-sites", routers=_sites(3, runtime))
    identities = {resource.urn: resource.name for resource in run.resources if resource.type == IDENTITY}
    if runtime == "docker":
        writers = {resource.name: resource.property_dependencies["uploads"] for resource in run.resources if resource.type == CONTAINER}
    else:
        writers = {
            resource.name.replace("-vyos", "").removesuffix("-local-conf"): resource.property_dependencies["stdin"]
            for resource in run.resources
            if resource.name.endswith("-local-conf")
        }
    routers_waited_for = {
        writer: sorted({identities[urn].split("-", 1)[1] for urn in urns if urn in identities}) for writer, urns in writers.items()
    }
    # Docker uploads the instance's own identity beside local.conf; VyOS writes it with a command of its own.
    own = {"hq": ["hq"], "br1": ["br1"], "br2": ["br2"]} if runtime == "docker" else {"hq": [], "br1": [], "br2": []}
    earlier = {"hq": [], "br1": ["hq"], "br2": ["hq", "br1"]}
    assert routers_waited_for == {
        f"{router}-path{path}": sorted({*own[router], *earlier[router]}) for router in ("hq", "br1", "br2") for path in range(1, 5)
    }


def _members_changed(before: list[dict[str, Any]], after: list[dict[str, Any]], **overrides: Any) -> set[str]:
    """The members of routers present before and after whose inputs the change touches."""
    _, _, changed = diff_runs(changed_run("gk41-sites", routers=before, **overrides), changed_run("gk41-sites", routers=after, **overrides))
    return {name for name in changed if name.startswith("zerotier:index/member:Member::")}


def test_without_planned_sites_a_third_site_readdresses_paths_2_to_4_of_the_first_two() -> None:
    hq, br1, br2 = stack_settings("gk41-sites")["routers"]
    assert _members_changed([hq, br1], [hq, br1, br2]) == {
        f"zerotier:index/member:Member::path{path}-{router}" for path in range(2, 5) for router in ("hq", "br1")
    }


def test_with_planned_sites_a_third_site_readdresses_no_member_of_the_first_two() -> None:
    hq, br1, br2 = stack_settings("gk41-sites")["routers"]
    assert _members_changed([hq, br1], [hq, br1, br2], addressing={"plannedSites": 4}) == set()


def test_routers_keeping_their_site_numbers_keep_their_members_when_a_router_before_them_leaves() -> None:
    hq, br1, br2 = stack_settings("gk41-sites")["routers"]
    kept = [{**br2, "siteNumber": 3}, {**_branch(3), "siteNumber": 4}]
    assert _members_changed([hq, br1, *kept], [hq, *kept]) == set()


def test_without_site_numbers_the_routers_after_a_removed_one_move_down_one_address() -> None:
    hq, br1, br2 = stack_settings("gk41-sites")["routers"]
    assert _members_changed([hq, br1, br2, _branch(3)], [hq, br2, _branch(3)]) == {
        f"zerotier:index/member:Member::path{path}-{router}" for path in range(1, 5) for router in ("br2", "br3")
    }
