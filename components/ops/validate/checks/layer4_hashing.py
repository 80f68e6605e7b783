"""Layer-4 hashing: the kernel spreads flows over the next hops by ports as well as addresses."""

from __future__ import annotations

from components.model.kernel import HASH_POLICY_SYSCTL, LAYER4_HASH_POLICY
from components.ops.facts.gather import RouterFacts
from components.ops.facts.model import Unread
from components.ops.facts.needs import HASH_POLICY, AnyNeed
from components.ops.validate.framework import Check, CheckResult, RouterScope

NAME = "layer-4 hashing"


def needs(scope: RouterScope) -> list[AnyNeed]:
    return [HASH_POLICY]


def evaluate(scope: RouterScope, facts: RouterFacts) -> list[CheckResult]:
    policy = facts[HASH_POLICY]
    if isinstance(policy, Unread):
        return [scope.result(NAME, HASH_POLICY_SYSCTL, "fail", str(policy))]
    if policy.value != LAYER4_HASH_POLICY:
        return [scope.result(NAME, HASH_POLICY_SYSCTL, "fail", f"is {policy.value}, expected {LAYER4_HASH_POLICY} (layer 4)")]
    return [scope.result(NAME, HASH_POLICY_SYSCTL, "pass", f"= {policy.value}")]


CHECK = Check(NAME, needs, evaluate)
