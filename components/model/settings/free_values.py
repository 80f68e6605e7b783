"""The free-value search behind the cross-checks' hints: a site number, transit supernet, floating IP
or set of ports that the configuration would accept, so that a problem can say what to use instead.

Every value found here is one ``LabConflicts`` finds nothing against; the tests follow every hint.
"""

from __future__ import annotations

import ipaddress
import itertools

from components.model.settings.conflicts import LabConflicts
from components.model.settings.derived import default_floating_ip, floating_ips, site_numbers
from components.model.settings.schema import FLOATING_NETWORK, MAX_ROUTERS, LabConfig

# Where suggested transit supernets and floating IPs are looked for: the private ranges, in order.
PRIVATE_POOLS = (ipaddress.IPv4Network("10.0.0.0/8"), ipaddress.IPv4Network("172.16.0.0/12"), ipaddress.IPv4Network("192.168.0.0/16"))

# How many candidates a suggestion tries before giving up; the first few almost always fit.
SUGGESTION_CANDIDATES = 4096


class FreeValues:
    """Values one configuration would accept in place of those its checks refuse."""

    def __init__(self, config: LabConfig, conflicts: LabConflicts) -> None:
        self.config = config
        self.conflicts = conflicts

    def free_site_number(self) -> int | None:
        """The lowest site number no router has, within plannedSites where it is set; None if there is none."""
        taken = set(site_numbers(self.config))
        limit = self.config.addressing.planned_sites or MAX_ROUTERS
        return next((number for number in range(1, limit + 1) if number not in taken), None)

    def free_supernet(self, prefixlen: int, preferred: ipaddress.IPv4Network | None = None) -> ipaddress.IPv4Network | None:
        """A /prefixlen the lab could use instead: ``preferred`` if it fits, else the first free one of the private ranges."""
        pools = (pool.subnets(new_prefix=prefixlen) for pool in PRIVATE_POOLS if pool.prefixlen <= prefixlen)
        candidates = itertools.chain([preferred] if preferred is not None else [], *pools)
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if not self.conflicts.supernet_conflicts(candidate, with_floating=True):
                return candidate
        return None

    def supernet_hint(self, preferred: ipaddress.IPv4Network | None = None) -> str:
        """What to use instead: any network large enough that is clear of everything, and one such network, of the current
        size where one is free and of the smallest size that fits otherwise."""
        needed = self.conflicts.needed_supernet_prefix()
        current = self.config.addressing.transit_supernet.prefixlen
        free = self.free_supernet(min(current, needed), preferred) or self.free_supernet(needed)
        if free is None:
            return f"use a /{needed} or larger that overlaps no underlay, management address or floating IP"
        return f"use a /{needed} or larger that overlaps nothing else the lab uses, such as {free}"

    def free_floating_ip(self, position: int) -> ipaddress.IPv4Interface | None:
        """A floating /32 for this router that nothing refuses: its default if it fits, else the first free private address."""
        others = {address.ip for other, address in enumerate(floating_ips(self.config)) if other != position}
        candidates = itertools.chain(
            [default_floating_ip(site_numbers(self.config)[position]).ip],
            FLOATING_NETWORK.hosts(),
            *(pool.hosts() for pool in PRIVATE_POOLS),
        )
        for candidate in itertools.islice(candidates, SUGGESTION_CANDIDATES):
            if candidate not in others and not self.conflicts.floating_conflicts(candidate):
                return ipaddress.IPv4Interface(f"{candidate}/32")
        return None

    def floating_hint(self, position: int) -> str:
        free = self.free_floating_ip(position)
        return "use a private /32 outside the supernet and the underlay networks" if free is None else f"use a free address such as {free}"

    def free_base_port(self) -> int | None:
        """The basePort nearest the current one whose paths all get an accepted port."""
        n, current = self.config.paths.count, self.config.zerotier.base_port
        for distance in range(65536):
            for base in (current + distance, current - distance):
                if 1 <= base <= 65535 - n and all(self.conflicts.port_accepted(base + index) for index in range(1, n + 1)):
                    return base
        return None

    def free_ports(self) -> list[int]:
        """zerotier.ports with every refused or repeated port replaced by the next free one, one per path."""
        given = list(self.config.zerotier.ports or ())[: self.config.paths.count]
        kept: list[int | None] = []
        for port in given:
            accepted = self.conflicts.port_accepted(port) and port not in kept
            kept.append(port if accepted else None)
        kept += [None] * (self.config.paths.count - len(kept))
        used = {port for port in kept if port is not None}
        candidate = max(used, default=self.config.zerotier.base_port)
        above_then_below = itertools.chain(range(candidate + 1, 65536), range(1024, candidate + 1))
        free = (port for port in above_then_below if self.conflicts.port_accepted(port))
        return [port if port is not None else next(p for p in free if p not in used) for port in kept]

    def port_hint(self) -> str:
        n = self.config.paths.count
        if self.config.zerotier.ports is not None:
            return f"use ports [{', '.join(str(port) for port in self.free_ports())}]"
        base = self.free_base_port()
        if base is None:
            return "no basePort gives every path a free port; give zerotier.ports explicitly"
        ports = f"port {base + 1}" if n == 1 else f"ports {base + 1}..{base + n}"
        return f"use basePort {base} ({ports}), which clashes with nothing"
