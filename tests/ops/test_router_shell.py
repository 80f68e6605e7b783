"""SSH to the routers: pinned host key, the stack's key as a private 0600 file, removed afterwards."""

from __future__ import annotations

import dataclasses
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from components.ops.shell import SOCKET_BINDING_EXTRA_BYTES, SOCKET_PATH_MAX_BYTES, CommandOutput, NetnsShell, ssh_shells
from components.render.ssh import openssh_pinning_options
from tests.support.stacks import lab_plan

FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktbWF0ZXJpYWw=\n-----END OPENSSH PRIVATE KEY-----"


def test_ssh_command_pins_the_host_key_and_uses_only_the_given_key() -> None:
    plan = lab_plan("gk41")
    with ssh_shells(plan, {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        argv = shells["r1"].argv("sysctl -n net.ipv4.fib_multipath_hash_policy")
        key_file = shells["r1"].identity_file
    assert argv[0] == "ssh"
    pinning = openssh_pinning_options(plan.router("r1").ssh)
    assert any(argv[index : index + len(pinning)] == list(pinning) for index in range(len(argv)))
    assert argv[argv.index("-i") + 1] == str(key_file)
    assert "IdentitiesOnly=yes" in argv and "BatchMode=yes" in argv
    assert argv[-4:] == ["-l", "vyos", "192.0.2.41", "sysctl -n net.ipv4.fib_multipath_hash_policy"]
    assert not any("ZmFrZS1rZXkt" in word for word in argv)


def test_key_file_is_owner_only_ends_with_a_newline_and_is_removed_afterwards() -> None:
    with ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        key_file = shells["r2"].identity_file
        assert key_file is not None
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert key_file.read_text() == FAKE_KEY + "\n"
    assert not key_file.exists()
    assert not key_file.parent.exists()


def test_key_file_is_removed_when_the_work_fails() -> None:
    kept: list[Path] = []
    with pytest.raises(RuntimeError), ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        kept.append(shells["r1"].identity_file or Path("/nonexistent"))
        raise RuntimeError("measurement failed")
    assert not kept[0].exists()


def test_agent_routers_get_no_key_file() -> None:
    routers = lab_plan("gk41").routers
    raw = [
        {
            "name": router.name,
            "ssh": {"host": router.ssh.host, "auth": "agent", "hostKey": router.ssh.host_key},
            "underlay": {"interface": "eth2", "speed": "2.5G", "address": str(router.underlay_address)},
        }
        for router in routers
    ]
    with ssh_shells(lab_plan("gk41", routers=raw), {}) as shells:
        assert shells["r1"].identity_file is None
        assert "-i" not in shells["r1"].argv("true")


def test_a_missing_key_is_named() -> None:
    with (
        pytest.raises(KeyError, match="no private key for router r2 \\(setting sshPrivateKey\\)"),
        ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY}),
    ):
        pass


def test_netns_shell_runs_through_ip_netns_exec() -> None:
    assert NetnsShell("r1", "zte-1-r1").argv("ip -j route show 10.0.55.2/32") == [
        *("ip", "netns", "exec", "zte-1-r1", "sh", "-c"),
        "ip -j route show 10.0.55.2/32",
    ]


def test_failure_reason_is_the_first_line_of_stderr_then_stdout() -> None:
    assert CommandOutput(1, "", "Error: No such object: zt-ecmp-gk41-path1\n").why() == "Error: No such object: zt-ecmp-gk41-path1"
    assert CommandOutput(1, "2 packets transmitted, 0 received\n").why() == "2 packets transmitted, 0 received"
    assert CommandOutput(255, "").why() == "exit status 255, no output"


def test_every_command_goes_through_the_runs_one_connection_with_the_same_pinned_key() -> None:
    plan = lab_plan("gk41")
    with ssh_shells(plan, {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        shell = shells["r1"]
        argv, master = shell.argv("true"), shell.master_argv()
    socket = f"ControlPath={shell.control_path}"
    assert argv[argv.index(socket) + 2] == "ControlMaster=no"
    assert master[:5] == ["ssh", "-N", "-o", "ControlPersist=no", "-o"]
    assert master[master.index(socket) + 2] == "ControlMaster=yes"
    pinning = openssh_pinning_options(plan.router("r1").ssh)
    assert all(any(words[index : index + len(pinning)] == list(pinning) for index in range(len(words))) for words in (argv, master))


def test_keys_and_control_sockets_live_in_a_directory_only_this_user_may_enter_removed_afterwards() -> None:
    with ssh_shells(lab_plan("gk41"), {"r1": FAKE_KEY, "r2": FAKE_KEY}) as shells:
        directory = shells["r1"].control_path.parent if shells["r1"].control_path else Path("/nonexistent")
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert shells["r2"].control_path == directory / "1.sock"
        assert len(str(shells["r2"].control_path)) + SOCKET_BINDING_EXTRA_BYTES <= SOCKET_PATH_MAX_BYTES
    assert not directory.exists()


def test_a_router_that_refuses_the_connection_is_not_reached_and_ssh_says_why() -> None:
    # Loopback, a port nothing listens on: ssh's own words for a refused connection.
    router = lab_plan("gk41").router("r1")
    target = dataclasses.replace(router.ssh, host="127.0.0.1", port=1)
    with ssh_shells(dataclasses.replace(lab_plan("gk41"), routers=(dataclasses.replace(router, ssh=target),)), {"r1": FAKE_KEY}) as shells:
        assert shells.connect() == {"r1": "ssh: connect to host 127.0.0.1 port 1: Connection refused"}
        assert shells["r1"].address == "vyos@127.0.0.1:1"


def test_a_batch_that_gets_no_answer_gives_every_command_the_reason() -> None:
    # The "router" is a shell that cannot run the script: every command gets its complaint.
    shell = NetnsShell("r1", "zt-ecmp-no-such-namespace")
    answers = shell.run_all(["ip -j link show", "cat /proc/sys/net/ipv4/fib_multipath_hash_policy"])
    assert set(answers) == {"ip -j link show", "cat /proc/sys/net/ipv4/fib_multipath_hash_policy"}
    assert all(not answer.ok and answer.stderr for answer in answers.values())


def _running_in_group(group: int) -> list[str]:
    """The commands of the processes of process group ``group`` that still run (zombies left out)."""
    running = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.append((stat_file.parent / "cmdline").read_text(errors="replace").replace("\0", " ").strip())
    return running


def test_a_master_connection_ends_when_the_tool_that_opened_it_is_killed(tmp_path: Path) -> None:
    # A stand-in for ssh: it "logs in" by making its control socket, then stays, as a master does.
    tool = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from components.ops.shell import _Master
        master, folder = _Master(), Path("{tmp_path}")
        error = master.open(["sh", "-c", "touch {tmp_path}/m.sock; exec sleep 600"], folder / "m.sock", folder / "m.log", 10)
        print(master.process.pid, error, flush=True)
        time.sleep(600)
        """
    )
    running = subprocess.Popen([sys.executable, "-c", tool], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    assert running.stdout is not None
    group, error = running.stdout.readline().split()
    assert (error, any("sleep 600" in command for command in _running_in_group(int(group)))) == ("None", True)
    running.kill()  # SIGKILL: nothing of the tool's own runs any more
    running.wait()
    deadline = time.monotonic() + 5
    while _running_in_group(int(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running_in_group(int(group)) == []
