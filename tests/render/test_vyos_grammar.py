"""Every VyOS command the rendered scripts can issue is valid against the VyOS command grammar."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from components.model.plan import LabPlan
from components.render.vyos.configuration import desired_config
from components.render.vyos.scripts import render_apply_script, render_confirm_script, render_delete_script
from tests.support.variants import network_ids, plan_variants

REPO = Path(__file__).resolve().parents[2]
GRAMMAR_DIRS = (REPO.parent / "shared" / "vyos-grammar", Path("/work/shared/vyos-grammar"))
SESSION_WORDS = ("configure", "commit", "commit-confirm", "confirm", "save", "exit")


def load_checker() -> Any:
    for directory in GRAMMAR_DIRS:
        module_file = directory / "check_vyos_commands.py"
        if module_file.exists():
            spec = importlib.util.spec_from_file_location("check_vyos_commands", module_file)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
            spec.loader.exec_module(module)
            return module.Checker.from_file()
    pytest.skip(f"VyOS grammar checker not found in {' or '.join(str(d) for d in GRAMMAR_DIRS)}")


@pytest.fixture(scope="module")
def checker() -> Any:
    return load_checker()


def vyos_lines(script: str) -> list[str]:
    """The VyOS commands a script can run: its set lines and session words, and a delete for every ledger entry."""
    commands = []
    for raw in script.splitlines():
        line = raw.strip()
        first = line.split(" ", 1)[0]
        if first in ("set", "delete"):
            commands.append(line)
        elif first in SESSION_WORDS:
            # A session word's output and input may be files: the redirections are the shell's.
            commands.append(re.sub(r"\s+\d*[<>].*$", "", line))
        elif first in ("leaf", "node", "anchor"):
            commands.append("delete " + line.split(" ", 1)[1])
    return commands


def scripts(plan: LabPlan) -> list[tuple[str, str]]:
    ids = network_ids(plan.path_count)
    found = []
    for router in plan.routers:
        found += [
            (f"{router.name} apply", render_apply_script(plan, router.name, ids)),
            (f"{router.name} confirm", render_confirm_script(plan, router.name, ids)),
            (f"{router.name} delete", render_delete_script(plan, router.name)),
        ]
    return found


@pytest.mark.parametrize("variant", sorted(plan_variants()))
def test_every_vyos_line_of_every_script_is_valid(checker: Any, variant: str) -> None:
    problems = []
    checked = 0
    for label, script in scripts(plan_variants()[variant]):
        for line in vyos_lines(script):
            checked += 1
            problems += [f"{label}: {problem.line}: {problem.reason}" for problem in checker.check_line(line)]
    plan = plan_variants()[variant]
    for router in plan.routers:
        # Offloads turned off are deleted by path from a list, not by a literal line.
        for path in desired_config(plan, router.name, network_ids(plan.path_count)).absent_lines:
            checked += 1
            problems += [f"{router.name} absent: {problem.line}: {problem.reason}" for problem in checker.check_line(f"delete {path}")]
    assert checked > 0
    assert problems == []


def test_the_line_extraction_sees_sets_deletes_and_session_words() -> None:
    lines = vyos_lines(render_apply_script(plan_variants()["gk41-k1"], "r1"))
    assert "set protocols static route 10.0.55.2/32 next-hop 10.14.0.6 disable" in lines
    assert "delete protocols static route 10.0.55.2/32 next-hop 10.14.0.6 disable" in lines
    assert {"configure", "commit-confirm 5", "exit"} <= set(lines)


def test_the_checker_rejects_old_firewall_syntax(checker: Any) -> None:
    # Guards the test itself: a checker that accepted anything would make the test above pointless.
    assert checker.check_line("set firewall name WAN rule 10 action accept")
