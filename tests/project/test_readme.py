"""README.md promises: the configuration reference matches the models, and the commands it names exist."""

from __future__ import annotations

from pathlib import Path

from components.model.reference import BEGIN, END, render_config_reference

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_configuration_reference_is_generated_from_the_models() -> None:
    embedded = README[README.index(BEGIN) : README.index(END) + len(END)] + "\n"
    assert embedded == render_config_reference(), "run `zt-ecmp config-reference` and paste it into README.md"


def test_every_setting_of_the_models_is_documented() -> None:
    for key in ("paths.count", "paths.active", "addressing.transitSupernet", "zerotier.mode", "routers[].cpus", "routing.openFirewall"):
        assert f"`{key}`" in README


def test_readme_names_the_setup_and_test_commands() -> None:
    assert "make plan STACK=ms01" in README
    assert "make test" in README
