"""Whether a pull request still wants its lab: it is open and still carries the lab's label.

A lab's up waits in its profile's queue; its destroy waits in no shared queue (pulumi_when_unlocked.py),
so the destroy of a lab can finish while an up of the same lab is still queued. That up asks
here first, and does nothing once the pull request has closed or lost the label. Prints the
answer and writes `wanted=true|false` to $GITHUB_OUTPUT. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def labels_of(pull_request: Mapping[str, Any]) -> set[str]:
    return {str(entry.get("name")) for entry in pull_request.get("labels") or []}


def still_wanted(pull_request: Mapping[str, Any], label: str) -> bool:
    return pull_request.get("state") == "open" and label in labels_of(pull_request)


def fetch_pull_request(api_url: str, repository: str, number: int, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{api_url}/repos/{repository}/pulls/{number}",
        headers={"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}", "X-GitHub-Api-Version": "2022-11-28"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        loaded: dict[str, Any] = json.load(response)
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pull-request", type=int, required=True, help="the lab's pull request")
    parser.add_argument("--label", required=True, help="the label that keeps the lab up, lab:<profile>")
    args = parser.parse_args(argv)
    pull_request = fetch_pull_request(
        os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        os.environ["GITHUB_REPOSITORY"],
        args.pull_request,
        os.environ["GITHUB_TOKEN"],
    )
    wanted = still_wanted(pull_request, args.label)
    if wanted:
        print(f"pull request #{args.pull_request} is open and labelled {args.label}: the lab is still wanted")
    else:
        print(
            f"::notice::pull request #{args.pull_request} is {pull_request.get('state')} and "
            f"{'labelled' if args.label in labels_of(pull_request) else 'not labelled'} {args.label}: "
            "its lab is no longer wanted, so this up changes nothing"
        )
    with Path(os.environ["GITHUB_OUTPUT"]).open("a") as output:
        output.write(f"wanted={'true' if wanted else 'false'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
