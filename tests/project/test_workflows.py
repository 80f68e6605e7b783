"""GitHub Actions workflows: previews on pull requests, runs by hand, ephemeral labs from labels."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from components.stack.files import PROJECT_DIR

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
SCRIPTS = PROJECT_DIR / ".github" / "scripts"
STACK_WORKFLOW = "./.github/workflows/pulumi-stack.yml"
TESTS_WORKFLOW = "./.github/workflows/tests.yml"
BUCKET_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_CREDENTIALS", "AZURE_STORAGE_KEY")
# Bucket settings that are not secret: a repository variable does as well as a secret.
BUCKET_SETTINGS = ("AWS_REGION", "AZURE_STORAGE_ACCOUNT")
PULUMI_CREDENTIALS = ("PULUMI_CONFIG_PASSPHRASE", "ZEROTIER_CENTRAL_TOKEN", "SSH_PRIVATE_KEY", "PULUMI_ACCESS_TOKEN")
CREDENTIALS = (*PULUMI_CREDENTIALS, *BUCKET_CREDENTIALS)
README = (PROJECT_DIR / "README.md").read_text()


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


def step_index(job: dict[str, Any], step: dict[str, Any]) -> int:
    return [dict(each) for each in job["steps"]].index(step)


def pulumi_install_index(job: dict[str, Any]) -> int:
    [index] = [index for index, step in enumerate(job["steps"]) if step.get("run") == "pulumi install"]
    return index


def pulumi_command_step() -> dict[str, Any]:
    [step] = [step for step in steps_using(stack_job(), "pulumi/actions") if "command" in step["with"]]
    return step


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


# A small evaluator for the GitHub expressions these workflows use (literals, contexts, ==, !=, !,
# &&, ||, parentheses and format()), so tests can ask what a job's environment or concurrency
# group comes to for a given call, rather than matching the expression's text.
Value = str | int | float | bool | None
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||[!(),])|(?P<name>[A-Za-z_][\w-]*(?:\.[\w-]+)*))"
)


def truthy(value: Value) -> bool:
    return value not in (None, False, 0, "")


def as_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def loosely_equal(left: Value, right: Value) -> bool:
    # GitHub compares strings ignoring case, and a number with a string by the string's number.
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if isinstance(left, str) != isinstance(right, str):
        text, other = (left, right) if isinstance(left, str) else (right, left)
        try:
            return float(str(text)) == other
        except ValueError:
            return False
    return left == right


class Expression:
    def __init__(self, text: str, context: dict[str, Value]) -> None:
        self.tokens: list[tuple[str, str]] = []
        self.context = context
        position = 0
        while text[position:].strip():
            match = TOKEN.match(text, position)
            assert match is not None and match.lastgroup is not None, f"cannot read {text[position:]!r}"
            self.tokens.append((match.lastgroup, match[match.lastgroup]))
            position = match.end()

    def value(self) -> Value:
        result = self.either()
        assert not self.tokens, f"left over: {self.tokens}"
        return result

    def take(self, op: str) -> bool:
        if self.tokens and self.tokens[0] == ("op", op):
            self.tokens.pop(0)
            return True
        return False

    def either(self) -> Value:
        result = self.both()
        while self.take("||"):
            right = self.both()
            result = result if truthy(result) else right
        return result

    def both(self) -> Value:
        result = self.comparison()
        while self.take("&&"):
            right = self.comparison()
            result = right if truthy(result) else result
        return result

    def comparison(self) -> Value:
        left = self.unary()
        if self.take("=="):
            return loosely_equal(left, self.unary())
        if self.take("!="):
            return not loosely_equal(left, self.unary())
        return left

    def unary(self) -> Value:
        if self.take("!"):
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Value:
        kind, text = self.tokens.pop(0)
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if "." in text else int(text)
        if (kind, text) == ("op", "("):
            result = self.either()
            assert self.take(")")
            return result
        assert kind == "name", f"unexpected {text!r}"
        if self.take("("):
            return self.call(text)
        literals: dict[str, Value] = {"true": True, "false": False, "null": None}
        if text in literals:
            return literals[text]
        assert text in self.context, f"{text} is not in the context of this evaluation"
        return self.context[text]

    def call(self, function: str) -> Value:
        if self.take(")"):
            # A status function (success(), always(), cancelled(), failure()): the context holds its value.
            assert f"{function}()" in self.context, f"{function}() is not in the context of this evaluation"
            return self.context[f"{function}()"]
        arguments = [self.either()]
        while self.take(","):
            arguments.append(self.either())
        assert self.take(")")
        assert function == "format", f"only format() is modelled, not {function}()"
        template, *rest = arguments
        return re.sub(r"\{(\d+)\}", lambda match: as_text(rest[int(match[1])]), str(template))


def evaluate(value: Any, context: dict[str, Value]) -> Any:
    """A workflow value as GitHub would see it: a whole `${{ }}` gives its value, embedded ones text."""
    if not isinstance(value, str) or "${{" not in value:
        return value
    whole = EXPRESSION.fullmatch(value.strip())
    if whole is not None:
        return Expression(whole[1], context).value()
    return EXPRESSION.sub(lambda match: as_text(Expression(match[1], context).value()), value)


@dataclass(frozen=True)
class StackCall:
    """One way the stack workflow is called: by which caller job, with which inputs, in which run."""

    caller: str
    inputs: dict[str, Value]
    run: dict[str, Value]

    @property
    def command(self) -> Value:
        return self.inputs["command"]

    def context(self) -> dict[str, Value]:
        return {**{f"inputs.{name}": value for name, value in self.inputs.items()}, **self.run}

    def job_value(self, *keys: str) -> Any:
        value: Any = stack_job()
        for key in keys:
            value = value[key]
        return evaluate(value, self.context())


def stack_calls(profile: str = "gk41", pull_request: int = 5, run_id: int = 1000, run_attempt: int = 1) -> list[StackCall]:
    """Every call of the stack workflow in this repository, for every command a caller can pass."""
    declared = workflow("pulumi-stack.yml")["on"]["workflow_call"]["inputs"]
    defaults = {name: spec["default"] for name, spec in declared.items() if "default" in spec}
    calls = []
    for name, loaded in all_workflows().items():
        dispatch = (loaded["on"].get("workflow_dispatch") or {}).get("inputs") or {}
        actions = dispatch.get("action", {}).get("options", [None])
        event = "workflow_dispatch" if dispatch else "pull_request"
        ref = f"refs/pull/{pull_request}/merge" if event == "pull_request" else "refs/heads/main"
        for job_name, job in loaded["jobs"].items():
            if job.get("uses") != STACK_WORKFLOW:
                continue
            for action in actions:
                caller_context: dict[str, Value] = {
                    "inputs.stack": profile,
                    "inputs.action": action,
                    "matrix.stack": profile,
                    "needs.decide.outputs.profile": profile,
                    "github.event.pull_request.number": pull_request,
                }
                inputs = {**defaults, **{key: evaluate(value, caller_context) for key, value in job["with"].items()}}
                run: dict[str, Value] = {"github.run_id": run_id, "github.run_attempt": run_attempt, "github.ref": ref}
                calls.append(StackCall(f"{name}:{job_name}", inputs, run))
    return calls


def calls_of(command: str, **run: Any) -> list[StackCall]:
    return [call for call in stack_calls(**run) if call.command == command]


STATUS_FUNCTION = re.compile(r"\b(success|failure|always|cancelled)\(\)")


def needed(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def job_starts(job: dict[str, Any], results: dict[str, str], context: dict[str, Value]) -> bool:
    """Whether GitHub starts ``job`` once the jobs it needs ended with ``results`` (success, failure or
    skipped), in a run that was not cancelled: its `if`, to which GitHub adds `success() &&` unless the
    condition calls a status function itself; success() is true when every job it needs succeeded."""
    ended = {name: results[name] for name in needed(job)}
    status: dict[str, Value] = {
        "success()": all(result == "success" for result in ended.values()),
        "failure()": any(result == "failure" for result in ended.values()),
        "cancelled()": False,
        "always()": True,
    }
    condition = str(job.get("if", "true")).strip()
    whole = EXPRESSION.fullmatch(condition)
    text = whole[1] if whole is not None else condition
    if not STATUS_FUNCTION.search(text):
        text = f"success() && ({text})"
    results_context = {f"needs.{name}.result": result for name, result in ended.items()}
    return truthy(Expression(text, {**context, **status, **results_context}).value())


def caller_context(call: StackCall) -> dict[str, Value]:
    """What the caller job's `if` reads when the run asks for ``call``'s command: the dispatch's action,
    the lab's decision, the stacks a preview found affected."""
    return {"inputs.action": call.command, "needs.decide.outputs.command": call.command, "needs.stacks.outputs.stacks": '["gk41"]'}


def caller_job(call: StackCall) -> dict[str, Any]:
    name, job = call.caller.split(":")
    found: dict[str, Any] = workflow(name)["jobs"][job]
    return found


def jobs_running_the_tests(name: str) -> list[str]:
    """The jobs of workflow ``name`` that run the tests workflow."""
    return [job_name for job_name, job in workflow(name)["jobs"].items() if job.get("uses") == TESTS_WORKFLOW]


def needed_by(name: str, job_name: str) -> set[str]:
    """Every job that job ``job_name`` of workflow ``name`` waits for, directly or through others."""
    jobs = workflow(name)["jobs"]
    found: set[str] = set()
    waiting = needed(jobs[job_name])
    while waiting:
        job = waiting.pop()
        if job not in found:
            found.add(job)
            waiting += needed(jobs[job])
    return found


def checkout_ref(job: dict[str, Any]) -> Any:
    [checkout] = steps_using(job, "actions/checkout")
    return checkout.get("with", {}).get("ref")


# GITHUB_TOKEN scopes, for `read-all` and `write-all`.
TOKEN_SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
ACCESS = {"none": 0, "read": 1, "write": 2}


def access_levels(permissions: Any) -> dict[str, int]:
    if permissions in ("read-all", "write-all"):
        return dict.fromkeys(TOKEN_SCOPES, ACCESS[permissions.removesuffix("-all")])
    return {scope: ACCESS[level] for scope, level in (permissions or {}).items()}


def run_script(script: str, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / script), *arguments], cwd=cwd, capture_output=True, text=True, check=False)


def fake_pulumi(fails: int, message: str) -> list[str]:
    """A command that fails `fails` times with `message`, then succeeds; it counts its runs in ./runs."""
    script = (
        'runs=$(( $(cat runs 2>/dev/null || echo 0) + 1 )); echo "$runs" > runs; '
        f'if (( runs <= {fails} )); then echo "{message}" >&2; exit 255; fi; echo "destroyed"'
    )
    return ["bash", "-c", script]


LOCKED_MESSAGE = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file"


def runs(tmp_path: Path) -> int:
    return int((tmp_path / "runs").read_text())


def readme_section(title: str) -> str:
    """A section of README.md, or of the reference pages in docs/ it links to."""
    text = "\n".join([README, *(page.read_text() for page in sorted((PROJECT_DIR / "docs").glob("*.md")))])
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


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
    assert needed(jobs["preview"]) == ["tests", "stacks"]
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
    assert affected(["tests/model/test_plan_addresses.py", "docs/ms01-topology.svg", ".github/workflows/preview.yml"]) == []


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


def test_every_caller_grants_the_permissions_its_called_workflow_asks_for() -> None:
    # GitHub refuses to start a called workflow whose jobs ask for more than the caller grants.
    shortfalls = []
    for name, loaded in all_workflows().items():
        for job_name, job in loaded["jobs"].items():
            uses = str(job.get("uses", ""))
            if not uses.startswith("./.github/workflows/"):
                continue
            grant = job.get("permissions", loaded.get("permissions"))
            assert grant is not None, f"{name}:{job_name} grants the repository's default permissions, which vary"
            granted = access_levels(grant)
            called = workflow(Path(uses).name)
            for called_name, called_job in called["jobs"].items():
                asked = access_levels(called_job.get("permissions", called.get("permissions")))
                shortfalls += [
                    f"{name}:{job_name} -> {Path(uses).name}:{called_name} asks {scope}={level}, is granted {granted.get(scope, 0)}"
                    for scope, level in asked.items()
                    if level > granted.get(scope, 0)
                ]
    assert shortfalls == []


def test_the_calls_cover_previews_ups_and_destroys_from_every_caller() -> None:
    called = {(call.caller, call.command) for call in stack_calls()}
    assert {
        ("preview.yml:preview", "preview"),
        ("operate.yml:operate", "preview"),
        ("operate.yml:operate", "up"),
        ("operate.yml:operate", "destroy"),
        ("lab.yml:create", "up"),
        ("lab.yml:destroy", "destroy"),
    } <= called


def test_a_destroy_is_in_a_concurrency_group_of_its_own_run() -> None:
    # A waiting run in a shared group is cancelled by a newer one; a destroy must never be dropped.
    for first, second, retried in zip(
        calls_of("destroy", run_id=1), calls_of("destroy", run_id=2), calls_of("destroy", run_id=1, run_attempt=2), strict=True
    ):
        group = first.job_value("concurrency", "group")
        assert group != second.job_value("concurrency", "group"), first.caller
        assert group != retried.job_value("concurrency", "group"), first.caller


def test_a_destroy_shares_no_concurrency_group_with_ups_or_previews() -> None:
    destroy_groups = {call.job_value("concurrency", "group") for call in calls_of("destroy")}
    other_groups = {call.job_value("concurrency", "group") for call in stack_calls() if call.command != "destroy"}
    assert destroy_groups.isdisjoint(other_groups)


def test_ups_on_the_same_routers_share_one_queue_whichever_stack_they_build() -> None:
    # A lab built from gk41 and the gk41 stack itself use the same routers.
    groups = {call.caller: call.job_value("concurrency", "group") for call in calls_of("up", profile="gk41")}
    assert groups["lab.yml:create"] == groups["operate.yml:operate"]
    assert {call.job_value("concurrency", "group") for call in calls_of("up", profile="ms01")}.isdisjoint(groups.values())


def test_no_router_run_cancels_a_running_one() -> None:
    for call in [*calls_of("up"), *calls_of("destroy")]:
        assert call.job_value("concurrency", "cancel-in-progress") is False, (call.caller, call.command)


def test_previews_queue_per_stack_and_pull_request_apart_from_the_routers() -> None:
    [pr5] = [call for call in calls_of("preview", pull_request=5) if call.caller == "preview.yml:preview"]
    [pr6] = [call for call in calls_of("preview", pull_request=6) if call.caller == "preview.yml:preview"]
    [other_stack] = [call for call in calls_of("preview", profile="ms01") if call.caller == "preview.yml:preview"]
    group = pr5.job_value("concurrency", "group")
    assert group not in {pr6.job_value("concurrency", "group"), other_stack.job_value("concurrency", "group")}
    assert group not in {call.job_value("concurrency", "group") for call in calls_of("up")}


def test_a_newer_preview_of_the_same_stack_and_pull_request_supersedes_the_running_one() -> None:
    for call in calls_of("preview"):
        assert call.job_value("concurrency", "cancel-in-progress") is True, call.caller


def test_a_destroy_waits_for_the_stack_lock_through_the_retry_script_not_the_pulumi_action() -> None:
    job = stack_job()
    destroy = step_named(job, "pulumi destroy")
    assert destroy["if"] == "inputs.command == 'destroy'"
    assert "pulumi_when_unlocked.py" in destroy["run"]
    assert re.search(r"-- pulumi destroy --yes --non-interactive --stack \"\$STACK_REF\"$", destroy["run"])
    assert pulumi_command_step()["if"].startswith("inputs.command != 'destroy'")


def test_a_destroy_waits_at_most_two_hours_for_the_lock() -> None:
    assert "--max-wait 7200 " in step_named(stack_job(), "pulumi destroy")["run"]


def test_the_lock_wait_tries_again_while_the_stack_is_locked(tmp_path: Path) -> None:
    result = run_script("pulumi_when_unlocked.py", "--interval", "0.01", "--", *fake_pulumi(2, LOCKED_MESSAGE), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert runs(tmp_path) == 3
    assert "destroyed" in result.stdout


def test_the_lock_wait_logs_one_line_per_retry(tmp_path: Path) -> None:
    result = run_script("pulumi_when_unlocked.py", "--interval", "0.01", "--", *fake_pulumi(2, LOCKED_MESSAGE), cwd=tmp_path)
    assert len(re.findall(r"^the stack is locked by another update; trying again in ", result.stdout, re.MULTILINE)) == 2


def test_the_lock_wait_also_knows_the_pulumi_cloud_conflict(tmp_path: Path) -> None:
    conflict = "error: [409] Conflict: Another update is currently in progress."
    result = run_script("pulumi_when_unlocked.py", "--interval", "0.01", "--", *fake_pulumi(1, conflict), cwd=tmp_path)
    assert (result.returncode, runs(tmp_path)) == (0, 2)


def test_the_lock_wait_does_not_retry_any_other_failure(tmp_path: Path) -> None:
    command = fake_pulumi(1, "error: update failed")
    result = run_script("pulumi_when_unlocked.py", "--interval", "0.01", "--", *command, cwd=tmp_path)
    assert (result.returncode, runs(tmp_path)) == (255, 1)
    assert "trying again" not in result.stdout


def test_the_lock_wait_gives_up_after_its_bound_with_what_to_do(tmp_path: Path) -> None:
    command = fake_pulumi(1000, LOCKED_MESSAGE)
    result = run_script("pulumi_when_unlocked.py", "--max-wait", "0.3", "--interval", "0.05", "--", *command, cwd=tmp_path)
    assert result.returncode == 255
    assert 2 <= runs(tmp_path) <= 10
    [error] = [line for line in result.stdout.splitlines() if line.startswith("::error::")]
    assert "still locked" in error
    assert "pulumi cancel" in error


def test_a_lab_up_is_told_its_pull_request() -> None:
    assert workflow("lab.yml")["jobs"]["create"]["with"]["pull-request"] == "${{ github.event.pull_request.number }}"


def test_a_lab_up_checks_its_lab_is_still_wanted_before_changing_anything() -> None:
    job = stack_job()
    check = step_named_by_id(job, "wanted")
    assert check["if"] == "inputs.command == 'up' && inputs.pull-request != 0"
    assert '--label "lab:$PROFILE"' in check["run"]
    gated = [step_named(job, "Select the stack"), step_named(job, "Give the stack its router key"), pulumi_command_step()]
    for step in gated:
        assert step_index(job, step) > step_index(job, check), step["name"]
        assert step["if"].endswith("steps.wanted.outputs.wanted != 'false'"), step["name"]


@pytest.mark.parametrize(
    ("state", "labels", "wanted"),
    [("open", ["lab:gk41", "docs"], True), ("closed", ["lab:gk41"], False), ("open", ["docs"], False), ("open", ["lab:ms01"], False)],
)
def test_a_lab_is_wanted_only_while_its_pull_request_is_open_and_labelled(state: str, labels: list[str], wanted: bool) -> None:
    spec = importlib.util.spec_from_file_location("lab_wanted", SCRIPTS / "lab_wanted.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.still_wanted({"state": state, "labels": [{"name": label} for label in labels]}, "lab:gk41") is wanted


def test_every_up_and_destroy_runs_in_the_protected_environment_of_its_profile() -> None:
    for profile in ("gk41", "ms01"):
        for call in [*calls_of("up", profile=profile), *calls_of("destroy", profile=profile)]:
            assert call.job_value("environment") == f"routers-{profile}", (call.caller, call.command)


def test_previews_run_outside_the_router_environments() -> None:
    for call in calls_of("preview"):
        assert call.job_value("environment") == "preview", call.caller


def test_every_caller_of_the_stack_workflow_inherits_secrets() -> None:
    # Secrets kept in a routers-<profile> environment reach the called job only this way.
    callers = [job for loaded in all_workflows().values() for job in loaded["jobs"].values() if job.get("uses") == STACK_WORKFLOW]
    assert callers
    assert all(job["secrets"] == "inherit" for job in callers)


def test_the_pull_request_comment_always_keeps_the_summary() -> None:
    # pulumi/actions cuts a comment to 64,000 characters; this makes it cut the front, not the summary.
    assert pulumi_command_step()["with"]["always-include-summary"] is True


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
    for name in PULUMI_CREDENTIALS:
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


def test_python_then_the_pulumi_cli_then_pulumi_install_are_set_up_in_that_order() -> None:
    job = stack_job()
    [python] = steps_using(job, "actions/setup-python")
    [cli] = [step for step in steps_using(job, "pulumi/actions") if "command" not in step["with"]]
    assert step_index(job, python) < step_index(job, cli) < pulumi_install_index(job)


def test_nothing_pip_installs_the_requirements_before_pulumi_install() -> None:
    # requirements.txt names sdks/zerotier, which only `pulumi install` generates.
    job = stack_job()
    before = job["steps"][: pulumi_install_index(job)]
    assert [step.get("name") for step in before if "requirements" in str(step.get("run", ""))] == []


def test_pulumi_install_is_what_installs_the_program_into_the_venv() -> None:
    # Pulumi.yaml's runtime options (toolchain pip, virtualenv .venv) make `pulumi install` do it.
    assert [step for step in stack_job()["steps"] if re.search(r"pip install[^\n]*-r", str(step.get("run", "")))] == []
    options = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["runtime"]["options"]
    assert options == {"toolchain": "pip", "virtualenv": ".venv"}


def test_every_step_that_runs_the_program_or_pulumi_comes_after_pulumi_install() -> None:
    job = stack_job()
    install = pulumi_install_index(job)
    uses_it = [
        (index, step.get("name"))
        for index, step in enumerate(job["steps"])
        if index != install
        and (
            ".venv/" in str(step.get("run", ""))
            or re.search(r"\bpulumi[ _]", str(step.get("run", "")))
            or "command" in step.get("with", {})
        )
    ]
    assert uses_it
    assert [name for index, name in uses_it if index < install] == []


def test_bucket_backend_credentials_reach_the_job_from_secrets() -> None:
    env = stack_job()["env"]
    for name in BUCKET_CREDENTIALS:
        assert env[name] == f"${{{{ secrets.{name} }}}}", name
    for name in BUCKET_SETTINGS:
        assert env[name] == f"${{{{ secrets.{name} || vars.{name} }}}}", name


def test_bucket_backend_credentials_are_optional() -> None:
    # A self-hosted runner may bring its own (an instance role), and only one kind of bucket is used.
    declared = workflow("pulumi-stack.yml")["on"]["workflow_call"]["secrets"]
    assert [name for name in (*BUCKET_CREDENTIALS, *BUCKET_SETTINGS) if declared[name]["required"] is not False] == []


def test_every_secret_the_stack_workflow_takes_is_in_the_readme_settings_table() -> None:
    section = readme_section("GitHub Actions")
    declared = workflow("pulumi-stack.yml")["on"]["workflow_call"]["secrets"]
    assert [name for name in declared if f"| `{name}` |" not in section] == []


def test_the_readme_says_how_to_protect_the_router_environments() -> None:
    section = readme_section("GitHub Actions")
    assert "`routers-<profile>`" in section
    assert "Required reviewers" in section


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


def test_the_tests_workflow_runs_ci_run_on_every_push_and_for_the_workflows_that_call_it() -> None:
    tests = workflow("tests.yml")
    assert tests["on"] == {"push": None, "workflow_call": None}
    [job] = tests["jobs"].values()
    # As root, as CI runs it: Debian packages, and the namespace tier.
    assert [step["run"] for step in job["steps"] if "run" in step] == ['sudo --preserve-env env "PATH=$PATH" bash .ci/run']


def test_every_pull_request_runs_the_tests_in_its_preview_workflow() -> None:
    preview = workflow("preview.yml")
    assert preview["on"]["pull_request"]["types"] == ["opened", "synchronize", "reopened"]
    [tests] = jobs_running_the_tests("preview.yml")
    assert "if" not in preview["jobs"][tests]
    assert "needs" not in preview["jobs"][tests]


def test_no_preview_or_up_starts_unless_the_tests_of_its_own_run_passed() -> None:
    calls = [call for call in stack_calls() if call.command != "destroy"]
    assert {call.caller for call in calls} == {"preview.yml:preview", "operate.yml:operate", "lab.yml:create"}
    for call in calls:
        name, job_name = call.caller.split(":")
        [tests] = jobs_running_the_tests(name)
        assert tests in needed_by(name, job_name), call.caller
        job, context = caller_job(call), caller_context(call)
        # The tests job itself runs for this command.
        assert job_starts(workflow(name)["jobs"][tests], {"decide": "success"}, context), call.caller
        passed = dict.fromkeys(needed(job), "success")
        assert job_starts(job, passed, context), (call.caller, call.command)
        assert not job_starts(job, {**passed, tests: "failure"}, context), (call.caller, call.command)
        assert not job_starts(job, {**passed, tests: "skipped"}, context), (call.caller, call.command)


def test_a_destroy_waits_for_no_test() -> None:
    # It runs none of the commit's program (Pulumi destroys what the state records), and a lab must
    # come down even when its pull request's tests fail.
    for call in calls_of("destroy"):
        name, _ = call.caller.split(":")
        job, context = caller_job(call), caller_context(call)
        for tests in jobs_running_the_tests(name):
            assert not job_starts(workflow(name)["jobs"][tests], {"decide": "success"}, context), call.caller
        ended = {need: "skipped" if need in jobs_running_the_tests(name) else "success" for need in needed(job)}
        assert job_starts(job, ended, context), call.caller


def test_the_tests_check_out_the_commit_the_stack_job_deploys() -> None:
    # A called workflow sees its caller's github context: both check out the calling run's commit.
    [tests] = workflow("tests.yml")["jobs"].values()
    assert checkout_ref(tests) == checkout_ref(stack_job()) == "${{ github.sha }}"


def test_the_docs_name_every_workflow_that_runs_on_its_own() -> None:
    section = readme_section("GitHub Actions")
    own = [path.stem for path in sorted(WORKFLOWS.glob("*.yml")) if set(workflow(path.name)["on"]) != {"workflow_call"}]
    assert own == ["lab", "operate", "preview", "tests"]
    assert [name for name in own if f"| `{name}` |" not in section] == []
