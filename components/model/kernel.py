"""Facts about the Linux kernel the lab relies on, named once."""

from __future__ import annotations

# Which header fields the kernel hashes to pick a multipath route's next hop (Documentation/
# networking/ip-sysctl.rst): 1 is layer 4 (addresses, protocol and ports), what VyOS's `system ip
# multipath layer4-hashing` sets. With the default 0 every flow between two floating IPs takes one path.
HASH_POLICY_SYSCTL = "net.ipv4.fib_multipath_hash_policy"
LAYER4_HASH_POLICY = 1

# A hub forwards spoke-to-spoke traffic back out of the path interface it arrived on. The kernel must
# forward, and must not answer with an ICMP redirect pointing the spoke straight at the other spoke,
# which the path networks do not carry. A redirect goes out where conf.all or the interface's own
# send_redirects is 1 (Documentation/networking/ip-sysctl.rst), so both are switched off.
FORWARDING_SYSCTL = "net.ipv4.ip_forward"
SEND_REDIRECTS_ALL_SYSCTL = "net.ipv4.conf.all.send_redirects"
HUB_SYSCTLS: tuple[tuple[str, int], ...] = ((FORWARDING_SYSCTL, 1), (SEND_REDIRECTS_ALL_SYSCTL, 0))
HUB_SYSCTL_KEYS = frozenset(key for key, _ in HUB_SYSCTLS)
