"""collect on recorded routers: one folder per router with what it runs for the lab, an index saying what
each file is and which command wrote it, secrets excluded, and a folder of anyone else's never touched."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from components.model.errors import InputError
from components.model.plan import LabPlan
from components.ops.collect import LEDGER_FILTER, MARKER, SECRETS_NOTE, collect_lab, saved_items
from components.ops.lab_read import target_of
from components.ops.shell import CommandOutput
from tests.ops.recorded_router import RecordedShell, recorded
from tests.ops.validate.gk41_r1 import DOCKER, VYOS, healthy_r1
from tests.support.variants import linux_plan

CASES = Path(__file__).resolve().parent / "collect_cases"
NOON = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


def lab(r2_down: bool = True) -> dict[str, RecordedShell]:
    r2 = RecordedShell("r2", {}, unreachable="ssh: connect to host 192.0.2.42 port 22: No route to host", address="vyos@192.0.2.42:22")
    return {"r1": RecordedShell("r1", healthy_r1(), address="vyos@192.0.2.41:22"), **({"r2": r2} if r2_down else {})}


def collected(out: Path) -> tuple[Path, int]:
    collection = collect_lab(VYOS, lab(), out, now=lambda: NOON)
    return collection.folder, collection.exit_status


def test_the_configuration_kept_is_the_nodes_the_ledger_names_and_nothing_of_the_operators() -> None:
    # The filter as the router runs it, by awk, on what `show configuration commands` printed.
    shown = (CASES / "gk41-r1-show-configuration-commands.txt").read_text()
    kept = subprocess.run(
        ["awk", LEDGER_FILTER, str(CASES / "gk41-r1.owned"), "-"], input=shown, capture_output=True, text=True, check=True
    )
    lines = kept.stdout.splitlines()
    assert "set interfaces dummy dum0 address '10.0.55.1/32'" in lines
    assert "set container name zt-ecmp-gk41-path3 volume home source '/config/zt-ecmp/gk41/path3'" in lines
    assert "set interfaces ethernet eth2 offload gro" in lines
    dropped = [line for line in shown.splitlines() if line not in lines]
    operators = (
        "set interfaces ethernet eth0 ",
        "set interfaces ethernet eth2 address ",
        "set interfaces ethernet eth2 hw-id ",
        "set interfaces loopback lo",
        "set protocols static route 0.0.0.0/0 ",
        "set service ",
        "set system config-management ",
        "set system console ",
        "set system host-name ",
        "set system login ",
        "set system syslog ",
    )
    assert len(dropped) == 16 and all(line.startswith(operators) for line in dropped)


def test_each_router_gets_a_folder_of_what_it_runs_for_the_lab(tmp_path: Path) -> None:
    folder, _ = collected(tmp_path / "gk41")
    saved = sorted(str(path.relative_to(folder / "r1")) for path in (folder / "r1").rglob("*") if path.is_file())
    assert saved == sorted(
        [
            "addresses.txt",
            "configuration.txt",
            "containers.txt",
            "index.txt",
            "ledger.txt",
            "links.txt",
            "nexthops.txt",
            "routes.txt",
            "rules.txt",
            "sysctls.txt",
            *(f"path{index}/{name}" for index in range(1, 5) for name in ("devicemap", "info.json", "listnetworks.json", "local.conf")),
        ]
    )
    assert (folder / "r1" / "path2" / "devicemap").read_text() == "a09acf0233e6b1c4=ztecmp2\n"
    assert (folder / "r1" / "ledger.txt").read_text().startswith("node container\n")


def test_the_index_says_what_each_file_is_and_the_command_that_wrote_it_and_that_no_secret_was_read(tmp_path: Path) -> None:
    folder, _ = collected(tmp_path / "gk41")
    index = (folder / "r1" / "index.txt").read_text().splitlines()
    assert index[0] == "zt-ecmp collect: router r1 (vyos, instances on vyos), read 2026-12-08 12:00:00 UTC over vyos@192.0.2.41:22"
    assert index[index.index("rules.txt: the policy routing rules") + 1] == "    ip rule show"
    assert SECRETS_NOTE in index
    assert index[-1].startswith("The VyOS configuration is filtered on the router to the nodes the lab's ledger names")


def test_an_unreachable_router_gets_no_folder_and_a_line_in_the_labs_index_and_exit_3(tmp_path: Path) -> None:
    folder, status = collected(tmp_path / "gk41")
    assert not (folder / "r2").exists()
    index = (folder / "index.txt").read_text().splitlines()
    assert index[:4] == [
        "zt-ecmp collect: stack gk41 of project zt-ecmp, 2026-12-08 12:00:00 UTC",
        "",
        "r1/: see r1/index.txt",
        "r2 (vyos@192.0.2.42:22) unreachable: ssh: connect to host 192.0.2.42 port 22: No route to host",
    ]
    assert status == 3


def test_a_command_that_failed_is_noted_in_the_index_with_its_complaint(tmp_path: Path) -> None:
    missing = CommandOutput(1, "", "cat: /config/zt-ecmp/gk41-r1.owned: No such file or directory\n")
    r1 = RecordedShell("r1", healthy_r1().answering("cat /config/zt-ecmp/gk41-r1.owned", missing), address="vyos@192.0.2.41:22")
    folder = collect_lab(VYOS, {"r1": r1}, tmp_path / "gk41", routers=["r1"], now=lambda: NOON).folder
    assert (
        "ledger.txt: the ledger: what the lab owns in the configuration (/config/zt-ecmp/gk41-r1.owned)  (exit status 1: cat: "
        in (folder / "r1" / "index.txt").read_text()
    )


@pytest.mark.parametrize(
    "plan",
    [VYOS, DOCKER, linux_plan("gk41"), linux_plan("gk41", routing={"linuxRoutes": "frr"})],
    ids=["vyos", "docker", "linux", "linux-frr"],
)
def test_nothing_collected_reads_an_identity_secret(plan: LabPlan) -> None:
    for router in plan.routers:
        commands = [item.command for item in saved_items(target_of(plan, router))]
        assert commands and not [command for command in commands if "identity" in command]


def test_a_linux_router_saves_the_files_the_lab_persists_and_with_frr_its_block_of_frr_conf() -> None:
    plan = linux_plan("gk41", routing={"linuxRoutes": "frr"})
    saved = {item.file: item.command for item in saved_items(target_of(plan, plan.router("r1")))}
    assert saved["sysctl.conf"] == "cat /etc/sysctl.d/90-zt-ecmp-gk41.conf"
    assert saved["unit.service"] == "cat /etc/systemd/system/zt-ecmp-gk41.service"
    assert saved["frr-block.conf"] == "sed -n '/^! zt-ecmp gk41 begin$/,/^! zt-ecmp gk41 end$/p' /etc/frr/frr.conf"
    assert "configuration.txt" not in saved and saved["path1/container.json"].startswith("docker --context default inspect")


def test_a_folder_someone_else_wrote_is_refused_before_any_router_is_asked(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    routers = lab()
    with pytest.raises(
        InputError, match=r"--out .*mine: exists and was not written by `zt-ecmp collect`; remove it or choose another --out"
    ):
        collect_lab(VYOS, routers, out)
    assert routers["r1"].asked == [] and (out / "notes.txt").read_text() == "keep me\n"


def test_a_folder_collect_wrote_before_is_replaced_whole(tmp_path: Path) -> None:
    folder, _ = collected(tmp_path / "gk41")
    (folder / "r1" / "stale.txt").write_text("from an earlier collect\n")
    collected(tmp_path / "gk41")
    assert (folder / MARKER).exists() and not (folder / "r1" / "stale.txt").exists()
    assert recorded("gk41-r1-vyos")["ip rule show"].stdout == (folder / "r1" / "rules.txt").read_text()
