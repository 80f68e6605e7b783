"""ZeroTier containers on a router's Docker engine: one ZeroTierHost per router, one ZeroTierInstance per path."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from components.plan import LabPlan, PathEnd, RouterPlan
from components.renderers.ssh_trust import openssh_pinning_options
from components.renderers.zerotier_files import render_devicemap, render_local_conf
from components.zerotier_path import InstanceIdentity

ZEROTIER_HOME = "/var/lib/zerotier-one"


@dataclass(frozen=True)
class ZeroTierHostArgs:
    router: RouterPlan
    image: str


class ZeroTierHost(pulumi.ComponentResource):
    """A router's Docker engine as seen by this program, with the pinned ZeroTier image on it."""

    provider: docker.Provider
    image: docker.RemoteImage

    def __init__(self, name: str, args: ZeroTierHostArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:ZeroTierHost", name, None, opts)
        self.provider = docker.Provider(
            f"{name}-docker",
            host=args.router.docker_host,
            # Only meaningful for ssh:// endpoints; harmless otherwise.
            ssh_opts=list(openssh_pinning_options(args.router.ssh)),
            # Previews must work without reaching the router.
            disable_docker_daemon_check=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.image = docker.RemoteImage(
            f"{name}-image",
            name=args.image,
            keep_locally=True,
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider),
        )
        self.register_outputs({"imageId": self.image.image_id})


@dataclass(frozen=True)
class ZeroTierInstanceArgs:
    plan: LabPlan
    router: str
    path_index: int
    network_id: pulumi.Input[str]
    host: ZeroTierHost
    identity: InstanceIdentity | None = None


def container_name(plan: LabPlan, path_index: int) -> str:
    return f"{plan.project}-{plan.stack}-path{path_index}"


def _uploads(args: ZeroTierInstanceArgs, end: PathEnd) -> list[docker.ContainerUploadArgs]:
    uploads = [
        docker.ContainerUploadArgs(file=f"{ZEROTIER_HOME}/local.conf", content=render_local_conf(args.plan, args.router, args.path_index)),
        docker.ContainerUploadArgs(
            file=f"{ZEROTIER_HOME}/devicemap",
            content=pulumi.Output.from_input(args.network_id).apply(lambda nwid: render_devicemap(nwid, end.interface)),
        ),
    ]
    if args.identity is not None:
        uploads += [
            docker.ContainerUploadArgs(file=f"{ZEROTIER_HOME}/identity.public", content=args.identity.public),
            # Uploaded as a file with owner-only permissions; never an environment variable.
            docker.ContainerUploadArgs(
                file=f"{ZEROTIER_HOME}/identity.secret",
                content=pulumi.Output.secret(args.identity.secret),
                permissions="0600",
            ),
        ]
    return uploads


class ZeroTierInstance(pulumi.ComponentResource):
    """One zerotier-one container, on its own port, joined to its path's network."""

    container: docker.Container

    def __init__(self, name: str, args: ZeroTierInstanceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:ZeroTierInstance", name, None, opts)
        plan = args.plan
        end = plan.path(args.path_index).end(args.router)
        self.container = docker.Container(
            name,
            name=container_name(plan, args.path_index),
            image=args.host.image.image_id,
            # The official image's entrypoint joins every network id it is given.
            command=[args.network_id],
            network_mode="host",
            capabilities=docker.ContainerCapabilitiesArgs(adds=["NET_ADMIN", "SYS_ADMIN"]),
            devices=[docker.ContainerDeviceArgs(host_path="/dev/net/tun", container_path="/dev/net/tun", permissions="rwm")],
            restart="unless-stopped",
            # zerotier-one never needs to gain privileges beyond those it starts with.
            security_opts=["no-new-privileges:true"],
            cpu_set=",".join(str(cpu) for cpu in end.cpus) or None,
            uploads=_uploads(args, end),
            labels=[
                docker.ContainerLabelArgs(label=key, value=value)
                for key, value in (
                    ("zt-ecmp.project", plan.project),
                    ("zt-ecmp.stack", plan.stack),
                    ("zt-ecmp.path", str(args.path_index)),
                    ("zt-ecmp.port", str(end.port)),
                    ("zt-ecmp.interface", end.interface),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, provider=args.host.provider),
        )
        self.register_outputs({"containerName": self.container.name})
