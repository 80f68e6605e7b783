"""Layer-4 hashing: the kernel's multipath hash policy is the one that spreads flows by port."""

from __future__ import annotations

from tests.ops.validate.gk41_r1 import failures, healthy_r1


def test_hash_policy_other_than_layer_4_fails() -> None:
    assert failures(healthy_r1("gk41-r1-layer3-hashing")) == [
        ("layer-4 hashing", "net.ipv4.fib_multipath_hash_policy", "is 0, expected 1 (layer 4)")
    ]
