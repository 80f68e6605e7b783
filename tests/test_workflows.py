"""GitHub Actions workflows: previews on pull requests, runs by hand, ephemeral labs from labels."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from components.offline import PROJECT_DIR

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
STACK_WORKFLOW = "./.github/workflows/pulumi-stack.yml"
CREDENTIALS = ("PULUMI_CONFIG_PASSPHRASE", "ZEROTIER_CENTRAL_TOKEN", "SSH_PRIVATE_KEY", "PULUMI_ACCESS_TOKEN")


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the bare key `on` as True.
    return {("on" if key is True else str(key)): value for key, value in loaded.items()}


def all_workflows() -> dict[str, dict[str, Any]]:
    return {path.name: workflow(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def stack_job() -> dict[str, Any]:
    job: dict[str, Any] = workflow("pulumi-stack.yml")["jobs"]["pulumi"]
    return job


def step_named(job: dict[str, Any], name: str) -> dict[str, Any]:
    for step in job["steps"]:
        if step.get("name") == name:
            return dict(step)
    raise KeyError(f"no step named {name!r}")


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(f"{action}@")]


def run_scripts() -> list[tuple[str, str]]:
    return [
        (f"{name}:{job_name}:{step.get('name', step['run'][:30])}", step["run"])
        for name, loaded in all_workflows().items()
        for job_name, job in loaded["jobs"].items()
        for step in job.get("steps", [])
        if "run" in step
    ]


def affected_stacks_module() -> ModuleType:
    path = PROJECT_DIR / ".github" / "scripts" / "affected_stacks.py"
    spec = importlib.util.spec_from_file_location("affected_stacks", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def affected(changed: list[str]) -> list[str]:
    stacks: list[str] = affected_stacks_module().affected_stacks(changed, ["gk41", "ms01"])
    return stacks


def decide_lab(event: str, label: str, labels: list[str], tmp_path: Path) -> dict[str, str]:
    """Run the lab workflow's decision script as the runner would, and read what it outputs."""
    script = step_named_by_id(workflow("lab.yml")["jobs"]["decide"], "decide")["run"]
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, "EVENT": event, "LABEL": label, "LABELS": json.dumps(labels), "GITHUB_OUTPUT": str(output)}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def step_named_by_id(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(dict(step) for step in job["steps"] if step.get("id") == step_id)


def find_actionlint() -> str | None:
    return shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))


needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the lab decision script needs jq (preinstalled on GitHub runners)")


def test_workflows_pass_actionlint() -> None:
    actionlint = find_actionlint()
    if actionlint is None:
        pytest.skip("actionlint is not installed (not on PATH nor beside the Python interpreter)")
    # actionlint checks the shell snippets with shellcheck when that is on PATH.
    result = subprocess.run(
        [actionlint, "-color=false", *sorted(str(path) for path in WORKFLOWS.glob("*.yml"))],
        cwd=PROJECT_DIR,
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_preview_the_affected_stacks() -> None:
    preview = workflow("preview.yml")
    job = preview["jobs"]["preview"]
    assert "pull_request" in preview["on"]
    assert job["uses"] == STACK_WORKFLOW
    assert job["with"]["command"] == "preview"
    assert job["with"]["stack"] == "${{ matrix.stack }}"


def test_preview_matrix_is_computed_from_the_changed_files_in_a_first_job() -> None:
    jobs = workflow("preview.yml")["jobs"]
    assert jobs["preview"]["needs"] == "stacks"
    assert jobs["preview"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert "affected_stacks.py" in step_named_by_id(jobs["stacks"], "affected")["run"]


def test_preview_diff_is_posted_as_a_pull_request_comment() -> None:
    [pulumi_step] = [step for step in steps_using(stack_job(), "pulumi/actions") if "command" in step["with"]]
    assert pulumi_step["with"]["diff"] is True
    assert pulumi_step["with"]["comment-on-pr"] == "${{ inputs.comment-on-pr }}"
    assert workflow("preview.yml")["jobs"]["preview"]["with"]["comment-on-pr"] is True


def test_a_stack_file_change_affects_only_that_stack() -> None:
    assert affected(["Pulumi.gk41.yaml", "README.md"]) == ["gk41"]


@pytest.mark.parametrize("shared", ["components/plan.py", "__main__.py", "Pulumi.yaml", "requirements.txt", "sdks/zerotier/pyproject.toml"])
def test_a_shared_file_change_affects_every_stack(shared: str) -> None:
    assert affected([shared]) == ["gk41", "ms01"]


def test_tests_docs_and_workflows_affect_no_stack() -> None:
    assert affected(["tests/test_plan_addresses.py", "docs/ms01-topology.svg", ".github/workflows/preview.yml"]) == []


def test_a_stack_file_deleted_by_the_change_is_not_previewed() -> None:
    assert affected(["Pulumi.old.yaml"]) == []


def test_dispatch_takes_a_stack_and_an_action_of_up_destroy_or_preview() -> None:
    inputs = workflow("operate.yml")["on"]["workflow_dispatch"]["inputs"]
    assert inputs["stack"]["required"] is True
    assert sorted(inputs["action"]["options"]) == ["destroy", "preview", "up"]


def test_dispatch_runs_the_chosen_action_on_the_chosen_stack() -> None:
    job = workflow("operate.yml")["jobs"]["operate"]
    assert job["uses"] == STACK_WORKFLOW
    assert job["with"] == {"stack": "${{ inputs.stack }}", "command": "${{ inputs.action }}"}


def test_runs_on_one_stack_share_a_concurrency_group_and_queue_rather_than_cancel() -> None:
    concurrency = stack_job()["concurrency"]
    assert concurrency["group"].startswith("zt-ecmp-")
    assert "inputs.stack" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is False


def test_a_lab_shares_the_concurrency_group_of_the_profile_whose_routers_it_uses() -> None:
    assert stack_job()["concurrency"]["group"] == "zt-ecmp-${{ inputs.profile || inputs.stack }}"


@needs_jq
def test_adding_a_lab_label_brings_the_lab_up_from_that_profile(tmp_path: Path) -> None:
    assert decide_lab("labeled", "lab:gk41", ["lab:gk41"], tmp_path) == {"command": "up", "profile": "gk41"}


@needs_jq
def test_closing_the_pull_request_destroys_its_lab(tmp_path: Path) -> None:
    assert decide_lab("closed", "", ["lab:ms01", "docs"], tmp_path) == {"command": "destroy", "profile": "ms01"}


@needs_jq
def test_removing_the_lab_label_destroys_the_lab(tmp_path: Path) -> None:
    assert decide_lab("unlabeled", "lab:ms01", [], tmp_path) == {"command": "destroy", "profile": "ms01"}


@needs_jq
def test_a_push_to_a_labelled_pull_request_updates_its_lab(tmp_path: Path) -> None:
    assert decide_lab("synchronize", "", ["lab:gk41"], tmp_path) == {"command": "up", "profile": "gk41"}


@needs_jq
def test_other_labels_leave_the_lab_alone(tmp_path: Path) -> None:
    assert decide_lab("labeled", "docs", ["docs", "lab:gk41"], tmp_path) == {"command": "none", "profile": ""}


def test_lab_events_include_labelling_and_closing() -> None:
    types = workflow("lab.yml")["on"]["pull_request"]["types"]
    assert {"labeled", "unlabeled", "closed"} <= set(types)


def test_the_lab_stack_is_named_after_the_pull_request_and_built_from_the_profile() -> None:
    create = workflow("lab.yml")["jobs"]["create"]
    assert create["uses"] == STACK_WORKFLOW
    assert create["with"]["stack"] == "pr-${{ github.event.pull_request.number }}"
    assert create["with"]["profile"] == "${{ needs.decide.outputs.profile }}"
    assert create["with"]["command"] == "up"


def test_a_new_lab_starts_from_a_copy_of_its_profile_settings() -> None:
    script = step_named(stack_job(), "Select the stack")["run"]
    assert 'cp "Pulumi.$PROFILE.yaml" "Pulumi.$STACK.yaml"' in script
    assert 'pulumi stack select --create "$STACK_REF"' in script


def test_lab_destroy_removes_the_stack_afterwards() -> None:
    destroy = workflow("lab.yml")["jobs"]["destroy"]
    assert destroy["with"]["command"] == "destroy"
    assert destroy["with"]["remove-stack"] is True
    remove = step_named(stack_job(), "Remove the stack")
    assert remove["run"] == 'pulumi stack rm --yes "$STACK_REF"'
    assert remove["if"] == "inputs.remove-stack && inputs.command == 'destroy'"


def test_credentials_come_from_repository_secrets() -> None:
    env = stack_job()["env"]
    for name in CREDENTIALS:
        assert env[name] == f"${{{{ secrets.{name} }}}}", name


def test_the_state_backend_comes_from_a_repository_secret_or_variable() -> None:
    assert stack_job()["env"]["PULUMI_BACKEND_URL"] == "${{ secrets.PULUMI_BACKEND_URL || vars.PULUMI_BACKEND_URL }}"


def test_no_script_echoes_a_credential() -> None:
    echoing = re.compile(r"\b(echo|printf)\b[^|>]*\$\{?(" + "|".join(CREDENTIALS) + r")\b")
    offenders = [where for where, script in run_scripts() for line in script.splitlines() if echoing.search(line)]
    assert offenders == []


def test_no_script_expands_secrets_inline() -> None:
    # Secrets reach scripts only through env, so they never become part of the script text.
    assert [where for where, script in run_scripts() if "secrets." in script] == []


def test_the_workflow_installs_the_program_dependencies_and_generates_the_zerotier_sdk() -> None:
    job = stack_job()
    assert "pip install --quiet -r requirements.txt" in step_named(job, "Install the program's dependencies")["run"]
    assert step_named(job, "Generate the ZeroTier SDK and fetch provider plugins")["run"] == "pulumi install"
    assert steps_using(job, "actions/setup-python")


def test_the_workflow_generates_the_zerotier_sdk_before_installing_requirements() -> None:
    # requirements.txt names sdks/zerotier, which is git-ignored: a fresh checkout has it only after `pulumi install`.
    names = [step.get("name") for step in stack_job()["steps"]]
    assert names.index("Generate the ZeroTier SDK and fetch provider plugins") < names.index("Install the program's dependencies")


def test_every_action_is_pinned_to_at_least_a_major_version() -> None:
    pinned = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
    used = [
        str(step["uses"])
        for loaded in all_workflows().values()
        for job in loaded["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]
    assert used
    assert [action for action in used if not pinned.match(action)] == []
