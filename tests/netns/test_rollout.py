"""What `pulumi up` does to a running lab, replayed in the namespace lab step by step as the engine
takes them (components/netns/rollout.py), with the traffic between the sites that stay counted."""

from __future__ import annotations

from components.netns.rollout import measure_restart, restart_scenarios
from components.preview.diff import diff_settings
from tests.support.netns import NETNS_LAB

pytestmark = NETNS_LAB

SCENARIOS = {scenario.title: scenario for scenario in restart_scenarios()}
FLOWS = 8


def test_a_new_image_tag_one_path_at_a_time_loses_no_ping_and_stalls_no_flow_between_the_sites() -> None:
    found = measure_restart(SCENARIOS["new image, 3 sites, one path at a time"], diff_settings, flows=FLOWS)
    print(found)
    assert (found.pings_lost, found.stalled_flows) == (0, 0)
    assert sum("leaves path" in line for line in found.log) == 3 * 4


def test_the_same_change_all_at_once_loses_pings_between_every_pair_and_stalls_every_flow() -> None:
    found = measure_restart(SCENARIOS["new image, 3 sites, all at once"], diff_settings, flows=FLOWS)
    print(found)
    assert all(count.lost > 0 for count in found.pings), found.pings
    assert found.stalled_flows == FLOWS


def test_a_third_site_within_the_planned_sites_loses_no_ping_between_the_first_two() -> None:
    found = measure_restart(SCENARIOS["grow 2 -> 3, plannedSites 4"], diff_settings, flows=FLOWS)
    print(found)
    assert (found.sites, found.pings_lost, found.stalled_flows) == (("r1", "r2"), 0, 0)


def test_the_last_site_leaving_loses_no_ping_between_the_others() -> None:
    found = measure_restart(SCENARIOS["shrink 4 -> 3 (last router)"], diff_settings, flows=FLOWS)
    print(found)
    assert (found.pings_lost, found.stalled_flows) == (0, 0)
    assert found.log[-1].endswith("r4: undone")
