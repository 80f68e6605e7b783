"""The two kinds of failure a command reports, each with its own exit status and no traceback.

``InputError``: something the user gave (an option, a stack file, a folder) cannot be used; the
message names it as the user wrote it, with its value and what would be valid. Exit status 2.
``OutsideError``: something outside this program failed (the Pulumi engine, a tool it runs). Exit 1.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input, said before any work starts: exit status 2."""


class OutsideError(RuntimeError):
    """A failure outside the program (an engine, a tool, a router): exit status 1."""
