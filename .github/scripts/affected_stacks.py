"""Which committed stacks a change can affect, as the JSON list a workflow matrix reads.

A stack file (``Pulumi.<stack>.yaml``) affects only its own stack; the program and what it is
built from (components/, __main__.py, Pulumi.yaml, requirements*, sdks/) affect every stack.
Anything else (tests, docs, workflows) affects none. Only the standard library is used, so the
workflow can run it before any dependency is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>[A-Za-z0-9_.-]+)\.yaml$")
SHARED_DIRECTORIES = ("components/", "sdks/")
SHARED_FILES = ("__main__.py", "Pulumi.yaml")


def is_shared(path: str) -> bool:
    return path.startswith(SHARED_DIRECTORIES) or path in SHARED_FILES or (path.startswith("requirements") and "/" not in path)


def affected_stacks(changed: Iterable[str], stacks: Iterable[str]) -> list[str]:
    """The stacks, among those committed now, whose preview the changed paths can alter."""
    committed = sorted(set(stacks))
    changed = list(changed)
    if any(is_shared(path) for path in changed):
        return committed
    named = {match["stack"] for path in changed if (match := STACK_FILE.match(path))}
    return [stack for stack in committed if stack in named]


def committed_stacks(project_dir: Path) -> list[str]:
    return sorted(match["stack"] for path in project_dir.glob("Pulumi.*.yaml") if (match := STACK_FILE.match(path.name)))


def changed_paths(base: str, head: str) -> list[str]:
    diff = subprocess.run(["git", "diff", "--name-only", f"{base}...{head}"], check=True, capture_output=True, text=True)
    return [line for line in diff.stdout.splitlines() if line]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit the pull request is based on")
    parser.add_argument("--head", required=True, help="commit at the tip of the pull request")
    args = parser.parse_args(argv)
    stacks = affected_stacks(changed_paths(args.base, args.head), committed_stacks(Path.cwd()))
    line = f"stacks={json.dumps(stacks)}"
    print(line)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with Path(github_output).open("a", encoding="utf-8") as output:
            output.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
