"""The ledger: what the lab created in a router's configuration tree, one line per configuration node.

What the lab owns on a router is what it created, that is, nodes that did not exist in the active
configuration when the lab first set them. Nodes the operator had already configured are used but
never owned, so destroying the lab leaves them alone. Ledger lines are ``<kind> <path words>``:

  ``leaf``     a line the lab sets (a valueless leaf, a leaf value, a next-hop); deleting it is
               always the lab's to do.
  ``node``     a parent node the lab's leaves created; deleted only once it has no children left,
               so anything the operator added beneath it survives.
  ``anchor``   a node that must be the lab's alone (a route, a container, a firewall rule): applying
               refuses to touch one that exists and is not in the ledger.
  ``replaced`` ``<leaf path> <value>``: a single-valued leaf the operator had set to ``<value>``
               before the lab set its own (an MTU, a sysctl); put back when the lab no longer sets
               it. Kept only while the lab's own value is still in place (a ``leaf`` at that path):
               a value the operator changed since is theirs.
  ``removed``  a valueless leaf the operator had (an offload) that the lab wants off; put back when
               the lab no longer wants it off, kept only while it is still absent.

A leaf left at its default is not in the configuration at all: VyOS's `cli-shell-api existsActive`
answers false for an unset speed, duplex, MTU or offload (observed on VyOS 1.4), so the lab records
such a leaf as its own ``leaf``, never as ``replaced``. Deleting it on undo brings the default back,
which is what the router had.

A flavor's scripts may record more kinds for what lives outside the tree (VyOS: ``image``, a
container image the lab pulled). The first three kinds name configuration nodes (``Entry``); the
scripts that keep the ledger are the flavor's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

# Words go into shell word lists and the ledger unquoted: no spaces, quotes or shell syntax (`!` is
# VyOS's negation in firewall matches; the scripts run without history expansion).
SAFE_WORD = re.compile(r"^[A-Za-z0-9._:/@+,=!-]+$")
# Safe words, each after a space.
SAFE_WORDS = re.compile(r"[A-Za-z0-9._:/@+,=!-]+(?: [A-Za-z0-9._:/@+,=!-]+)*")
# A shell pattern for the values an operator's leaf must not hold to be recorded as ``replaced`` and
# set back later: the ledger's words, without `!`.
RECORDABLE_VALUE_GLOB = "*[!A-Za-z0-9._:/@+,=-]*"

EntryKind = Literal["leaf", "node", "anchor"]


class Entry(NamedTuple):
    """One configuration node the lab may own, as recorded in the ledger. A tuple, ordered by kind then
    path: a router's tree holds a thousand nodes at 16 sites, and a tuple is the quickest to make."""

    kind: EntryKind
    path: tuple[str, ...]

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def ledger_line(self) -> str:
        return f"{self.kind} {' '.join(self.path)}"

    @property
    def delete_line(self) -> str:
        return f"delete {' '.join(self.path)}"


def deepest_first(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The order nodes are deleted in: children before their parents."""
    return tuple(sorted(entries, key=lambda entry: (-entry.depth, entry.path)))
