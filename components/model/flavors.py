"""What each router flavor and container runtime can do: one entry each, plain data.

The settings checks, the program, validate and the reports ask these entries instead of comparing
names. A new flavor is one entry here, a renderer package (components/render/) and a component
(components/infra/), registered in those layers' own tables; docs/adding-a-flavor.md walks through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

RouterFlavor = Literal["vyos", "linux"]
ContainerRuntime = Literal["docker", "vyos"]
# Who installs and heals the routes to the other routers' floating IPs.
RouteOwner = Literal["vyos-static", "iproute2", "frr"]


@dataclass(frozen=True)
class FlavorCapabilities:
    name: RouterFlavor
    # For reports and error messages.
    title: str
    # The runtimes its routers may run the instances on, the first being the default.
    runtimes: tuple[ContainerRuntime, ...]
    # True where Docker is not part of the stock system, so runtime docker needs dockerInstalled.
    docker_needs_installing: bool
    # The route owners it offers; routing.linuxRoutes chooses among several.
    route_owners: tuple[RouteOwner, ...]
    # Whether a route owner tracks every next hop with BFD (and so heals a silent path by itself).
    bfd_route_owners: tuple[RouteOwner, ...]
    # Whether BFD sessions exist on inactive paths too (their health is visible before they are used).
    bfd_on_inactive_paths: bool
    # Whether setting one ring (rx or tx) on a NIC that cannot change both is refused.
    rings_set_together: bool
    # How the configuration survives a reboot, for the README and reports.
    persistence: str
    # Whether it forwards IPv4 out of the box; a hub that does not gets the kernel's forwarding switched
    # on (and its ICMP redirects off) by the lab, and back on undo.
    forwards_by_default: bool = False

    @property
    def default_runtime(self) -> ContainerRuntime:
        return self.runtimes[0]


@dataclass(frozen=True)
class RuntimeCapabilities:
    name: ContainerRuntime
    title: str
    # How a pin is applied: a CPU set the runtime gives the container, or taskset inside it.
    pins_with: Literal["cpuset", "taskset"]
    # The command prefix that runs a command inside one of the lab's containers, on the router.
    exec_prefix: tuple[str, ...]


FLAVORS: MappingProxyType[str, FlavorCapabilities] = MappingProxyType(
    {
        "vyos": FlavorCapabilities(
            name="vyos",
            title="VyOS",
            runtimes=("vyos", "docker"),
            docker_needs_installing=True,
            route_owners=("vyos-static",),
            bfd_route_owners=("vyos-static",),
            bfd_on_inactive_paths=True,
            rings_set_together=True,
            persistence="config.boot, saved by the confirm step",
            # Unless `system ip disable-forwarding` is set (vyos/vyos-1x, interface-definitions/system_ip.xml.in).
            forwards_by_default=True,
        ),
        "linux": FlavorCapabilities(
            name="linux",
            title="Linux",
            runtimes=("docker",),
            docker_needs_installing=False,
            route_owners=("iproute2", "frr"),
            bfd_route_owners=("frr",),
            bfd_on_inactive_paths=False,
            rings_set_together=False,
            persistence="a systemd unit and sysctl.d drop-ins",
        ),
    }
)

RUNTIMES: MappingProxyType[str, RuntimeCapabilities] = MappingProxyType(
    {
        # VyOS's `container` is Podman; its CLI needs root on the router.
        "vyos": RuntimeCapabilities(name="vyos", title="VyOS containers (Podman)", pins_with="taskset", exec_prefix=("sudo", "podman")),
        # `--context default`: the router's own engine, whatever Docker context its login selected.
        "docker": RuntimeCapabilities(name="docker", title="Docker", pins_with="cpuset", exec_prefix=("docker", "--context", "default")),
    }
)


def flavor(name: str) -> FlavorCapabilities:
    return FLAVORS[name]


def runtime(name: str) -> RuntimeCapabilities:
    return RUNTIMES[name]
