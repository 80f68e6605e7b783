"""The vbash scripts that apply a VyOS router's desired configuration, confirm it and undo it.

The scripts are the programs in ``programs/`` (``.vbash``), filled in with the plan: values as
placeholders, the desired configuration and its ledger entries as heredocs. They are
deterministic for a given plan.

Transaction and undo
--------------------
Every change to a router is one configuration session with one commit. What the lab owns on the
router is recorded in a ledger (components/render/tree/ledger.py) beside the configuration,
``/config/zt-ecmp/<stack>-<router>.owned``, with kinds of its own for runtime vyos: ``image <image
reference>``, a container image the apply step pulled, removed once no version of the lab wants it,
so destroy leaves no image behind; ``tag <local name>``, a path's own tag the apply step made (the
name its container's ``image`` leaf holds), untagged once its path is gone and on destroy; and, in
the pending ledger only, ``moved <local name> <image id>``, the image a tag pointed at before the
apply step moved it.

Every script runs through ``remote_command``: the script as a scratch file named after it, under a
lock on the router (flock on /config, held by flock itself so nothing the script starts keeps it),
so a run that an engine killed midway finishes before the next one starts; the waiting run says
which run it waits for (pid, age, command line), and gives up after LOCK_WAIT_SECONDS naming it.
Scratch files and folders go on every exit (traps: EXIT, and HUP, INT, PIPE, TERM as exits).

Apply (``render_apply_script``):
  0. Keep a copy of itself beside the ledger, so the confirm step can run it again (below). Check
     that ``underlay.address`` is on ``underlay.interface``. Where the router's templates have
     ``system config-management commit-confirm action`` (VyOS 1.5), add ``action reload`` to the
     desired lines, a replaceable leaf like the underlay's.
  1. A commit-confirm that this stack did not start (no marker of its own) is refused. One it
     started and never confirmed (an interrupted update) is kept for the confirm step if the staged
     changes below turn out to be none (it is this version's configuration in full); otherwise the
     saved configuration, which that confirm would revert to, is loaded, committed and confirmed
     now (no revert, no reboot), and the script runs again from the start.
  2. Pull the images (judged by ``podman image exists``: the op-mode pull exits 0 even when it
     fails); make each path's tag that does not exist yet, pointing at the wanted image (the commit
     starts the containers naming it); enter the session and save the active configuration to a
     scratch file.
  3. Owned = ledger plus pending ledger, keeping only entries that exist in the active configuration
     (a commit that failed or was rolled back leaves entries that do not exist: they are dropped).
     Refuse if an anchor exists but is not owned, naming what the operator has there.
  4. Delete owned entries the new version no longer wants, deepest first; put back operator values.
  5. Claim the wanted entries that are not in the active configuration yet; write owned + claimed
     as the pending ledger (before the commit, so even a partly applied commit stays accounted for).
  6. Set every desired line that is not already there, check VyOS staged each of them.
  7. ``commit-confirm N`` once, its input and output files: the notifier it starts
     (``commit-confirm-notify.py``) sleeps (N-1) minutes with whatever output it was given, and
     would hold the SSH channel, and so ``pulumi up``, that long. A marker beside the ledger records
     the commit until it is confirmed (validate reads it). A commit is not atomic on VyOS 1.4: a
     subtree whose script failed stays as it was while the others take effect, and the revert timer
     is armed either way. ``commit`` returns 0 even when it fails, so success is read from the
     session itself. On failure the script lists which desired lines took effect and which did not,
     loads the saved scratch configuration, commits and confirms it (it ran before this session,
     so confirming it is safe), and exits 1; if that fails too it says VyOS will revert. The socket
     sysctls are read back from /proc/sys (VyOS applies them with ``sysctl -f``, which does not
     fail on a refused key): one that did not take is named and undone the same way.
  8. Wait until every instance has joined (its interface holds its planned address), so that
     ``pulumi up`` returns only with the paths up; if they do not within JOIN_WAIT_SECONDS, exit 1
     and leave the commit unconfirmed, so VyOS reverts it.
  9. Roll the image, one path at a time: each path whose tag points at another image id than the
     wanted image's has the tag moved (its earlier id recorded first as ``moved`` in the pending
     ledger) and its container restarted (op-mode ``restart container``, judged by podman: running,
     on the wanted id), then waits, as in 8, until that instance holds its planned address again
     before the next path. A path that does not come back gets its tag and its earlier image back,
     and the run fails; a run interrupted between two paths leaves the later paths on their earlier
     image, and the next run goes on from there. Each path's outcome is printed. The configuration
     does not change with the image (the containers name the tags), so VyOS's commit restarts none.
Underlay tuning leaves are ``replaceable``: before claiming one, apply records the operator's value
(``cli-shell-api returnActiveValue``) as ``replaced``, once, so a later version never records the
lab's own earlier value. A leaf at its default is not in the configuration (``existsActive`` is
false), so it is claimed as the lab's own and deleted on undo. Offloads the lab wants off are
``absent`` paths, deleted after the sets.
Confirm (``render_confirm_script``), in a fresh SSH session after apply, so it only runs while the
router still answers: it refuses a pending commit-confirm the stack did not start; if the desired
configuration is not active, or the pending commit is another version's, it runs the saved apply
script again first. Only once it has checked that every desired line is active does it ``confirm``,
then check again, ``save``, promote the pending ledger (filtered by the active configuration) to
the ledger, and remove the tags of paths this version no longer has and images the lab pulled that
no container of this version uses. It names the
apply script's digest, so it runs whenever the apply script changes, as an update rather than a
replacement.
Delete (``render_delete_script``): owned entries (as in 3) deleted deepest first, one ``commit``;
a commit-confirm of this stack still pending is confirmed (what is active is what destroy wants,
while the revert could bring the lab back from the saved configuration); ``save``, the tags the lab
made and the images it pulled removed, ledger files, the marker and the saved apply script removed, and the state
folder when it is empty. It needs nothing but the ledger, so it also undoes nodes an older version
created.

Revert when the confirm step never comes: VyOS 1.4 schedules ``config-mgmt revert`` for N minutes
later (vyos-1x python/vyos/config_mgmt.py), which REBOOTS the router into the saved ``config.boot``.
VyOS 1.5 does the same unless ``system config-management commit-confirm action reload`` is set,
which reloads the previous configuration without a reboot; the apply step sets it where the
router has it. Either way the apply step must not ``save`` (a saved change would come back after
the revert): saving is the confirm step's job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from components.model.naming import VYOS_STATE_DIR, vyos_ledger, vyos_ledger_file, vyos_saved_apply_file
from components.model.plan import LabPlan
from components.render.tree.config import Leaf, TreeConfig
from components.render.tree.ledger import RECORDABLE_VALUE_GLOB
from components.render.vyos import PROGRAMS
from components.render.vyos.configuration import OP_MODE, container_image_tag, container_images, desired_config, vyos_container_name

STATE_DIR = VYOS_STATE_DIR
SCRIPT_TEMPLATE = "/opt/vyatta/etc/functions/script-template"
# Kernel parameters are read from here (no `sysctl`: /sbin is not on the vyos user's PATH).
PROC_SYS = "/proc/sys"
SYSTEMCTL = "/bin/systemctl"
# One zt-ecmp run at a time per router, whatever the stack: runs lock this folder, which every VyOS
# router has and which nothing removes, so no lock file is left behind.
LOCK_DIR = "/config"
# How long a run waits for another to finish: an apply's commit and join wait, and a confirm that
# applies again, take a few minutes at most.
LOCK_WAIT_SECONDS = 600
# How long the apply step waits for every instance to join its path network.
JOIN_WAIT_SECONDS = 120
# VyOS 1.5 reverts an unconfirmed commit by reloading the previous configuration with this leaf
# (vyos-1x interface-definitions: system config-management commit-confirm action reload|reboot,
# default reboot); 1.4 has no such leaf and always reboots. Set where the router's templates have it.
RELOAD_ACTION = TreeConfig(
    stack="",
    router="",
    leaves=(Leaf(("system", "config-management", "commit-confirm", "action"), "reload"),),
    replaceable=(("system", "config-management", "commit-confirm", "action"),),
)


def ledger_path(plan: LabPlan, router: str) -> str:
    return vyos_ledger(plan.stack, router)


def unconfirmed_marker(stack: str, router: str) -> str:
    """The file the apply script writes before its commit-confirm and the confirm step removes once it
    confirmed (prologue.vbash names it ``$ledger.unconfirmed``): left behind, an update was never confirmed."""
    return f"{vyos_ledger(stack, router)}.unconfirmed"


def _prologue(plan: LabPlan, router: str, purpose: str) -> str:
    return PROGRAMS.text(
        "prologue.vbash",
        TITLE=f"# zt-ecmp stack {plan.stack}, router {router}: {purpose}.",
        STACK=plan.stack,
        SCRIPT_TEMPLATE=SCRIPT_TEMPLATE,
        STATE_DIR=STATE_DIR,
        SYSTEMCTL=SYSTEMCTL,
        LEDGER_FILE=vyos_ledger_file(plan.stack, router),
        SAVED_APPLY_FILE=vyos_saved_apply_file(plan.stack, router),
    )


def _keep_owned(ledger_lines: str, kept: str) -> str:
    return PROGRAMS.text("keep-owned.vbash", LEDGER_LINES=ledger_lines, KEPT=kept)


def _still_owned() -> str:
    return PROGRAMS.text("still-owned.vbash", KEEP_OWNED=_keep_owned('cat "$ledger" "$pending" 2>/dev/null | sort -u', '"$work/owned"'))


def _join_paths(plan: LabPlan, router: str) -> list[str]:
    return [f"{path.end(router).interface} {path.end(router).address.ip}" for path in plan.paths]


def _path_tags(plan: LabPlan, router: str) -> list[str]:
    """Per path of a router that runs VyOS's own containers: ``<container> <tag> <interface> <address>``."""
    if not container_images(plan, router):
        return []
    ends = [(path.index, path.end(router)) for path in plan.paths]
    return [f"{vyos_container_name(plan, i)} {container_image_tag(plan, i)} {end.interface} {end.address.ip}" for i, end in ends]


def _wanted_tags(plan: LabPlan, router: str) -> list[str]:
    return [container_image_tag(plan, path.index) for path in plan.paths] if container_images(plan, router) else []


def _pull_images(plan: LabPlan, router: str) -> str:
    images = container_images(plan, router)
    if not images:
        return ""
    pulls = "".join(PROGRAMS.text("pull-image.vbash", IMAGE=image, OP_MODE=OP_MODE) for image in images)
    return PROGRAMS.text("pull-images.vbash", PULLS=pulls, TAGS=_path_tags(plan, router), IMAGE=images[0])


def _roll_images(plan: LabPlan, router: str) -> str:
    images = container_images(plan, router)
    if not images:
        return ""
    return PROGRAMS.text("roll-images.vbash", IMAGE=images[0], OP_MODE=OP_MODE, JOIN_WAIT_SECONDS=str(JOIN_WAIT_SECONDS))


def _apply_script_and_digest(plan: LabPlan, router: str, config: TreeConfig) -> tuple[str, str]:
    """The apply script, whose digest line names its version, and that digest: the sha256 of the
    script without its digest line."""
    minutes = plan.routing.commit_confirm_minutes
    own = plan.router(router)
    return PROGRAMS.digested(
        "apply.vbash",
        "DIGEST",
        _digest_line,
        PROLOGUE=_prologue(plan, router, f"apply, then confirm within {minutes} minutes"),
        DESIRED=config.set_lines,
        ENTRIES=[entry.ledger_line for entry in config.entries],
        REPLACEABLE=config.replaceable_lines,
        ABSENT=config.absent_lines,
        SYSCTLS=[f"{leaf.path[3]} {leaf.value}" for leaf in config.leaves if leaf.path[:3] == ("system", "sysctl", "parameter")],
        RELOAD_ACTION_PATH=" ".join(RELOAD_ACTION.leaves[0].path),
        RELOAD_DESIRED=RELOAD_ACTION.set_lines,
        RELOAD_ENTRIES=[entry.ledger_line for entry in RELOAD_ACTION.entries],
        RELOAD_REPLACEABLE=RELOAD_ACTION.replaceable_lines,
        PROC_SYS=PROC_SYS,
        UNDERLAY_INTERFACE=own.underlay_interface,
        UNDERLAY_ADDRESS=str(own.underlay_address.ip),
        PULL_IMAGES=_pull_images(plan, router),
        ROLL_IMAGES=_roll_images(plan, router),
        STILL_OWNED=_still_owned(),
        REMOVE_IN_ORDER=PROGRAMS.text("remove-in-order.vbash"),
        PUT_BACK=PROGRAMS.text("put-back.vbash", LEDGER='"$work/unwanted"'),
        RECORDABLE_VALUE_GLOB=RECORDABLE_VALUE_GLOB,
        COMMIT_CONFIRM_MINUTES=str(minutes),
        PATHS=_join_paths(plan, router),
        JOIN_WAIT_SECONDS=str(JOIN_WAIT_SECONDS),
    )


def _digest_line(digest: str) -> str:
    return f"# apply digest {digest}"


def apply_digest(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """What identifies one version of the apply script (the script without its digest line): the
    confirm step checks the saved copy by it."""
    return _apply_script_and_digest(plan, router, desired_config(plan, router, network_ids))[1]


def render_apply_script(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """The vbash script that brings ``router`` to its desired configuration in one commit-confirm."""
    return render_transaction(plan, router, network_ids).apply


def render_confirm_script(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> str:
    """Run in a new SSH session after apply: keeps the commit only if the router can still be reached.

    If the configuration the apply step committed is not active (VyOS rolled it back because an
    interrupted update never confirmed it, or the update stopped before committing), this runs the
    saved apply script again first, so the same ``pulumi up`` converges."""
    return render_transaction(plan, router, network_ids).confirm


@dataclass(frozen=True)
class VyosTransaction:
    """A router's apply and confirm scripts and the set lines they bring it to, rendered together."""

    apply: str
    confirm: str
    set_lines: tuple[str, ...]


def render_transaction(plan: LabPlan, router: str, network_ids: Mapping[int, str] | None = None) -> VyosTransaction:
    """``render_apply_script``, ``render_confirm_script`` and the set lines, from one rendering of the
    desired configuration and of the apply script: rendered apart, a router's apply script was
    rendered three times (twice for its digest) and its configuration five."""
    config = desired_config(plan, router, network_ids)
    apply, digest = _apply_script_and_digest(plan, router, config)
    return VyosTransaction(
        apply=apply,
        confirm=_confirm_script(plan, router, config, digest),
        set_lines=config.set_lines,
    )


def _confirm_script(plan: LabPlan, router: str, config: TreeConfig, digest: str) -> str:
    return PROGRAMS.text(
        "confirm.vbash",
        PROLOGUE=_prologue(plan, router, "confirm the applied configuration"),
        DESIRED=config.set_lines,
        ABSENT=config.absent_lines,
        IMAGES=container_images(plan, router),
        TAGS=_wanted_tags(plan, router),
        RELOAD_ACTION_PATH=" ".join(RELOAD_ACTION.leaves[0].path),
        RELOAD_DESIRED=RELOAD_ACTION.set_lines,
        APPLY_DIGEST_LINE=_digest_line(digest),
        KEEP_PENDING=_keep_owned('cat "$pending"', '"$ledger.new"'),
        REMOVE_TAGS=PROGRAMS.text("remove-tags.vbash", LEDGER='"$ledger"'),
        REMOVE_IMAGES=PROGRAMS.text("remove-images.vbash", LEDGER='"$ledger"'),
    )


def render_delete_script(plan: LabPlan, router: str) -> str:
    """Removes what the ledger says the lab created, in one commit, and nothing else."""
    return PROGRAMS.text(
        "delete.vbash",
        PROLOGUE=_prologue(plan, router, "remove what zt-ecmp created"),
        STILL_OWNED=_still_owned(),
        REMOVE_IN_ORDER=PROGRAMS.text("remove-in-order.vbash"),
        PUT_BACK=PROGRAMS.text("put-back.vbash", LEDGER='"$work/owned"'),
        REMOVE_TAGS=PROGRAMS.text("remove-tags.vbash", LEDGER='"$work/owned"'),
        REMOVE_IMAGES=PROGRAMS.text("remove-images.vbash", LEDGER='"$work/owned"'),
    )


def remote_command(script: str) -> str:
    """The command pulumi-command runs over SSH: the script as a file, run by vbash in the config group,
    one zt-ecmp run at a time on the router."""
    # The scratch file is named after what the script says it is ("# zt-ecmp stack gk41, router r1:
    # apply, ..."), so a run waiting for the lock can say which run holds it.
    described = re.search(r"^# zt-ecmp stack ([^,\s]+), router ([^:\s]+): (\w+)", script, re.MULTILINE)
    label = f"{described[3]}-{described[1]}-{described[2]}" if described else "script"
    return PROGRAMS.text("remote-command.sh", SCRIPT=script, LABEL=label, LOCK_DIR=LOCK_DIR, LOCK_WAIT_SECONDS=str(LOCK_WAIT_SECONDS))
