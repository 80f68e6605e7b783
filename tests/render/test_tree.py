"""A configuration tree for any router set line by line: its leaves, the nodes they create, the undo order."""

from __future__ import annotations

import pytest

from components.render.tree.config import Leaf, TreeConfig, undo_lines
from components.render.tree.ledger import Entry, deepest_first

CONFIG = TreeConfig(
    stack="lab",
    router="r1",
    leaves=(
        Leaf(("interfaces", "eth0", "mtu"), "9000"),
        Leaf(("routes", "10.0.0.2/32", "via", "10.1.0.2")),
        Leaf(("interfaces", "eth0", "offload", "gro")),
    ),
    anchors=(("routes", "10.0.0.2/32"),),
    replaceable=(("interfaces", "eth0", "mtu"),),
    absent=(("interfaces", "eth0", "offload", "lro"),),
)


def test_a_leaf_is_one_set_line_and_its_value_the_last_word_of_its_path() -> None:
    assert Leaf(("interfaces", "eth0", "mtu"), "9000").set_line == "set interfaces eth0 mtu '9000'"
    assert Leaf(("interfaces", "eth0", "mtu"), "9000").words == ("interfaces", "eth0", "mtu", "9000")
    assert Leaf(("interfaces", "eth0", "offload", "gro")).set_line == "set interfaces eth0 offload gro"


@pytest.mark.parametrize("word", ["two words", "it's", "$(reboot)", "a;b", "*"])
def test_a_word_the_shell_would_read_otherwise_is_refused(word: str) -> None:
    with pytest.raises(ValueError, match="cannot be used in a configuration path or value"):
        Leaf(("system", "name"), word)


def test_every_node_the_leaves_create_is_an_entry_shallowest_first() -> None:
    # A valued leaf is one entry with its value: deleting the value removes the leaf.
    assert [entry.ledger_line for entry in CONFIG.entries] == [
        "node interfaces",
        "node routes",
        "node interfaces eth0",
        "anchor routes 10.0.0.2/32",
        "node interfaces eth0 offload",
        "node routes 10.0.0.2/32 via",
        "leaf interfaces eth0 mtu 9000",
        "leaf interfaces eth0 offload gro",
        "leaf routes 10.0.0.2/32 via 10.1.0.2",
    ]


def test_replaceable_leaves_carry_the_value_wanted_now_and_absent_ones_only_their_path() -> None:
    assert CONFIG.replaceable_lines == ("interfaces eth0 mtu 9000",)
    assert CONFIG.absent_lines == ("interfaces eth0 offload lro",)


def test_undo_deletes_children_before_their_parents() -> None:
    undo = undo_lines(CONFIG)
    assert undo[0] == "delete interfaces eth0 mtu 9000"
    assert undo[-2:] == ("delete interfaces", "delete routes")
    for position, line in enumerate(undo):
        path = line.removeprefix("delete ")
        assert not any(later.startswith(f"delete {path} ") for later in undo[position + 1 :]), line


def test_deepest_first_orders_any_entries() -> None:
    entries = [Entry("node", ("a",)), Entry("leaf", ("a", "b", "c")), Entry("node", ("a", "b"))]
    assert [entry.path for entry in deepest_first(entries)] == [("a", "b", "c"), ("a", "b"), ("a",)]


def test_a_trees_lines_and_entries_are_derived_once_however_often_they_are_read() -> None:
    config = TreeConfig("gk41", "r1", (Leaf(("interfaces", "dummy", "dum0", "address"), "10.0.55.1/32"),))
    assert (config.set_lines is config.set_lines, config.entries is config.entries) == (True, True)
    assert config == TreeConfig("gk41", "r1", (Leaf(("interfaces", "dummy", "dum0", "address"), "10.0.55.1/32"),))
