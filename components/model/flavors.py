"""What each router flavor and container runtime can do: one entry each, plain data.

The settings checks, the program, validate and the reports ask these entries instead of comparing
names. A new flavor is one entry here, a renderer package (components/render/) and a component
(components/infra/), registered in those layers' own tables; docs/adding-a-flavor.md walks through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, assert_never, get_args

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
    # What the router does to an update that is never confirmed (an interrupted `pulumi up`), where it
    # commits with a confirm deadline; None where an update stands once applied. The plan report warns of it.
    unconfirmed_update: str | None
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
    # True: the instances are resources of their own (a container each, made by the program before
    # the router's commands, path by path: components/infra/rolling.py). False: the router's own
    # component runs them from its configuration, from homes it writes before its commit.
    runs_own_instances: bool


def _flavor_entry(name: RouterFlavor) -> FlavorCapabilities:
    # One case per value of RouterFlavor, ending in assert_never: a flavor added to the Literal fails
    # the type check (mypy --strict, part of `make test`) until it has an entry here.
    match name:
        case "vyos":
            return FlavorCapabilities(
                name="vyos",
                title="VyOS",
                runtimes=("vyos", "docker"),
                docker_needs_installing=True,
                route_owners=("vyos-static",),
                bfd_route_owners=("vyos-static",),
                bfd_on_inactive_paths=True,
                rings_set_together=True,
                persistence="config.boot, saved by the confirm step",
                # vyos/vyos-1x python/vyos/config_mgmt.py commit_confirm(): 1.4 (sagitta) reverts by rebooting.
                unconfirmed_update="REBOOTS the router on VyOS 1.4 (into its saved configuration); "
                "VyOS 1.5 reloads the previous configuration instead",
                # Unless `system ip disable-forwarding` is set (vyos/vyos-1x, interface-definitions/system_ip.xml.in).
                forwards_by_default=True,
            )
        case "linux":
            return FlavorCapabilities(
                name="linux",
                title="Linux",
                runtimes=("docker",),
                docker_needs_installing=False,
                route_owners=("iproute2", "frr"),
                bfd_route_owners=("frr",),
                bfd_on_inactive_paths=False,
                rings_set_together=False,
                persistence="a systemd unit and sysctl.d drop-ins",
                unconfirmed_update=None,
            )
        case _:
            assert_never(name)


def _runtime_entry(name: ContainerRuntime) -> RuntimeCapabilities:
    # As _flavor_entry: a runtime added to the Literal fails the type check until it has an entry here.
    match name:
        case "vyos":
            # VyOS's `container` is Podman; its CLI needs root on the router. Its containers are set
            # lines of the router's configuration, committed by the router's own component.
            return RuntimeCapabilities(
                name="vyos", title="VyOS containers (Podman)", pins_with="taskset", exec_prefix=("sudo", "podman"), runs_own_instances=False
            )
        case "docker":
            # `--context default`: the router's own engine, whatever Docker context its login selected.
            return RuntimeCapabilities(
                name="docker", title="Docker", pins_with="cpuset", exec_prefix=("docker", "--context", "default"), runs_own_instances=True
            )
        case _:
            assert_never(name)


FLAVORS: Mapping[RouterFlavor, FlavorCapabilities] = MappingProxyType({name: _flavor_entry(name) for name in get_args(RouterFlavor)})
RUNTIMES: Mapping[ContainerRuntime, RuntimeCapabilities] = MappingProxyType(
    {name: _runtime_entry(name) for name in get_args(ContainerRuntime)}
)


def flavor(name: RouterFlavor) -> FlavorCapabilities:
    return FLAVORS[name]


def runtime(name: ContainerRuntime) -> RuntimeCapabilities:
    return RUNTIMES[name]
