"""One text a router receives, as a review shows it and as a file of the plan's folder names it."""

from __future__ import annotations

from typing import NamedTuple


class RouterArtefact(NamedTuple):
    # What a review calls it, unique per router ("VyOS apply script").
    title: str
    # Its file in the plan's folder for the router (``out/<stack>/<router>/<file>``), unique per router.
    file: str
    text: str
