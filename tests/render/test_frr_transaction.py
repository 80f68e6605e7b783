"""FRR's apply and undo run for real in sh under the router's lock from their first action, and clean up
however they end: a signal, a closed SSH channel, a failed reload (frr-apply.sh, frr-undo.sh).

frr.conf, FRR's daemons file and the state root are in a temporary folder; the reload, which would
reach the router's FRR, is a stand-in command each test chooses. Nothing here needs root but the
last test, which lets a reload switch forwarding on inside a network namespace of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from components.model.plan import LabPlan
from components.render.linux.frr import FRR_RELOAD, FrrHostPaths, render_frr_apply, render_frr_undo
from components.render.linux.transaction import router_lock
from tests.support.variants import linux_plan

pytestmark = [
    pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed"),
    pytest.mark.skipif(not Path(FRR_RELOAD).exists(), reason=f"{FRR_RELOAD} is not installed (Debian: frr-pythontools)"),
]

RELOAD = "systemctl reload-or-restart frr"
OPERATOR_CONF = "frr version 8.4\nhostname r1\n!\n"


def frr_plan() -> LabPlan:
    return linux_plan("gk41", "dummy", routing={"linuxRoutes": "frr"})


def paths(tmp_path: Path) -> FrrHostPaths:
    return FrrHostPaths(config_dir=str(tmp_path / "etc"), state_root=str(tmp_path / "root"))


def prepared(tmp_path: Path) -> Path:
    """The router's FRR files as Debian ships them, and the scratch folder the scripts use as TMPDIR."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/frr.conf").write_text(OPERATOR_CONF)
    (tmp_path / "etc/daemons").write_text("zebra=yes\nospfd=no\nbfdd=no\n")
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


def script(text: str, reload: str) -> str:
    """The rendered script with its reload replaced by ``reload``."""
    assert text.count(RELOAD) == 1
    return text.replace(RELOAD, reload)


def apply_script(tmp_path: Path, reload: str = "true") -> str:
    return script(render_frr_apply(frr_plan(), "r1", paths(tmp_path)), reload)


def undo_script(tmp_path: Path, reload: str = "true") -> str:
    return script(render_frr_undo(frr_plan(), "r1", paths(tmp_path)), reload)


def scratch_environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp_path / "tmp")}


def run(tmp_path: Path, text: str, pipe_to: str | None = None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "run.sh").write_text(text)
    command = f"sh {tmp_path}/run.sh" + (f" | {pipe_to}" if pipe_to else "")
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False, env=scratch_environment(tmp_path))


def scratch(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / "tmp").glob("zt-ecmp-frr.*"))


def lock_is_free(tmp_path: Path) -> bool:
    return subprocess.run(["flock", "-n", str(tmp_path / "root"), "true"], check=False).returncode == 0


def holding_the_router(tmp_path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another run on the router (the Linux apply), holding its lock for ``seconds``."""
    holder = "\n".join(
        ["set -eu", f"state_dir={tmp_path}/root/gk41", *router_lock("apply of zt-ecmp stack gk41 on r1"), f"sleep {seconds}", ""]
    )
    started = subprocess.Popen(["sh", "-c", holder], text=True)
    while not (tmp_path / "root/.running").exists():
        time.sleep(0.05)
    return started


def waiting_for(tmp_path: Path, text: str) -> tuple[subprocess.Popen[str], subprocess.Popen[str]]:
    """(holder, run): ``text`` started while another run holds the router, given time to reach the lock."""
    holder = holding_the_router(tmp_path, 2)
    (tmp_path / "run.sh").write_text(text)
    waiting = subprocess.Popen(
        ["sh", f"{tmp_path}/run.sh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=scratch_environment(tmp_path),
    )
    time.sleep(1)
    return holder, waiting


def test_the_frr_apply_waits_for_the_router_before_it_makes_its_scratch_directory(tmp_path: Path) -> None:
    prepared(tmp_path)
    holder, apply = waiting_for(tmp_path, apply_script(tmp_path))
    assert scratch(tmp_path) == []
    assert (tmp_path / "etc/frr.conf").read_text() == OPERATOR_CONF
    out, err = apply.communicate()
    holder.wait()
    assert apply.returncode == 0, err
    assert err.startswith(f"zt-ecmp: another run holds {tmp_path}/root (apply of zt-ecmp stack gk41 on r1, pid {holder.pid}, since ")
    assert "! zt-ecmp gk41 begin" in (tmp_path / "etc/frr.conf").read_text()
    assert out == "zt-ecmp: FRR on r1 routes 10.0.55.2/32 over the live paths among 4 of 4\n"
    assert scratch(tmp_path) == [] and lock_is_free(tmp_path)


def test_the_frr_undo_waits_for_the_router_before_it_touches_frr_conf(tmp_path: Path) -> None:
    prepared(tmp_path)
    assert run(tmp_path, apply_script(tmp_path)).returncode == 0
    applied = (tmp_path / "etc/frr.conf").read_text()
    holder, undo = waiting_for(tmp_path, undo_script(tmp_path))
    assert (tmp_path / "etc/frr.conf").read_text() == applied
    assert scratch(tmp_path) == []
    out, err = undo.communicate()
    holder.wait()
    assert undo.returncode == 0, err
    assert err.startswith(f"zt-ecmp: another run holds {tmp_path}/root (apply of zt-ecmp stack gk41 on r1, pid {holder.pid}, since ")
    assert (tmp_path / "etc/frr.conf").read_text() == OPERATOR_CONF
    assert out == "zt-ecmp: FRR on r1 no longer routes 10.0.55.2/32\n"


def test_an_frr_apply_ended_by_sighup_puts_frr_conf_back_removes_its_scratch_directory_and_releases_the_lock(tmp_path: Path) -> None:
    prepared(tmp_path)
    # The SSH session closes while FRR reloads; the reload of the rollback then runs normally.
    once = f"[ -e {tmp_path}/hung-up ] || {{ : > {tmp_path}/hung-up; kill -HUP $$; sleep 5; }}"
    done = run(tmp_path, apply_script(tmp_path, once))
    assert done.returncode == 129
    assert "zt-ecmp: FRR apply failed (exit 129); restoring the state from before this run" in done.stderr
    assert (tmp_path / "etc/frr.conf").read_text() == OPERATOR_CONF
    assert (tmp_path / "etc/daemons").read_text() == "zebra=yes\nospfd=no\nbfdd=no\n"
    assert scratch(tmp_path) == [] and lock_is_free(tmp_path)
    assert not (tmp_path / "root/.running").exists()


def test_an_frr_undo_whose_ssh_channel_is_gone_dies_of_sigpipe_and_still_cleans_up(tmp_path: Path) -> None:
    prepared(tmp_path)
    assert run(tmp_path, apply_script(tmp_path)).returncode == 0
    # `true` reads nothing and exits: the undo's last line raises SIGPIPE, as a dead SSH channel does.
    done = run(tmp_path, undo_script(tmp_path), pipe_to="true")
    assert done.returncode == 0
    assert (tmp_path / "etc/frr.conf").read_text() == OPERATOR_CONF
    assert scratch(tmp_path) == [] and lock_is_free(tmp_path)
    assert not (tmp_path / "root/gk41-frr").exists()


@pytest.mark.netns
@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare(1) for a network namespace of its own"
)
@pytest.mark.parametrize(
    ("ending", "reload", "status"),
    [("a signal", "kill -HUP $$; sleep 5", 129), ("a failed reload", "(exit 3)", 3)],
)
def test_an_frr_undo_cut_short_after_its_reload_turned_forwarding_on_puts_it_back(
    tmp_path: Path, ending: str, reload: str, status: int
) -> None:
    prepared(tmp_path)
    assert run(tmp_path, apply_script(tmp_path)).returncode == 0
    # What frr-reload.py does when the file no longer says `no ip forwarding` (frr.py), then the end.
    (tmp_path / "run.sh").write_text(undo_script(tmp_path, f"echo 1 > /proc/sys/net/ipv4/ip_forward; {reload}"))
    inside = f"echo 0 > /proc/sys/net/ipv4/ip_forward; sh {tmp_path}/run.sh; echo status $?; cat /proc/sys/net/ipv4/ip_forward"
    done = subprocess.run(
        ["unshare", "--net", "sh", "-c", inside],
        capture_output=True,
        text=True,
        check=False,
        env=scratch_environment(tmp_path),
    )
    assert done.stdout.splitlines() == [f"status {status}", "0"], ending
    assert scratch(tmp_path) == [] and lock_is_free(tmp_path)
