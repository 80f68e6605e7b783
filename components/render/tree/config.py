"""What one router's configuration tree should hold for the lab: leaves with full paths, set in order."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from components.render.tree.ledger import SAFE_WORD, SAFE_WORDS, Entry, deepest_first


@dataclass(frozen=True)
class Leaf:
    """One ``set`` line: a path and, for leaves that take one, a value."""

    path: tuple[str, ...]
    value: str | None = None

    def __post_init__(self) -> None:
        words = self.words
        # One match for all the words (a router's tree holds thousands of leaves at 16 sites); a word
        # with a space in it would read as two, so the spaces are counted too.
        joined = " ".join(words)
        if not SAFE_WORDS.fullmatch(joined) or joined.count(" ") != len(words) - 1:
            word = next(word for word in words if not SAFE_WORD.match(word))
            raise ValueError(f"{word!r} cannot be used in a configuration path or value here; expected {SAFE_WORD.pattern}")

    @property
    def words(self) -> tuple[str, ...]:
        """The path as the ledger and the router's own queries see it: a value is the last word."""
        return (*self.path, self.value) if self.value is not None else self.path

    @property
    def set_line(self) -> str:
        value = f" '{self.value}'" if self.value is not None else ""
        return f"set {' '.join(self.path)}{value}"


@dataclass(frozen=True)
class TreeConfig:
    """The configuration one router should hold for the lab, in the order it is set.

    Its lines and entries are derived once: the apply, confirm and delete scripts and the ledger all
    read them, and at 16 sites a router's tree holds thousands of nodes (`zt-ecmp bench-plan`)."""

    stack: str
    router: str
    leaves: tuple[Leaf, ...]
    # Nodes that must be the lab's alone (``anchor`` in the ledger).
    anchors: tuple[tuple[str, ...], ...] = ()
    # Leaf paths (no value) among ``leaves`` whose earlier operator value is put back on undo.
    replaceable: tuple[tuple[str, ...], ...] = ()
    # Valueless leaves that must not exist (offloads turned off); the operator's are put back on undo.
    absent: tuple[tuple[str, ...], ...] = ()

    @functools.cached_property
    def replaceable_lines(self) -> tuple[str, ...]:
        """``<leaf path> <wanted value>`` for every replaceable leaf."""
        wanted = set(self.replaceable)
        return tuple(" ".join(leaf.words) for leaf in self.leaves if leaf.path in wanted)

    @functools.cached_property
    def absent_lines(self) -> tuple[str, ...]:
        return tuple(" ".join(path) for path in self.absent)

    @functools.cached_property
    def set_lines(self) -> tuple[str, ...]:
        return tuple(leaf.set_line for leaf in self.leaves)

    @functools.cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Every node the leaves create, shallowest first: what the lab may come to own."""
        leaf_paths = {leaf.words for leaf in self.leaves}
        anchors = set(self.anchors)
        # Every proper prefix of a leaf's path. Leaves share most of theirs (thousands of next-hops
        # under a few routes), and a prefix already here came with all of its own.
        parents: set[tuple[str, ...]] = set()
        for leaf in self.leaves:
            for length in range(len(leaf.path) - 1, 0, -1):
                if (prefix := leaf.path[:length]) in parents:
                    break
                parents.add(prefix)
        # By depth, then by path: two sorts, the second stable.
        ordered = sorted(sorted(leaf_paths | parents), key=len)
        return tuple(Entry("leaf" if path in leaf_paths else "anchor" if path in anchors else "node", path) for path in ordered)


def undo_lines(config: TreeConfig) -> tuple[str, ...]:
    """The deletes that remove every node of ``config``, deepest first (what destroy does when the lab created them all)."""
    return tuple(entry.delete_line for entry in deepest_first(config.entries))
