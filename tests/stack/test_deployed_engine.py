"""A deployed stack read back through the real Pulumi CLI: the settings its outputs recorded are the plan
the lab tools check, and a setting the stack file changed since is named with both values.

No provider plugin can be built offline, so nothing is deployed: the stack's state is imported as
`pulumi up` would leave it (the stack's outputs, and one component of the lab).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from components.cli.main import main
from components.render.plan_document import settings_document
from components.stack.automation import deployed_plan, private_keys, select_lab_stack
from components.stack.files import PROJECT_DIR
from tests.support.stacks import lab_config, stack_settings

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(shutil.which("pulumi") is None, reason="no pulumi CLI on PATH: run .ci/pulumi-toolchain, then eval its env"),
]

FAKE_SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-DEPLOYED-KEY-8277e0910d750195\n-----END OPENSSH PRIVATE KEY-----"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The gk41 stack in a throwaway backend, its key set, as the Automation API will find it."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.gk41.yaml"):
        shutil.copy(PROJECT_DIR / name, copy / name)
    (tmp_path / "state").mkdir()
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{tmp_path / 'state'}")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "fake-deployed-passphrase")
    monkeypatch.setenv("PULUMI_SKIP_UPDATE_CHECK", "true")
    pulumi(copy, "stack", "init", "gk41")
    pulumi(copy, "config", "set", "--secret", "--stack", "gk41", "sshPrivateKey", stdin=FAKE_SSH_KEY)
    return copy


def pulumi(project: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(["pulumi", *args], cwd=project, input=stdin, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def deploy(project: Path, outputs: dict[str, object]) -> None:
    """The state `pulumi up` leaves: the stack with its outputs, and a router's component."""
    exported = json.loads(pulumi(project, "stack", "export", "--stack", "gk41"))
    stack = "urn:pulumi:gk41::zt-ecmp::pulumi:pulumi:Stack::zt-ecmp-gk41"
    exported["deployment"]["resources"] = [
        {"urn": stack, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": outputs},
        {
            "urn": "urn:pulumi:gk41::zt-ecmp::zt-ecmp:index:VyosRouter::r1-vyos",
            "custom": False,
            "type": "zt-ecmp:index:VyosRouter",
            "parent": stack,
        },
    ]
    state = project.parent / "deployment.json"
    state.write_text(json.dumps(exported))
    pulumi(project, "stack", "import", "--stack", "gk41", "--file", str(state))


def test_the_plan_checked_is_the_deployed_one_and_a_setting_changed_since_is_named(project: Path) -> None:
    deploy(project, {"settings": settings_document(lab_config("gk41", paths={"count": 4, "active": 2}))})
    plan, said = deployed_plan(select_lab_stack("gk41", project), "zt-ecmp")
    assert plan.active_path_count == 2
    assert said == ["paths.active is 4 in Pulumi.gk41.yaml, 2 deployed; checking the deployed lab"]


def test_a_lab_deployed_before_its_settings_were_recorded_is_checked_as_its_stack_file_says(project: Path) -> None:
    deploy(project, {"stack": "gk41"})
    stack = select_lab_stack("gk41", project)
    plan, said = deployed_plan(stack, "zt-ecmp")
    assert plan.active_path_count == 4 and said[0].startswith("stack gk41's outputs hold no 'settings'")
    assert private_keys(stack, plan) == {"r1": FAKE_SSH_KEY, "r2": FAKE_SSH_KEY}


def test_validate_reaches_the_routers_where_they_were_deployed_not_where_the_stack_file_now_says(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Deployed with the routers on loopback (a port nothing listens on); the stack file has moved them since.
    routers = stack_settings("gk41")["routers"]
    for number, router in enumerate(routers, start=1):
        router["ssh"].update(host=f"127.0.0.{number}", port=1)
    deploy(project, {"settings": settings_document(lab_config("gk41", routers=routers))})
    previous = signal.getsignal(signal.SIGTERM)
    try:
        status = main(["validate", "--stack", "gk41", "--project-dir", str(project), "--check", "layer-4 hashing"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    out = capsys.readouterr().out.splitlines()
    assert status == 3
    assert out[:4] == [
        "routers[0].ssh.host is 192.0.2.41 in Pulumi.gk41.yaml, 127.0.0.1 deployed",
        "routers[0].ssh.port is 22 in Pulumi.gk41.yaml, 1 deployed",
        "routers[1].ssh.host is 192.0.2.42 in Pulumi.gk41.yaml, 127.0.0.2 deployed",
        "routers[1].ssh.port is 22 in Pulumi.gk41.yaml, 1 deployed; checking the deployed lab",
    ]
    assert out[-2:] == [
        "r1 (vyos@127.0.0.1:1) unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused",
        "r2 (vyos@127.0.0.2:1) unreachable: ssh: connect to host 127.0.0.2 port 1: Connection refused",
    ]
