"""Layer-4 hashing: the kernel's multipath hash policy is the one that spreads flows by port."""

from __future__ import annotations

from components.ops.facts.model import HashPolicy, Unread
from components.ops.facts.needs import HASH_POLICY
from components.ops.validate.checks.layer4_hashing import CHECK
from tests.ops.validate.judged import verdicts


def test_the_layer_4_policy_passes() -> None:
    assert verdicts(CHECK, {HASH_POLICY: HashPolicy(1)}) == [("net.ipv4.fib_multipath_hash_policy", "pass", "= 1")]


def test_a_hash_policy_other_than_layer_4_fails() -> None:
    assert verdicts(CHECK, {HASH_POLICY: HashPolicy(0)}) == [("net.ipv4.fib_multipath_hash_policy", "fail", "is 0, expected 1 (layer 4)")]


def test_a_policy_that_could_not_be_read_fails_saying_what_was_read_and_why() -> None:
    unread = Unread(
        "cat /proc/sys/net/ipv4/fib_multipath_hash_policy",
        "failed",
        "cat: /proc/sys/net/ipv4/fib_multipath_hash_policy: No such file or directory",
    )
    assert verdicts(CHECK, {HASH_POLICY: unread}) == [
        (
            "net.ipv4.fib_multipath_hash_policy",
            "fail",
            "cat /proc/sys/net/ipv4/fib_multipath_hash_policy: "
            "cat: /proc/sys/net/ipv4/fib_multipath_hash_policy: No such file or directory",
        )
    ]
