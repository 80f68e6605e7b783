"""Path link up: each active path's interface exists, is up and has carrier."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import failures, healthy_r1


def test_a_missing_path_interface_fails() -> None:
    assert failures(healthy_r1("gk41-r1-path3-interface-renamed")) == [("path link up", "path 3: ztecmp3", "no interface ztecmp3")]


def test_a_path_interface_without_carrier_fails_with_its_state() -> None:
    assert failures(healthy_r1("gk41-r1-path2-no-carrier")) == [("path link up", "path 2: ztecmp2", "ztecmp2 has no carrier (state DOWN)")]
