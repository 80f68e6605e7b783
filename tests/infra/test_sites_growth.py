"""Adding a site to a running lab, or removing one, touches only that site and the routes to it.

Against the real provider the changed Networks are updated in place: none of the ZeroTier
provider's network fields is force-new, and its update pushes the network and then its flow rules
(zerotier/terraform-provider-zerotier, pkg/zerotier/network.go `NetworkSchema` and
pkg/zerotier/resource_network.go `resourceNetworkUpdate`).
"""

from __future__ import annotations

from typing import Any

from tests.support.offline_runs import changed_run, committed_run, diff_runs
from tests.support.stacks import stack_settings

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


def test_removing_the_last_of_three_sites_readdresses_the_paths_as_30s() -> None:
    # Two routers take /30s again (as every two-router lab does): the remaining members, their route
    # commands, their local.conf (a two-router instance blacklists its own /30s, not the supernet)
    # and the networks all change, and nothing else does.
    _, _, changed = diff_runs(committed_run("gk41-sites"), changed_run("gk41-sites", routers=stack_settings("gk41-sites")["routers"][:2]))
    # Path 1 keeps 10.14.0.1 and .2 (the first /30 and the first /29 start alike); paths 2 to 4 move.
    members = {f"zerotier:index/member:Member::path{path}-{router}" for path in range(2, 5) for router in ("hq", "br1")}
    local_confs = {f"command:remote:Command::{router}-vyos-path{path}-local-conf" for path in range(1, 5) for router in ("hq", "br1")}
    assert changed == _routes_and_networks("hq", "br1") | members | local_confs
