"""Facts about the Linux kernel the lab relies on, named once."""

from __future__ import annotations

# Which header fields the kernel hashes to pick a multipath route's next hop (Documentation/
# networking/ip-sysctl.rst): 1 is layer 4 (addresses, protocol and ports), what VyOS's `system ip
# multipath layer4-hashing` sets. With the default 0 every flow between two floating IPs takes one path.
HASH_POLICY_SYSCTL = "net.ipv4.fib_multipath_hash_policy"
LAYER4_HASH_POLICY = 1
