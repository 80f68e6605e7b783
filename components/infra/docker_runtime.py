"""ZeroTier containers on a router's Docker engine: one ZeroTierHost per router, one ZeroTierInstance per path."""

from __future__ import annotations

import functools
import os
import pwd
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_docker as docker

from components.infra.container_reclaim import reclaim_hooks
from components.infra.zerotier_path import InstanceIdentity, ZeroTierPath
from components.model.flavors import runtime
from components.model.naming import ZEROTIER_HOME, host_resource, instance_name, instance_owner_labels, instance_resource
from components.model.plan import LabPlan, RouterPlan, SshTarget
from components.model.settings import ConfigError
from components.render.docker.reclaim import ReclaimCommand, reclaim_command
from components.render.restarts import instance_key
from components.render.ssh import CONTROL_SOCKET_EXTRA_BYTES, SOCKET_PATH_MAX_BYTES, docker_transport_options
from components.render.zerotier import introduced_routers, render_devicemap, render_local_conf

# All that zerotier-one needs to create its tap (with /dev/net/tun): it ran with `--cap-drop ALL
# --cap-add NET_ADMIN`. Written as Docker reports it back: the Docker client (v28) rewrites NET_ADMIN
# to CAP_NET_ADMIN and kreuzwerker/terraform-provider-docker reads back what Docker returns with no
# diff suppression, so the short form would show drift on every refresh and replace every container.
CAPABILITIES_ADDED = ("CAP_NET_ADMIN",)
CAPABILITIES_DROPPED = ("ALL",)


def docker_environment_problems(plan: LabPlan, environment: Mapping[str, str]) -> list[str]:
    """Settings in the environment of `pulumi up` that would send the Docker provider elsewhere.

    kreuzwerker/terraform-provider-docker documents that its ``context`` (also read from
    DOCKER_CONTEXT) overrides ``host``: the containers would land on whatever that context names.
    """
    docker_routers = [router.name for router in plan.routers if runtime(router.runtime).runs_own_instances]
    if not docker_routers or not environment.get("DOCKER_CONTEXT"):
        return []
    return [
        f"DOCKER_CONTEXT: set to {environment['DOCKER_CONTEXT']!r} in the environment, which the Docker provider would use "
        f"instead of the Docker host of {', '.join(docker_routers)}; unset it (`unset DOCKER_CONTEXT`) before running Pulumi"
    ]


def control_socket_problems(plan: LabPlan, home: str) -> list[str]:
    """A home directory too long for the Docker transport's control sockets (``home``: this user's, from passwd)."""
    over_ssh = [
        router.name for router in plan.routers if runtime(router.runtime).runs_own_instances and router.docker_host.startswith("ssh://")
    ]
    longest = len(home.encode()) + CONTROL_SOCKET_EXTRA_BYTES
    if not over_ssh or longest <= SOCKET_PATH_MAX_BYTES:
        return []
    return [
        f"home directory {home}: the SSH control sockets of the Docker transport to {', '.join(over_ssh)} live in "
        f"{home}/.zt-ecmp, and their paths would take {longest} bytes where a Unix socket path takes at most "
        f"{SOCKET_PATH_MAX_BYTES}; run Pulumi as a user whose home directory is at most "
        f"{SOCKET_PATH_MAX_BYTES - CONTROL_SOCKET_EXTRA_BYTES} bytes long"
    ]


def check_docker_environment(plan: LabPlan, environment: Mapping[str, str] = os.environ) -> None:
    problems = docker_environment_problems(plan, environment) + control_socket_problems(plan, pwd.getpwuid(os.getuid()).pw_dir)
    if problems:
        raise ConfigError(problems)


@dataclass(frozen=True)
class ZeroTierHostArgs:
    # ssh://user@host:port (or tcp://, unix://): where the router's Docker engine answers.
    docker_host: str
    # The router's pinned SSH host key, checked by the ssh:// transport.
    ssh: SshTarget
    image: str


class ZeroTierHost(pulumi.ComponentResource):
    """A router's Docker engine as seen by this program, with the pinned ZeroTier image on it."""

    provider: docker.Provider
    image: docker.RemoteImage

    def __init__(self, name: str, args: ZeroTierHostArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("zt-ecmp:index:ZeroTierHost", name, None, opts)
        self.provider = docker.Provider(
            f"{name}-docker",
            host=args.docker_host,
            # Only meaningful for ssh:// endpoints; harmless otherwise. The Docker provider starts one
            # `ssh ... docker system dial-stdio` per connection it needs (docker/cli connhelper).
            ssh_opts=list(docker_transport_options(args.ssh)),
            # Previews must work without reaching the router.
            disable_docker_daemon_check=True,
            opts=pulumi.ResourceOptions(
                parent=self,
                # A new host is a move: an in-place provider update would leave the containers where they
                # were. Replacing the provider delete-first makes the engine replace everything it manages
                # too, deleting through the old provider (the old router) before creating on the new one
                # (pulumi/pulumi pkg/resource/deploy/step_generator.go, calculateDependentReplacements).
                replace_on_changes=["host"],
                delete_before_replace=True,
            ),
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
    container_name: str
    host: ZeroTierHost
    # The official image's entrypoint joins every network id it is given.
    network_id: pulumi.Input[str]
    local_conf: pulumi.Input[str]
    devicemap: pulumi.Input[str]
    # The identity the lab made for the instance; None: it makes its own at first start.
    identity: InstanceIdentity | None
    cpus: tuple[int, ...]
    labels: Mapping[str, str]
    # Run before every create of the container: removes one of its name that a killed run left
    # behind, refuses any other (container_reclaim.py).
    reclaim: ReclaimCommand
    # What must exist before the container starts: its member on the path network, so the instance
    # joins authorized instead of waiting to be.
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


def _uploads(args: ZeroTierInstanceArgs) -> list[docker.ContainerUploadArgs]:
    uploads = [
        docker.ContainerUploadArgs(file=f"{ZEROTIER_HOME}/local.conf", content=args.local_conf),
        docker.ContainerUploadArgs(file=f"{ZEROTIER_HOME}/devicemap", content=args.devicemap),
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
        self.container = docker.Container(
            name,
            name=args.container_name,
            image=args.host.image.image_id,
            command=[args.network_id],
            network_mode="host",
            capabilities=docker.ContainerCapabilitiesArgs(adds=list(CAPABILITIES_ADDED), drops=list(CAPABILITIES_DROPPED)),
            devices=[docker.ContainerDeviceArgs(host_path="/dev/net/tun", container_path="/dev/net/tun", permissions="rwm")],
            # What moby does after each event (daemon/kill.go, daemon/monitor.go, restartmanager/
            # restartmanager.go, container.ShouldRestart): a crash, or a kill of the process from
            # outside Docker (the OOM killer, kill -9), restarts it under on-failure, unless-stopped
            # and always; `docker kill` and `docker stop` cancel the restart manager (ExitOnNext) and
            # mark the container stopped by hand under every policy, so no policy brings it back at
            # once; at a daemon restart or reboot `always` starts even a container the operator
            # stopped, `unless-stopped` only one that was not, and `on-failure` only one whose last
            # exit code was not 0 (a clean stop at shutdown leaves it down). unless-stopped is the one
            # that comes back from a crash and a reboot yet stays down when an operator stops it. A
            # change of policy would update the container in place: `restart` is not ForceNew in
            # kreuzwerker/terraform-provider-docker (internal/provider/resource_docker_container.go).
            restart="unless-stopped",
            # zerotier-one never needs to gain privileges beyond those it starts with.
            security_opts=["no-new-privileges:true"],
            cpu_set=",".join(str(cpu) for cpu in args.cpus) or None,
            uploads=_uploads(args),
            labels=[docker.ContainerLabelArgs(label=key, value=value) for key, value in args.labels.items()],
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.host.provider,
                depends_on=list(args.depends_on),
                # The name is fixed, so the old container must go before its replacement can exist. The
                # provider asks for this on the replacements its own diff decides, but `pulumi up
                # --replace` never consults the provider (pulumi/pulumi step_generator.go, diff): only
                # this option covers both.
                delete_before_replace=True,
                hooks=reclaim_hooks(name, args.reclaim, self),
            ),
        )
        self.register_outputs({"containerName": self.container.name})


def _local_conf(plan: LabPlan, router: str, path_index: int, peers: pulumi.Output[dict[str, str]] | None) -> pulumi.Input[str]:
    """local.conf, naming the other routers' instances once their node ids are known."""
    if peers is None:
        return render_local_conf(plan, router, path_index)
    return peers.apply(functools.partial(render_local_conf, plan, router, path_index))


def docker_host(plan: LabPlan, router: RouterPlan) -> ZeroTierHost:
    """The router's Docker engine, with the pinned image on it."""
    args = ZeroTierHostArgs(docker_host=router.docker_host, ssh=router.ssh, image=plan.zerotier.image)
    return ZeroTierHost(host_resource(router.name), args)


def instance_args(plan: LabPlan, router: RouterPlan, host: ZeroTierHost, zerotier: ZeroTierPath, path_index: int) -> ZeroTierInstanceArgs:
    """The router's instance on a path, rendered from the plan; it starts once its member exists."""
    end = plan.path(path_index).end(router.name)
    return ZeroTierInstanceArgs(
        container_name=instance_name(plan.project, plan.stack, path_index),
        host=host,
        network_id=zerotier.network_id,
        local_conf=_local_conf(plan, router.name, path_index, zerotier.node_ids(introduced_routers(plan, router.name))),
        devicemap=pulumi.Output.from_input(zerotier.network_id).apply(functools.partial(render_devicemap, interface=end.interface)),
        identity=zerotier.identities.get(router.name),
        cpus=end.cpus,
        labels={
            **instance_owner_labels(plan.project, plan.stack, path_index),
            "zt-ecmp.port": str(end.port),
            "zt-ecmp.interface": end.interface,
        },
        depends_on=[zerotier.members[router.name]] if router.name in zerotier.members else [],
        reclaim=reclaim_command(plan, router.name, path_index),
    )


def docker_instance(plan: LabPlan, router: RouterPlan, path_index: int, args: ZeroTierInstanceArgs) -> ZeroTierInstance:
    return ZeroTierInstance(instance_resource(router.name, path_index), args, opts=pulumi.ResourceOptions(parent=args.host))


def restart_key(plan: LabPlan, router: RouterPlan, path_index: int, args: ZeroTierInstanceArgs) -> pulumi.Output[str]:
    """What replaces the instance's container, in one line (components/render/restarts.py): known in a
    preview wherever the container's own inputs are, so a path's drain shows why it runs."""
    node_id = args.identity.node_id if args.identity is not None else None
    return pulumi.Output.all(network_id=args.network_id, local_conf=args.local_conf, node_id=node_id).apply(
        lambda known: instance_key(
            image=plan.zerotier.image,
            network_id=str(known["network_id"]),
            interface=plan.path(path_index).end(router.name).interface,
            local_conf=str(known["local_conf"]),
            node_id=known["node_id"],
            host=router.docker_host,
        )
    )
