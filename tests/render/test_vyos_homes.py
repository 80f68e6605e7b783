"""The commands that make and remove a runtime-vyos instance's home are programs, with the text they always had."""

from __future__ import annotations

from components.render.vyos.homes import render_make_home, render_remove_file, render_remove_home

HOME = "/config/zt-ecmp/gk41/path1"


def test_a_home_is_made_owner_only() -> None:
    assert render_make_home(HOME) == f'mkdir -p "{HOME}" && chmod 700 "{HOME}"\n'


def test_a_home_is_removed_with_its_stack_folder_and_the_state_folder_once_they_are_empty() -> None:
    assert render_remove_home(HOME) == (f'sudo rm -rf "{HOME}"\nrmdir "/config/zt-ecmp/gk41" "/config/zt-ecmp" 2>/dev/null || true\n')


def test_a_home_file_is_removed_by_its_path() -> None:
    assert render_remove_file(f"{HOME}/local.conf") == f'rm -f "{HOME}/local.conf"\n'
