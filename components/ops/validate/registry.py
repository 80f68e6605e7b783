"""Every check validate runs, in the order it reports them: a new check is one more entry here."""

from __future__ import annotations

from components.ops.validate.checks import (
    bfd_session,
    containers,
    cpu_pin,
    ecmp_route,
    floating_peer,
    layer4_hashing,
    path_link,
    path_peer,
    underlay_link,
    vyos_commit,
    zerotier_joined,
)
from components.ops.validate.framework import Check

# The report's order: read top down, an early failure (a reverted update, a stopped container)
# explains later ones (its path's silent peer).
CHECKS: tuple[Check, ...] = (
    vyos_commit.CHECK,
    containers.CHECK,
    zerotier_joined.CHECK,
    cpu_pin.CHECK,
    path_link.CHECK,
    ecmp_route.CHECK,
    layer4_hashing.CHECK,
    path_peer.CHECK,
    floating_peer.CHECK,
    bfd_session.CHECK,
    underlay_link.CHECK,
)
