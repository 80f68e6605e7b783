"""shellcheck finds nothing in the programs the renderers keep as files, nor in any script they render.

Program files are checked as they stand (``.vbash`` as bash, ``.sh`` as POSIX sh), and so is every
script of every golden plan variant, as the router runs it. A few findings are kept out, each below
with the reason it does not apply; anything else shellcheck reports fails the test.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from components.model.plan import LabPlan
from components.render.artefacts import rendered_artefacts
from components.render.linux.routing import render_boot_script
from components.render.programs import SHELLS
from components.render.vyos.scripts import remote_command, render_apply_script, render_confirm_script, render_delete_script
from tests.render.test_programs import PROGRAM_FILES
from tests.support.goldens import slug
from tests.support.variants import golden_variants

SHELLCHECK = shutil.which("shellcheck")
pytestmark = pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck is not installed (Debian: apt-get install shellcheck)")

# Findings that do not apply to these scripts, rendered or not.
NOT_APPLICABLE = {
    # VyOS's script template exists on the router only.
    "SC1091": "not following a sourced file",
    # Unquoted on purpose: a configuration path is handed to cli-shell-api (and `set --` takes a link
    # mode) as separate words. The words are the ledger's (components/render/tree/ledger.py SAFE_WORD),
    # which hold no space and no glob character, so splitting is all that happens.
    "SC2086": "double quote to prevent globbing and word splitting",
    # keep-owned.vbash appends `replaced` and `removed` lines to $work/kept while awk looks in it for
    # `leaf` lines: the lines awk looks for were all written before the loop began.
    "SC2094": "reading and writing the same file in one pipeline",
    # `a && b || abort`: abort when either fails is the intent (c also running when a succeeded and b
    # failed is what is wanted).
    "SC2015": "A && B || C is not if-then-else",
    # The VyOS prologue is one program for all three scripts; only apply calls recorded(), so confirm
    # and delete carry it unused. Dropping it there would change the scripts the routers already run.
    "SC2317": "command appears to be unreachable",
    # `cat "$work/owned" | ...` and separate `>>` redirects: style only, and the same reason as above.
    "SC2002": "useless cat",
    "SC2129": "individual redirects",
    # `tr a-z A-Z` upper-cases ethtool's ring names (rx, tx): ASCII by construction.
    "SC2018": "use [:lower:]",
    "SC2019": "use [:upper:]",
    # underlay_forget_dropped matches each state file against the rendered list of wanted keys: the
    # list is constant in the script by design, the pattern carries the variable.
    "SC2194": "this word is constant",
}
# Findings a program file cannot avoid, checked on its own: it is a fragment of a script, or it has a
# placeholder where the rendered script has a value. The rendered scripts are checked without these.
FRAGMENT_ONLY = {
    # Variables the script around the fragment defines ($work, $ledger, $run_dir, $conf...).
    "SC2154": "referenced but not assigned",
    # Variables the fragment defines for the script around it (the prologues' $pending, $state_dir...).
    "SC2034": "appears unused",
    # `-ge @JOIN_WAIT_SECONDS@`: a number in the rendered script.
    "SC2170": "invalid number for -ge",
}


def shellcheck(files: list[Path], shell: str, excluded: list[str]) -> str:
    assert SHELLCHECK is not None
    command = [SHELLCHECK, "-s", shell, "-f", "gcc", "-e", ",".join(sorted(excluded)), *(str(path) for path in files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


@pytest.mark.parametrize("shell", sorted(set(SHELLS.values())))
def test_every_program_file_passes_shellcheck(shell: str) -> None:
    files = [path for path in PROGRAM_FILES if SHELLS[path.suffix] == shell]
    assert files
    assert shellcheck(files, shell, [*NOT_APPLICABLE, *FRAGMENT_ONLY]) == ""


def shell_of(script: str) -> str:
    """The shell a rendered script runs in: its shebang's, or bash for the SSH command VyOS's login shell runs."""
    first = script.split("\n", 1)[0]
    if first == "#!/bin/sh":
        return "sh"
    assert first == "#!/bin/vbash" or not first.startswith("#!"), f"a script for an unknown shell: {first}"
    return "bash"


def rendered_scripts(plan: LabPlan) -> dict[str, str]:
    """Every script the plan puts on a router or runs there, by a file name."""
    artefacts = rendered_artefacts(plan)
    scripts = {f"{artefact.router}-{slug(artefact.title)}": artefact.text for artefact in artefacts if artefact.text.startswith("#!")}
    for router in plan.routers:
        if router.flavor == "linux":
            # Written by the apply script from a heredoc, so not an artefact of its own.
            scripts[f"{router.name}-boot-script"] = render_boot_script(plan, router.name)
        if router.flavor == "vyos":
            # What pulumi-command runs over SSH for each of the three scripts.
            for kind, script in (
                ("apply", render_apply_script(plan, router.name)),
                ("confirm", render_confirm_script(plan, router.name)),
                ("delete", render_delete_script(plan, router.name)),
            ):
                scripts[f"{router.name}-remote-{kind}"] = remote_command(script)
    return scripts


VARIANTS = golden_variants()


@cache
def shellcheck_version() -> str:
    assert SHELLCHECK is not None
    return subprocess.run([SHELLCHECK, "--version"], capture_output=True, text=True, check=True).stdout


def passed_key(script: str, shell: str, excluded: list[str]) -> str:
    """Where pytest's cache notes that this very text passed this shellcheck with these exclusions."""
    checked = "\0".join([shellcheck_version(), shell, ",".join(sorted(excluded)), script])
    return f"zt-ecmp/shellcheck-passed/{hashlib.sha256(checked.encode()).hexdigest()}"


# The variants share nothing but the cache on disk: each may go to any worker (tests/conftest.py).
@pytest.mark.parametrize("variant", [pytest.param(name, marks=pytest.mark.xdist_group(f"shellcheck-{name}")) for name in sorted(VARIANTS)])
def test_every_rendered_script_passes_shellcheck(variant: str, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    # shellcheck's verdict is a function of its version, its options and the text. A script that passed
    # exactly so before (pytest's cache, .pytest_cache/) is not checked again: what a change to a
    # renderer or a program brings is checked in full, the rest is not checked twice.
    store = getattr(pytestconfig, "cache", None)
    by_shell: dict[str, dict[Path, str]] = {}
    for name, script in rendered_scripts(VARIANTS[variant]).items():
        path = tmp_path / name
        path.write_text(script)
        by_shell.setdefault(shell_of(script), {})[path] = passed_key(script, shell_of(script), list(NOT_APPLICABLE))
    assert by_shell
    for shell, files in sorted(by_shell.items()):
        unchecked = [path for path, key in files.items() if store is None or store.get(key, None) is None]
        findings = shellcheck(unchecked, shell, list(NOT_APPLICABLE)) if unchecked else ""
        assert findings == "", f"{variant}: {shell} scripts"
        for path in unchecked:
            if store is not None:
                store.set(files[path], True)
