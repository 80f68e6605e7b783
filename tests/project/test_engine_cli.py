"""The real Pulumi CLI reads the project and its stacks the way the offline runner does, and the
engine's steps of README's Recovery do what it says.

These need the `pulumi` binary (`.ci/pulumi-toolchain` builds it from Go modules); the provider
plugins cannot be built on an offline machine, so no test here runs the lab's program through the
engine. Recovery runs on small programs of component resources that stand in for the lab's
(tests/support/inline_program.py), through the Automation API, which needs no language host.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.cli.main import main
from components.model.naming import instance_name
from components.model.settings.json_schema import MODELINE
from components.stack.files import PROJECT_DIR, load_stack_file
from components.stack.settings import parse_stack_settings
from tests.support.docker_engine import container_id, remove_containers
from tests.support.docker_engine import unavailable as docker_unavailable

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(shutil.which("pulumi") is None, reason="no pulumi CLI on PATH: run .ci/pulumi-toolchain, then eval its env"),
]

FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-ENGINE-KEY-45c48cce2e2d7fbd\n-----END OPENSSH PRIVATE KEY-----"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's Pulumi files with a throwaway state backend and passphrase."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.gk41.yaml", "Pulumi.ms01.yaml"):
        shutil.copy(PROJECT_DIR / name, copy / name)
    (tmp_path / "state").mkdir()
    return copy


def _environment(project: Path, backend: bool = True) -> dict[str, str]:
    env = {**os.environ, "PULUMI_CONFIG_PASSPHRASE": "fake-engine-passphrase", "PULUMI_SKIP_UPDATE_CHECK": "true"}
    env.pop("PULUMI_BACKEND_URL", None)
    if backend:
        env["PULUMI_BACKEND_URL"] = f"file://{project.parent / 'state'}"
    return env


def _pulumi(project: Path, *args: str, stdin: str | None = None, backend: bool = True) -> subprocess.CompletedProcess[str]:
    env = _environment(project, backend)
    return subprocess.run(["pulumi", *args], cwd=project, input=stdin, capture_output=True, text=True, env=env, check=False, timeout=120)


def _config(project: Path, stack: str) -> dict[str, Any]:
    done = _pulumi(project, "config", "--stack", stack, "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.mark.parametrize("stack", ["gk41", "ms01"])
def test_the_cli_reads_each_stack_as_the_offline_runner_does(project: Path, stack: str) -> None:
    assert _pulumi(project, "stack", "init", stack).returncode == 0
    seen_by_cli = {key: entry.get("objectValue", entry["value"]) for key, entry in _config(project, stack).items()}
    _, seen_offline, _ = load_stack_file(stack, project)
    assert seen_by_cli == seen_offline


def test_a_secret_setting_is_stored_encrypted_and_read_back_whole(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    stored = _pulumi(project, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY + "\n")
    assert stored.returncode == 0, stored.stderr
    stack_file = (project / "Pulumi.gk41.yaml").read_text()
    assert "FAKE-ENGINE-KEY" not in stack_file
    assert "zt-ecmp:sshPrivateKey:\n    secure: v1:" in stack_file
    read_back = _pulumi(project, "config", "get", "--stack", "gk41", "sshPrivateKey")
    assert read_back.stdout.rstrip("\n") == FAKE_SSH_KEY


def test_a_stack_with_its_secret_set_is_valid_for_the_program(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    _pulumi(project, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY)
    config = _config(project, "gk41")
    assert config["zt-ecmp:sshPrivateKey"]["secret"] is True
    values = {key.removeprefix("zt-ecmp:"): entry.get("value", "[secret]") for key, entry in config.items()}
    secrets = {key.removeprefix("zt-ecmp:") for key, entry in config.items() if entry["secret"]}
    assert parse_stack_settings(values, secrets).private_key_settings == {"r1": "sshPrivateKey", "r2": "sshPrivateKey"}


def test_the_project_defaults_to_a_local_file_backend(project: Path) -> None:
    done = _pulumi(project, "whoami", "--verbose", backend=False)
    assert "file://~/.pulumi-zt-ecmp" in done.stdout + done.stderr


# Stack creation as README.md tells it, and what the CLI does to the committed stack files.

FAKE_CENTRAL_TOKEN = "FAKE-CENTRAL-TOKEN-0cc175b9c0f1b6a8"


def _readme_stack_steps() -> str:
    readme = (PROJECT_DIR / "README.md").read_text()
    marked = re.search(r"<!-- stack-steps:begin.*?-->\n\s*```bash\n(.*?)\n\s*```\n\s*<!-- stack-steps:end -->", readme, re.DOTALL)
    assert marked, "README.md lost its marked stack-creation steps"
    return "\n".join(line.strip() for line in marked.group(1).splitlines())


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _cli_view(project: Path, stack: str) -> tuple[dict[str, Any], set[str]]:
    """(plain settings, secret keys) as the CLI hands them to the program."""
    config = _config(project, stack)
    plain = {key: entry.get("objectValue", entry["value"]) for key, entry in config.items() if not entry["secret"]}
    return plain, {key for key, entry in config.items() if entry["secret"]}


def test_the_readme_stack_steps_keep_the_committed_guidance_and_store_the_secrets_encrypted(project: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(FAKE_SSH_KEY + "\n")
    # A throwaway backend through PULUMI_BACKEND_URL: the project's own `file://~/...` resolves `~`
    # from the password database, not from HOME, so it would land in the real home directory.
    env = {**_environment(project), "HOME": str(home)}
    passphrase = env.pop("PULUMI_CONFIG_PASSPHRASE")  # the steps read it, as they would at a terminal
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _readme_stack_steps()],
        cwd=project,
        input=f"{passphrase}\n{FAKE_CENTRAL_TOKEN}\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    committed = (PROJECT_DIR / "Pulumi.ms01.yaml").read_text()
    after = (project / "Pulumi.ms01.yaml").read_text()
    assert _comments(after) == _comments(committed)
    assert FAKE_SSH_KEY.splitlines()[1] not in after and FAKE_CENTRAL_TOKEN not in after
    plain, secret_keys = _cli_view(project, "ms01")
    _, offline, offline_secrets = load_stack_file("ms01", project)
    assert plain == {key: value for key, value in offline.items() if key not in offline_secrets}
    assert secret_keys == offline_secrets == {"zt-ecmp:sshPrivateKey", "zerotier:zerotierCentralToken"}
    assert _pulumi(project, "config", "get", "--stack", "ms01", "zerotier:zerotierCentralToken").stdout.strip() == FAKE_CENTRAL_TOKEN


@pytest.mark.parametrize("stack", ["gk41", "ms01"])
def test_stack_init_only_adds_the_encryption_salt_to_a_committed_stack_file(project: Path, stack: str) -> None:
    assert _pulumi(project, "stack", "init", stack, "--secrets-provider", "passphrase").returncode == 0
    committed = (PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text().splitlines()
    after = (project / f"Pulumi.{stack}.yaml").read_text().splitlines()
    assert after[: len(committed)] == committed
    assert [line.split(":")[0] for line in after[len(committed) :]] == ["encryptionsalt"]


def test_stack_init_deletes_a_secretsprovider_line_with_the_comments_above_it(project: Path) -> None:
    # Why the committed stack files carry no such line.
    stack_file = project / "Pulumi.gk41.yaml"
    stack_file.write_text("# guidance above the line\nsecretsprovider: passphrase\n" + stack_file.read_text())
    assert _pulumi(project, "stack", "init", "gk41", "--secrets-provider", "passphrase").returncode == 0
    after = stack_file.read_text()
    assert not re.search(r"^secretsprovider:", after, re.MULTILINE)
    assert "guidance above the line" not in after


def test_setting_one_router_value_by_path_keeps_the_comments(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "ms01").returncode == 0
    done = _pulumi(project, "config", "set", "--stack", "ms01", "--path", "routers[1].underlay.address", "203.0.113.2/29")
    assert done.returncode == 0, done.stderr
    after = (project / "Pulumi.ms01.yaml").read_text()
    assert _comments(after) == _comments((PROJECT_DIR / "Pulumi.ms01.yaml").read_text())
    _, offline, _ = load_stack_file("ms01", project)
    assert offline["zt-ecmp:routers"][1]["underlay"]["address"] == "203.0.113.2/29"


def test_a_bad_setting_stops_the_lab_program_with_its_message_and_no_traceback(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    assert _pulumi(project, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY).returncode == 0
    assert _pulumi(project, "config", "set", "--stack", "gk41", "--path", "zerotier.image", "zerotier/zerotier:latest").returncode == 0
    done = _program(project, "preview", "lab", stack="gk41", project="zt-ecmp")
    assert done.returncode == 1
    assert "error: invalid stack configuration:\n      - zerotier.image: " in done.stderr
    assert "Traceback" not in done.stderr


# What the `config:` declarations of Pulumi.yaml make the CLI check before any program runs.


def _preview(project: Path, stack: str) -> str:
    done = _pulumi(project, "preview", "--stack", stack)
    return done.stdout + done.stderr


def test_a_declared_secret_set_in_plain_text_is_written_but_refused_by_preview(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    assert _pulumi(project, "config", "set", "--stack", "gk41", "sshPrivateKey", "FAKE-PLAIN-KEY").returncode == 0
    assert "zt-ecmp:sshPrivateKey: FAKE-PLAIN-KEY" in (project / "Pulumi.gk41.yaml").read_text()
    assert "configuration key 'sshPrivateKey' must be encrypted as it's secret" in _preview(project, "gk41")


def test_a_stack_without_its_key_is_refused_by_preview_but_can_be_destroyed(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    assert "missing configuration value 'sshPrivateKey'" in _preview(project, "gk41")
    # A lab's stack is destroyed without its key: destroy does not run the program, so it skips the check.
    destroyed = _pulumi(project, "destroy", "--stack", "gk41", "--yes")
    assert destroyed.returncode == 0, destroyed.stderr


def test_a_stack_with_its_key_set_encrypted_passes_the_declared_checks(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "ms01").returncode == 0
    assert _pulumi(project, "config", "set", "--secret", "--stack", "ms01", "sshPrivateKey", stdin=FAKE_SSH_KEY).returncode == 0
    # Past the checks the CLI starts the program, which needs the Python language host and plugins.
    assert "validating stack config" not in _preview(project, "ms01")


@pytest.mark.parametrize(("key", "value", "declared"), [("paths", "8", "object"), ("routers[0]", "r1", "array<object>")])
def test_declared_types_are_checked_before_the_program_runs(project: Path, key: str, value: str, declared: str) -> None:
    assert _pulumi(project, "stack", "init", "ms01").returncode == 0
    _pulumi(project, "config", "set", "--secret", "--stack", "ms01", "sshPrivateKey", stdin=FAKE_SSH_KEY)
    assert _pulumi(project, "config", "set", "--stack", "ms01", "--path", key, value).returncode == 0
    assert f"configuration key '{key.partition('[')[0]}' must be of type '{declared}'" in _preview(project, "ms01")


@pytest.mark.parametrize(
    ("declaration", "refusal"),
    [
        ({"secret": True}, "is namespaced and must provide an attribute 'value'"),
        ({"type": "string", "secret": True}, "is not namespaced by the project and should not define a type"),
    ],
)
def test_the_providers_token_cannot_be_declared_secret(project: Path, declaration: dict[str, Any], refusal: str) -> None:
    manifest = yaml.safe_load((project / "Pulumi.yaml").read_text())
    manifest["config"]["zerotier:zerotierCentralToken"] = declaration
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(manifest))
    done = _pulumi(project, "stack", "init", "gk41")
    assert done.returncode != 0
    assert refusal in done.stderr


def test_a_plain_token_that_looks_like_one_is_refused_by_the_cli(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    done = _pulumi(project, "config", "set", "--stack", "gk41", "zerotier:zerotierCentralToken", "q7Xk2Lm9Rt5Wz1Yp0Vb3Nc8Hd4Jf6Gs2")
    assert done.returncode != 0
    assert "looks like a secret" in done.stderr
    assert "q7Xk2Lm9" not in (project / "Pulumi.gk41.yaml").read_text()


# What the lab tools say about a stack the engine knows nothing of, or one never deployed.


def test_validate_on_a_stack_that_does_not_exist_says_how_to_create_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in _environment(project).items():
        monkeypatch.setenv(key, value)
    assert main(["validate", "--stack", "ms01", "--project-dir", str(project)]) == 2
    assert capsys.readouterr().err == (
        "error: --stack ms01: no such stack in this project's backend; create it and deploy the lab first "
        "(`pulumi stack init ms01`, then `pulumi up --stack ms01`: README.md, Building a real lab)\n"
    )


@pytest.mark.parametrize("verb", [["validate"], ["sweep", "--no-validate"]])
def test_a_stack_never_deployed_is_named_so_before_any_router_is_asked(
    project: Path, verb: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    for key, value in _environment(project).items():
        monkeypatch.setenv(key, value)
    assert main([*verb, "--stack", "gk41", "--project-dir", str(project)]) == 2
    assert capsys.readouterr().err == (
        "error: stack gk41 has no lab deployed (its state holds no resources): run `pulumi up --stack gk41` first\n"
    )


def test_stack_init_and_config_set_keep_the_schema_line_editors_read(project: Path) -> None:
    assert _pulumi(project, "stack", "init", "gk41").returncode == 0
    assert _pulumi(project, "config", "set", "--stack", "gk41", "--path", "paths.active", "3").returncode == 0
    assert (project / "Pulumi.gk41.yaml").read_text().splitlines()[0] == MODELINE


# Recovery (README.md), step by step, on the real engine: small programs of component resources stand
# in for the lab's (tests/support/inline_program.py), since its provider plugins cannot be built here.

ENGINE_STACK = "recovery"
CONTAINER_STAND_IN = f"urn:pulumi:{ENGINE_STACK}::zt-ecmp-engine-test::zt-ecmp:test:Instance$zt-ecmp:test:Container::r1-path1"


@pytest.fixture
def engine_project(tmp_path: Path) -> Path:
    """A project for the inline programs, with a throwaway state backend beside it (as ``project``)."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "Pulumi.yaml").write_text("name: zt-ecmp-engine-test\nruntime: python\n")
    (tmp_path / "state").mkdir()
    return work


def _program(work: Path, action: str, program: str = "instance", **settings: Any) -> subprocess.CompletedProcess[str]:
    spec = work / f"{action}.json"
    spec.write_text(json.dumps({"work_dir": str(work), "stack": ENGINE_STACK, "action": action, "program": program} | settings))
    return subprocess.run(
        [sys.executable, "-m", "tests.support.inline_program", str(spec)],
        cwd=PROJECT_DIR,
        env=_environment(work),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _killed_update(work: Path, **settings: Any) -> None:
    """A `pulumi up` killed with SIGKILL, engine and program together, while it creates the instance's container."""
    marker = work / "creating"
    spec = work / "killed.json"
    spec.write_text(
        json.dumps(
            {
                "work_dir": str(work),
                "stack": ENGINE_STACK,
                "action": "up",
                "program": "instance",
                "hang": True,
                "marker": str(marker),
                **settings,
            }
        )
    )
    running = subprocess.Popen(
        [sys.executable, "-m", "tests.support.inline_program", str(spec)],
        cwd=PROJECT_DIR,
        env=_environment(work),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert running.poll() is None, "the update ended before it began the create"
        assert time.monotonic() < deadline, "the update never began the create"
        time.sleep(0.2)
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()


def _at_a_terminal(work: Path, *args: str, answers: dict[str, str], timeout_seconds: float = 120) -> tuple[int, str, set[str]]:
    """(exit status, what it showed, the prompts answered): the CLI run as an operator runs it, on a
    pseudo-terminal, each prompt of ``answers`` (a piece of it with no colour inside) answered once
    when it shows. The prompt library asks
    the terminal where its cursor is (ESC [6n) and waits for the reply, which a terminal gives."""
    controller, terminal = pty.openpty()
    running = subprocess.Popen(
        ["pulumi", *args], cwd=work, env=_environment(work), stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True
    )
    os.close(terminal)
    shown, answered = b"", set()
    deadline = time.monotonic() + timeout_seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                if running.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal is gone with the CLI
                break
            shown += chunk
            if b"\x1b[6n" in chunk:
                os.write(controller, b"\x1b[1;1R")
            for prompt, answer in answers.items():
                if prompt not in answered and prompt.encode() in shown:
                    answered.add(prompt)
                    time.sleep(0.3)  # until the prompt reads its terminal
                    os.write(controller, answer.encode())
    finally:
        if running.poll() is None:
            running.kill()
        running.wait()
        os.close(controller)
    return running.returncode, shown.decode(errors="replace"), answered


def _pending_operations(work: Path) -> list[tuple[str, str]]:
    exported = _pulumi(work, "stack", "export", "--stack", ENGINE_STACK)
    assert exported.returncode == 0, exported.stderr
    deployment = json.loads(exported.stdout)["deployment"]
    return [(operation["type"], operation["resource"]["urn"]) for operation in deployment.get("pending_operations", [])]


def _resource_names(work: Path) -> set[str]:
    exported = _pulumi(work, "stack", "export", "--stack", ENGINE_STACK)
    assert exported.returncode == 0, exported.stderr
    return {resource["urn"].rsplit("::", 1)[1] for resource in json.loads(exported.stdout)["deployment"].get("resources", [])}


def test_a_killed_update_leaves_the_stack_locked_until_pulumi_cancel(engine_project: Path) -> None:
    _killed_update(engine_project)
    locked = _program(engine_project, "up")
    assert locked.returncode == 1
    assert "the stack is currently locked by 1 lock(s)" in locked.stderr
    assert "delete the lock file with `pulumi cancel`" in locked.stderr
    # At a terminal it asks for the stack's name first (the other tests answer with --yes).
    prompt = "Please confirm that this is what you'd like to do by typing"
    status, shown, answered = _at_a_terminal(engine_project, "cancel", "--stack", ENGINE_STACK, answers={prompt: f"{ENGINE_STACK}\n"})
    assert status == 0 and answered == {prompt}, shown
    assert f"The currently running update for '{ENGINE_STACK}' has been canceled!" in shown
    done = _program(engine_project, "up")
    assert done.returncode == 0, done.stderr


def test_a_create_a_killed_update_left_pending_stays_until_a_refresh_clears_pending_creates(engine_project: Path) -> None:
    _killed_update(engine_project)
    assert _pulumi(engine_project, "cancel", "--stack", ENGINE_STACK, "--yes").returncode == 0
    pending = [("creating", CONTAINER_STAND_IN)]
    assert _pending_operations(engine_project) == pending
    # The next update creates it again, warns, and keeps the pending create all the same.
    again = _program(engine_project, "up")
    assert again.returncode == 0, again.stderr
    assert "Attempting to deploy or update resources with 1 pending operations from previous deployment." in again.stdout
    assert _pending_operations(engine_project) == pending
    # A refresh without a terminal keeps it, and so does a destroy.
    refreshed = _pulumi(engine_project, "refresh", "--stack", ENGINE_STACK, "--yes")
    assert refreshed.returncode == 0, refreshed.stderr
    assert _pending_operations(engine_project) == pending
    destroyed = _pulumi(engine_project, "destroy", "--stack", ENGINE_STACK, "--yes")
    assert destroyed.returncode == 0, destroyed.stderr
    assert _resource_names(engine_project) == set()
    assert _pending_operations(engine_project) == pending
    cleared = _pulumi(engine_project, "refresh", "--stack", ENGINE_STACK, "--yes", "--clear-pending-creates")
    assert cleared.returncode == 0, cleared.stderr
    assert _pending_operations(engine_project) == []


def test_an_interactive_refresh_asks_about_each_pending_create_and_clear_drops_it(engine_project: Path) -> None:
    _killed_update(engine_project)
    assert _pulumi(engine_project, "cancel", "--stack", ENGINE_STACK, "--yes").returncode == 0
    assert _pending_operations(engine_project) == [("creating", CONTAINER_STAND_IN)]
    answers = {
        # The first choice, as the prompt offers it.
        "Options for pending CREATE of": "\r",
        "Do you want to perform this refresh?": "yes\r",
    }
    status, shown, answered = _at_a_terminal(engine_project, "refresh", "--stack", ENGINE_STACK, answers=answers)
    assert (status, answered) == (0, set(answers)), shown
    assert f"Options for pending CREATE of {CONTAINER_STAND_IN}" in shown
    assert "> clear (the CREATE failed; remove the pending CREATE)" in shown
    assert _pending_operations(engine_project) == []


ROUTERS = {"routers": ["r1", "r2", "r3"]}
UNREACHABLE_ROUTER = ["r2-linux-routing", "r2-path1", "r2-zerotier"]


def _destroyed_with_r2_down(work: Path) -> None:
    """The three-router stand-in up, then destroyed while r2 does not answer: first as is, then with
    ``--continue-on-error``."""
    assert _program(work, "up", "routers", **ROUTERS).returncode == 0
    stopped = _program(work, "destroy", "routers", down=["r2"], **ROUTERS)
    assert stopped.returncode == 1
    assert "r2-linux-routing: ssh: connect to host port 22: No route to host" in stopped.stderr
    # The deletes under way when it failed (the other routers' routing) may finish; nothing after them
    # starts: every router's instance and engine stay, and all of the unreachable router.
    left = {f"{router}-{resource}" for router in ("r1", "r2", "r3") for resource in ("zerotier", "path1")} | {"r2-linux-routing"}
    assert left <= _resource_names(work)
    carried_on = _program(work, "destroy", "routers", down=["r2"], continue_on_error=True, **ROUTERS)
    assert carried_on.returncode == 1
    assert _resource_names(work) == {f"zt-ecmp-engine-test-{ENGINE_STACK}", *UNREACHABLE_ROUTER}


def test_a_destroy_with_a_router_down_stops_and_continue_on_error_deletes_everything_else(engine_project: Path) -> None:
    _destroyed_with_r2_down(engine_project)
    # The router is back: destroy again.
    again = _program(engine_project, "destroy", "routers", **ROUTERS)
    assert again.returncode == 0, again.stderr
    assert _resource_names(engine_project) == set()


def test_a_router_gone_for_good_leaves_the_state_by_state_delete_dependants_first(engine_project: Path) -> None:
    _destroyed_with_r2_down(engine_project)
    exported = json.loads(_pulumi(engine_project, "stack", "export", "--stack", ENGINE_STACK).stdout)["deployment"]["resources"]
    urns = {resource["urn"].rsplit("::", 1)[1]: resource["urn"] for resource in exported}
    # What the routing needs cannot go before it.
    refused = _pulumi(engine_project, "state", "delete", "--stack", ENGINE_STACK, urns["r2-zerotier"], "--yes")
    assert refused.returncode != 0
    assert "r2-zerotier" in _resource_names(engine_project)
    for name in UNREACHABLE_ROUTER:
        deleted = _pulumi(engine_project, "state", "delete", "--stack", ENGINE_STACK, urns[name], "--yes")
        assert deleted.returncode == 0, deleted.stderr
    done = _pulumi(engine_project, "destroy", "--stack", ENGINE_STACK, "--yes")
    assert done.returncode == 0, done.stderr
    assert _resource_names(engine_project) == set()


@pytest.mark.docker
@pytest.mark.skipif(docker_unavailable() is not None, reason=str(docker_unavailable()))
def test_the_update_after_a_killed_one_removes_the_container_docker_created_after_the_engine_died(engine_project: Path) -> None:
    lab_stack = f"engine{os.getpid()}"
    lab: dict[str, Any] = {"lab_stack": lab_stack, "docker": True}
    name = instance_name("zt-ecmp", lab_stack, 1)
    try:
        # The stand-in of the provider creates the container, and the engine dies before it hears back.
        _killed_update(engine_project, reclaim=True, **lab)
        left = container_id(name)
        assert left is not None
        assert _pulumi(engine_project, "cancel", "--stack", ENGINE_STACK, "--yes").returncode == 0
        # What every run met before the check: the create of that name fails.
        conflict = _program(engine_project, "up", **lab)
        assert conflict.returncode == 1
        assert f'Conflict. The container name "/{name}" is already in use' in conflict.stderr
        # A preview runs no hook: the container is still there.
        assert _program(engine_project, "preview", reclaim=True, **lab).returncode == 0
        assert container_id(name) == left
        done = _program(engine_project, "up", reclaim=True, **lab)
        assert done.returncode == 0, done.stderr
        assert f"warning: zt-ecmp: removed container {name} ({left[:12]}) from r1's Docker engine" in done.stdout
        assert container_id(name) not in (None, left)
    finally:
        remove_containers(name)
