"""The instances on Docker engines, created, replaced and deleted one path at a time.

pulumi-docker replaces a container delete first whenever an input it cannot update in place changes
(components/render/restarts.py lists them): a new image tag replaced every container of every router
at once, and every flow between the sites stopped until all instances had rejoined. Here, per path in
order and on every router whose route owner can leave a path out (``DRAINS``, flavor linux):

    drains of path i  ->  containers of path i (every router)  ->  gates of path i  ->  drains of path i+1 ...

What the engine does with that, from pulumi/pulumi's source:
- a resource is registered only once everything it depends on has been (the Python SDK awaits the URN
  of each ``depends_on`` resource, sdk/python/lib/pulumi/runtime/resource.py
  ``_resolve_depends_on_urns``), and a registration returns only once its step (create, update or
  replace) has completed (pkg/resource/deploy/source_eval.go, ``RegisterResource`` blocks on the
  step's done channel). So path i+1's drains run after path i's gates, its containers after its drains.
- a container replaced delete first is deleted when it is registered, that is after its path's drains
  ran (pulumi-docker asks for delete-before-replace; step_generator.go emits the delete and the
  create of the replacement together).
- nothing else is replaced with it: calculateDependentReplacements (step_generator.go) replaces a
  dependent of a resource replaced delete first only where the dependent's own provider, asked with
  the inputs made of that resource's outputs unknown, says it must be replaced. A gate takes the
  containers' ids into its text, which pulumi-command updates in place (only ``triggers`` replace),
  and the next path's drains and containers wait for the gates through ``depends_on`` alone, which
  makes no input unknown.
- a drain or a gate runs only when its text changes. A drain's text holds the restart keys of its
  path's instances, so it runs exactly when one of them is about to restart; a gate's holds the same
  keys and the containers' ids, so it runs after every drain and every replacement of its path.

Neither has a ``create``: pulumi-command returns from Create without connecting when create is unset
(provider/pkg/provider/remote/commandController.go), and runs ``update`` on every update. The first
``up``, which creates everything, therefore runs no drain and no gate; what the chain costs it is that
the containers of path i+1 are created after those of path i (N - 1 container creations in a row
where they were side by side; the instances join in the background meanwhile). Adding a path or a
router creates drains and gates that run nothing either. Destroying deletes the containers one path
at a time, in the reverse order, and drains and gates have nothing to undo.

VyOS routers have no drain: their route owner is VyOS, and while another person rewrites its
scripts, BFD (on by default) takes a restarting instance's next hop out of a VyOS peer's route
within ``intervalMs x multiplier``. A lab with no Linux router rolls nothing: its containers are
created and replaced side by side, as before.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, assert_never, get_args

import pulumi
from pulumi_command import remote

from components.infra.connection import RouterConnection
from components.infra.docker_runtime import ZeroTierHost, ZeroTierInstance, docker_host, docker_instance, instance_args, restart_key
from components.infra.zerotier_path import ZeroTierPath
from components.model.flavors import RouterFlavor, runtime
from components.model.naming import drain_resource, gate_resource, path_restart_resource
from components.model.plan import LabPlan, RouterPlan
from components.render.command_notes import instances_line, keys_lines
from components.render.linux.commands import remote_command
from components.render.linux.rolling import render_drain, render_gate

# Per flavor whose route owner can take a path out: the drain's and the gate's script, from the plan,
# the router, the path and (for the drain) the path's instance keys by router.
DrainScript = Callable[[LabPlan, str, int, Mapping[str, str]], str]
GateScript = Callable[[LabPlan, str, int], str]


def _drain_scripts(flavor: RouterFlavor) -> tuple[DrainScript, GateScript] | None:
    # One case per value of RouterFlavor, ending in assert_never: a flavor added to the Literal fails
    # the type check (mypy --strict) until it says whether, and how, its routes leave a path out.
    match flavor:
        case "linux":
            return render_drain, render_gate
        case "vyos":
            # BFD takes a restarting instance's next hop out of a VyOS route (see above).
            return None
        case _:
            assert_never(flavor)


DRAINS: Mapping[RouterFlavor, tuple[DrainScript, GateScript]] = MappingProxyType(
    {flavor: scripts for flavor in get_args(RouterFlavor) if (scripts := _drain_scripts(flavor)) is not None}
)


@dataclass(frozen=True)
class RolledInstances:
    """Every router's instances on a Docker engine by path, and what must run after the last path's."""

    instances: Mapping[str, Mapping[int, ZeroTierInstance]]
    # The last path's gates: the routers' route commands run after them, once every path is back.
    last_gates: Sequence[pulumi.Resource]
    # Per router and path: what restarts its instance (components/render/restarts.py).
    keys: Mapping[str, Mapping[int, pulumi.Output[str]]]


class PathRestart(pulumi.ComponentResource):
    """How one path's instances restart: out of the routes first, back once they have rejoined.

    Made in two steps, around the path's containers: the drains when constructed, the gates by
    ``gate_after``."""

    drains: list[remote.Command]
    gates: list[remote.Command]

    def __init__(
        self,
        plan: LabPlan,
        path_index: int,
        routers: Sequence[tuple[RouterPlan, RouterConnection]],
        keys: Mapping[str, pulumi.Output[str]],
        after: Sequence[pulumi.Resource],
        *,
        drains: Mapping[RouterFlavor, tuple[DrainScript, GateScript]] = DRAINS,
    ) -> None:
        super().__init__("zt-ecmp:index:PathRestart", path_restart_resource(path_index), None, None)
        self._plan, self._index, self._routers, self._scripts = plan, path_index, routers, drains
        self._keys = pulumi.Output.all(**keys) if keys else pulumi.Output.from_input({})
        self.drains = [
            self._command(
                drain_resource(router.name, path_index),
                connection,
                self._keys.apply(functools.partial(self._drain_text, router, connection)),
                after,
            )
            for router, connection in routers
        ]
        self.gates = []

    def _drain_text(self, router: RouterPlan, connection: RouterConnection, keys: Mapping[str, str]) -> str:
        return remote_command(self._scripts[router.flavor][0](self._plan, router.name, self._index, dict(keys)), connection.ssh.user)

    def _gate_text(self, router: RouterPlan, connection: RouterConnection, known: list[Any]) -> str:
        keys, ids = known
        script = remote_command(self._scripts[router.flavor][1](self._plan, router.name, self._index), connection.ssh.user)
        return instances_line({self._index: " ".join(map(str, ids))}) + keys_lines(keys) + script

    def _command(
        self, name: str, connection: RouterConnection, update: pulumi.Input[str], after: Sequence[pulumi.Resource]
    ) -> remote.Command:
        return remote.Command(
            name,
            connection=connection.connection_args(),
            # No create: nothing runs when the command is made (a new lab, path or router); only an
            # update, when the text changes, runs it.
            update=update,
            triggers=connection.triggers,
            add_previous_output_in_env=False,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after), delete_before_replace=True),
        )

    def gate_after(self, instances: Sequence[ZeroTierInstance]) -> list[remote.Command]:
        """Each router's gate, after the path's containers: its text names them, and the keys its drain had."""
        ids = pulumi.Output.all(*(instance.container.id for instance in instances))
        text = pulumi.Output.all(self._keys, ids)
        self.gates = [
            self._command(
                gate_resource(router.name, self._index),
                connection,
                text.apply(functools.partial(self._gate_text, router, connection)),
                list(instances),
            )
            for router, connection in self._routers
        ]
        self.register_outputs({})
        return self.gates


def rolled_instances(
    plan: LabPlan,
    paths: Mapping[int, ZeroTierPath],
    connections: Mapping[str, RouterConnection],
    drains: Mapping[RouterFlavor, tuple[DrainScript, GateScript]] = DRAINS,
) -> RolledInstances:
    """Every router's instances on a Docker engine, path after path, with each path's drains and gates
    on the routers whose flavor ``drains`` names (none where no router's is, or no router runs Docker:
    the containers are then made and replaced side by side)."""
    # The routers whose instances are resources of their own: containers on their Docker engines.
    docker = [router for router in plan.routers if runtime(router.runtime).runs_own_instances]
    hosts: dict[str, ZeroTierHost] = {router.name: docker_host(plan, router) for router in docker}
    draining = [(router, connections[router.name]) for router in plan.routers if router.flavor in drains] if docker else []
    instances: dict[str, dict[int, ZeroTierInstance]] = {router.name: {} for router in docker}
    keys: dict[str, dict[int, pulumi.Output[str]]] = {router.name: {} for router in docker}
    after: Sequence[pulumi.Resource] = []
    for path in plan.paths:
        args = {router.name: instance_args(plan, router, hosts[router.name], paths[path.index], path.index) for router in docker}
        # What would restart each instance, known before its container is registered: its drains' text.
        path_keys = {router.name: restart_key(plan, router, path.index, args[router.name]) for router in docker}
        restart = PathRestart(plan, path.index, draining, path_keys, after, drains=drains) if draining else None
        for router in docker:
            drained: Sequence[pulumi.Resource] = restart.drains if restart is not None else ()
            ordered = dataclasses.replace(args[router.name], depends_on=[*args[router.name].depends_on, *drained])
            instances[router.name][path.index] = docker_instance(plan, router, path.index, ordered)
            keys[router.name][path.index] = path_keys[router.name]
        if restart is not None:
            after = restart.gate_after([instances[router.name][path.index] for router in docker])
    return RolledInstances(instances=instances, last_gates=list(after), keys=keys)
