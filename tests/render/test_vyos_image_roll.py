"""A new image on VyOS's own containers: one path at a time, each after the previous one rejoined.

The containers name a tag of the lab's own per path, so an image change leaves the configuration (and
VyOS's commit) alone; the apply script moves the tags one path at a time after the commit. The
stand-in (tests/support/vyos_standin.py) records what happened to the containers and paths in
``Router.events``: ``start``/``restart <container> <image id>``, ``joined <interface>``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from components.model.plan import LabPlan
from components.render.vyos.configuration import desired_set_lines
from components.render.vyos.scripts import render_apply_script
from tests.render.test_vyos_transactions import IDS, RUNTIME_VYOS, Lab
from tests.support.variants import vyos_runtime_plan

OLD = "zerotier/zerotier:1.14.2"
NEW = "zerotier/zerotier:1.14.3"
NEWER = vyos_runtime_plan("gk41", routing={"openFirewall": True}, zerotier={"image": NEW})
CONTAINERS = [f"zt-ecmp-gk41-path{path}" for path in range(1, 5)]
TAGS = [f"localhost/zt-ecmp-gk41-path{path}:current" for path in range(1, 5)]
INTERFACES = ["ztecmp1", "ztecmp2", "ztecmp3", "ztecmp4"]


def image_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def deployed(tmp_path: Path, plan: LabPlan = RUNTIME_VYOS) -> Lab:
    lab = Lab(tmp_path)
    lab.router.interfaces = dict(zip(CONTAINERS, INTERFACES, strict=True))
    lab.update(plan, IDS)
    lab.router.events.clear()
    return lab


def restarts(lab: Lab) -> list[str]:
    return [event for event in lab.router.events if event.startswith(("start ", "restart "))]


def test_the_containers_name_their_paths_own_tag_so_a_new_image_leaves_the_configuration_as_it_is() -> None:
    assert f"set container name zt-ecmp-gk41-path2 image '{TAGS[1]}'" in desired_set_lines(RUNTIME_VYOS, "r1", IDS)
    assert desired_set_lines(NEWER, "r1", IDS) == desired_set_lines(RUNTIME_VYOS, "r1", IDS)


def test_the_first_deployment_tags_every_path_before_the_commit_which_starts_every_container(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.update(RUNTIME_VYOS, IDS)
    assert lab.router.tags == dict.fromkeys(TAGS, image_id(OLD))
    assert restarts(lab) == [f"start {container} {image_id(OLD)[:12]}" for container in CONTAINERS]
    assert sorted(line for line in lab.ledger() if line.startswith("tag ")) == [f"tag {tag}" for tag in TAGS]


def test_a_new_image_restarts_the_containers_one_path_at_a_time_each_after_the_previous_one_rejoined(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    applied = lab.apply(NEWER, IDS)
    assert applied.status == 0, applied.stderr
    order = [event for event in lab.router.events if event.startswith(("restart ", "joined "))]
    # Before the roll the join wait sees every path; then each restart is followed by its own path's
    # join, and only then the next restart.
    rolled = zip(CONTAINERS, INTERFACES, strict=True)
    new = image_id(NEW)[:12]
    assert order[4:] == [step for container, interface in rolled for step in (f"restart {container} {new}", f"joined {interface}")]
    assert order[:4] == [f"joined {interface}" for interface in INTERFACES]
    assert lab.router.running == dict.fromkeys(CONTAINERS, image_id(NEW))
    report = f"zt-ecmp: zt-ecmp-gk41-path1: restarted on {NEW} (image {new}, was {image_id(OLD)[:12]}), joined again after 4 s"
    assert report in applied.stdout


def test_a_k_change_restarts_no_container(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    lab.update(vyos_runtime_plan("gk41", routing={"openFirewall": True}, paths={"count": 4, "active": 2}), IDS)
    assert restarts(lab) == []


def test_an_unchanged_image_restarts_no_container(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    applied = lab.apply(RUNTIME_VYOS, IDS)
    assert applied.status == 0, applied.stderr
    assert restarts(lab) == []
    assert f"zt-ecmp: zt-ecmp-gk41-path4: already on {OLD}, not restarted" in applied.stdout


def test_destroy_after_an_image_change_leaves_no_tag_and_no_image_the_lab_pulled(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    lab.update(NEWER, IDS)
    assert lab.router.images == [NEW]
    lab.destroy(NEWER)
    assert (lab.router.tags, lab.router.images, lab.config()) == ({}, [], [])


def test_destroy_keeps_an_image_that_was_on_the_router_before_the_lab_and_removes_only_the_tags(tmp_path: Path) -> None:
    lab = Lab(tmp_path)
    lab.router.images.append(OLD)
    lab.update(RUNTIME_VYOS, IDS)
    lab.destroy(RUNTIME_VYOS)
    assert (lab.router.tags, lab.router.images) == ({}, [OLD])


def test_a_retry_after_a_run_interrupted_between_two_paths_converges(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    # The SSH channel is gone: the script dies at its first write, the report of path 1's restart.
    interrupted = lab.run_lost(render_apply_script(NEWER, "r1", IDS))
    assert interrupted.status == 141
    assert lab.router.running == {CONTAINERS[0]: image_id(NEW), **{container: image_id(OLD) for container in CONTAINERS[1:]}}
    lab.update(NEWER, IDS)
    assert lab.router.running == dict.fromkeys(CONTAINERS, image_id(NEW))
    assert [event.split()[1] for event in restarts(lab)] == CONTAINERS
    assert [line for line in lab.ledger() if line.startswith(("image ", "moved "))] == [f"image {NEW}"]
    lab.destroy(NEWER)
    assert (lab.router.tags, lab.router.images) == ({}, [])


def test_a_path_that_does_not_rejoin_on_the_new_image_gets_its_tag_and_image_back_and_the_run_fails(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    lab.router.unjoinable = {CONTAINERS[1]: image_id(NEW)}
    applied = lab.apply(NEWER, IDS)
    assert applied.status == 1
    failure = f"zt-ecmp-gk41-path2: after 120 s on {NEW} the instance has not joined again (no planned address on ztecmp2); its tag"
    assert failure in applied.stderr
    assert lab.router.running == {CONTAINERS[0]: image_id(NEW), **{container: image_id(OLD) for container in CONTAINERS[1:]}}
    assert lab.router.tags == {TAGS[0]: image_id(NEW), **dict.fromkeys(TAGS[1:], image_id(OLD))}
    # Once the path can join on it, the next run goes on from path 2.
    lab.router.unjoinable = {}
    lab.router.events.clear()
    lab.update(NEWER, IDS)
    assert [event.split()[1] for event in restarts(lab)] == CONTAINERS[1:]
    assert lab.router.running == dict.fromkeys(CONTAINERS, image_id(NEW))


def test_a_path_the_lab_no_longer_has_loses_its_tag_once_the_update_is_confirmed(tmp_path: Path) -> None:
    lab = deployed(tmp_path)
    three = vyos_runtime_plan("gk41", routing={"openFirewall": True}, paths={"count": 3, "active": 3})
    lab.update(three, IDS)
    assert sorted(lab.router.tags) == TAGS[:3]
    assert sorted(line for line in lab.ledger() if line.startswith("tag ")) == [f"tag {tag}" for tag in TAGS[:3]]
    assert restarts(lab) == []
