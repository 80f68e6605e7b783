"""Marks of the tests that build the network-namespace lab for real: ``netns``, skipped where it cannot run."""

from __future__ import annotations

import pytest

from components.netns.bfd_failover import missing_failover_requirements
from components.netns.lab import missing_requirements
from components.netns.ssh_access import missing_ssh_requirements


def _runs_here(what: str, reasons: list[str]) -> list[pytest.MarkDecorator]:
    return [pytest.mark.netns, pytest.mark.skipif(bool(reasons), reason=f"{what}: " + "; ".join(reasons))]


# The namespace lab alone: root, ip, tc, bridge, iperf3, ping.
NETNS_LAB = _runs_here("network-namespace lab", missing_requirements())
# The namespace lab with FRR's zebra, ospfd and bfdd in it.
FRR_LAB = _runs_here("FRR lab", missing_failover_requirements())
# The namespace lab with an sshd in every router, reached over real OpenSSH.
SSH_LAB = _runs_here("SSH lab", missing_requirements() + missing_ssh_requirements())
