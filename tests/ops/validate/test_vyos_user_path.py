"""validate runs as the router's SSH user: nothing it asks needs /sbin on that user's PATH.

A command given to `ssh` runs as `vbash -c` on VyOS, which reads no profile, so PATH is OpenSSH's
compiled-in default, /usr/local/bin:/usr/bin:/bin:/usr/games on Debian's build (vyos-1x's sshd_config
template sets none); observed on the real 1.4 backend, bare `sysctl` and `ethtool` answered
`Invalid command: [sysctl]`.
"""

from __future__ import annotations

import pytest

from components.model.plan import LabPlan
from components.ops.validate.framework import RouterScope
from components.ops.validate.runner import commands_for
from tests.ops.validate import gk41_sites
from tests.ops.validate.gk41_r1 import DOCKER, VYOS
from tests.support.stacks import jumbo_routers, lab_plan

# Tools Debian installs in /sbin (procps' sysctl, ethtool, iproute2's tc...), not on that PATH.
SBIN_ONLY = {"sysctl", "ethtool", "tc", "bridge", "iptables", "nft", "modprobe"}

PLANS: list[tuple[str, LabPlan]] = [
    ("gk41 vyos", VYOS),
    ("gk41 docker", DOCKER),
    ("ms01 jumbo", lab_plan("ms01", routers=jumbo_routers("ms01"))),
    ("gk41 sites", gk41_sites.FULL_MESH),
]


@pytest.mark.parametrize(("name", "plan"), PLANS, ids=[name for name, _ in PLANS])
def test_no_command_names_a_tool_that_lives_only_in_sbin(name: str, plan: LabPlan) -> None:
    for router in plan.routers:
        for command in commands_for(RouterScope(plan, router)):
            assert command.split()[0] not in SBIN_ONLY, f"{name} {router.name}: {command}"


def test_the_hash_policy_is_read_from_proc_sys_and_ethtool_by_its_full_path() -> None:
    commands = commands_for(RouterScope(VYOS, VYOS.router("r1")))
    assert "cat /proc/sys/net/ipv4/fib_multipath_hash_policy" in commands
    assert "/sbin/ethtool eth2" in commands
