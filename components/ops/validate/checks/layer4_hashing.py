"""Layer-4 hashing: the kernel spreads flows over the next hops by ports as well as addresses."""

from __future__ import annotations

from components.model.kernel import HASH_POLICY_SYSCTL, LAYER4_HASH_POLICY
from components.ops.validate.framework import Check, CheckResult, Observed, RouterScope

NAME = "layer-4 hashing"
# Read from /proc/sys, not with `sysctl`: validate runs as the router's SSH user, whose
# non-interactive PATH on VyOS is OpenSSH's default (/usr/local/bin:/usr/bin:/bin:/usr/games, no
# /sbin), where vbash answers `Invalid command: [sysctl]`.
HASH_POLICY_COMMAND = f"cat /proc/sys/{HASH_POLICY_SYSCTL.replace('.', '/')}"


def commands(scope: RouterScope) -> list[str]:
    return [HASH_POLICY_COMMAND]


def evaluate(scope: RouterScope, observed: Observed) -> list[CheckResult]:
    output = observed[HASH_POLICY_COMMAND]
    if not output.ok:
        return [scope.result(NAME, HASH_POLICY_SYSCTL, "fail", f"{HASH_POLICY_COMMAND}: {output.why()}")]
    value = output.stdout.strip()
    if value != str(LAYER4_HASH_POLICY):
        return [scope.result(NAME, HASH_POLICY_SYSCTL, "fail", f"is {value}, expected {LAYER4_HASH_POLICY} (layer 4)")]
    return [scope.result(NAME, HASH_POLICY_SYSCTL, "pass", f"= {value}")]


CHECK = Check(NAME, commands, evaluate)
