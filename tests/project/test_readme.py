"""README.md promises: the configuration reference matches the models, and the commands it names exist."""

from __future__ import annotations

import re
from pathlib import Path

from components.model.reference import BEGIN, END, render_config_reference

PROJECT = Path(__file__).resolve().parents[2]
README = (PROJECT / "README.md").read_text()


def test_configuration_reference_is_generated_from_the_models() -> None:
    embedded = README[README.index(BEGIN) : README.index(END) + len(END)] + "\n"
    assert embedded == render_config_reference(), "run `zt-ecmp config-reference` and paste it into README.md"


def test_every_setting_of_the_models_is_documented() -> None:
    for key in ("paths.count", "paths.active", "addressing.transitSupernet", "zerotier.mode", "routers[].cpus", "routing.openFirewall"):
        assert f"`{key}`" in README


def test_readme_names_the_setup_and_test_commands() -> None:
    assert "make plan STACK=ms01" in README
    assert "make test" in README


FIGURES = "| Minisforum MS-01 (i9-13900H, 6P + 8E cores, 25G NICs) | 4.49 Gbit/s | 21.3 Gbit/s with N = 8 | 6.55 Gbit/s |"


def test_the_first_screen_says_what_the_lab_is_the_figures_and_the_two_commands_then_the_contents() -> None:
    first_screen = "\n".join(README.splitlines()[:40])
    assert "ZeroTier ECMP labs" in first_screen
    assert FIGURES in first_screen
    assert "make plan STACK=ms01" in first_screen and "make test" in first_screen
    assert "\n## Contents\n" in first_screen


def _anchor(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def test_every_entry_of_the_contents_leads_to_a_section_or_a_page() -> None:
    contents = README.split("\n## Contents\n", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"^- \[[^]]+\]\(([^)]+)\)", contents, re.MULTILINE)
    headings = {_anchor(line[3:]) for line in README.splitlines() if line.startswith("## ")}
    assert [link for link in links if link.startswith("#") and link[1:] not in headings] == []
    assert [link for link in links if not link.startswith("#") and not (PROJECT / link).is_file()] == []
    assert {link for link in links if link.startswith("docs/")} >= {
        "docs/underlay-tuning.md",
        "docs/failure-model.md",
        "docs/recovery.md",
        "docs/github-actions.md",
        "docs/security.md",
    }
    listed = {link[1:] for link in links if link.startswith("#")}
    assert [heading for heading in headings - listed if heading not in ("two-commands", "contents")] == []
