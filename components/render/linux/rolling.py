"""One path at a time: what a Linux router runs around the restart of a path's instances.

A change that restarts instances (a new image tag, a router removed from the middle of the list,
anything else that replaces their containers) used to restart every instance of every router at once,
and every flow between the floating IPs stopped until they had all rejoined. With the routes owned by
the routers, each path can instead leave every router's routes before its instances restart and come
back once they have rejoined, one path after the other, so that the other K-1 paths carry every flow
meanwhile. Per path, and on every Linux router (components/infra/rolling.py orders them):

- the drain (drain.sh) runs before the path's containers are replaced. Its text holds the key of each
  of the path's instances (components/render/restarts.py, ``instance_key``), so Pulumi runs it exactly
  when one of them changes; it compares them with the keys it recorded and, where an instance that was
  there restarts, takes the path out of the router's routes and marks it drained
  (``$state_dir/drained/path<i>``: until when, and whose instances restart);
- the gate (gate.sh) runs once the path's containers exist again: it waits until the restarted
  instances answer on the path, then puts it back.

The peers drain too, which is the point: a router whose own instance stays up keeps its next hop on
the path, and would send the flows it hashes there into the restarting instance's void.

Who takes a path out is the route owner. With iproute2 routes, ``keep_routes`` (route-keeping.sh)
leaves a drained path out of every nexthop group, so the drain and the gate only change the mark and
have the router's route keeper keep the routes once (keeper.sh ``once``, written by the last apply,
so the routes stay as the router has them); the keeper, the apply and the boot script honour the
mark too. Neither script holds a route of its own, so their text changes only with the path's
instances and neighbours, never with K or the routes. A drain is a lease
(DRAIN_LEASE_SECONDS): a roll that never gets to its gate keeps the path out for that long at most.
With FRR, OSPF takes the path out: the drain raises the OSPF cost of the path's interface to the
most OSPF allows (``ip ospf cost 65535``; RFC 2328 C.3 makes the interface output cost a 16-bit
value) in FRR's running configuration, so that every router's shortest paths avoid it while it is
still usable as a last resort, and the gate takes the cost back off. frr.conf never holds the cost,
so the next apply's reload (frr-reload.py brings the daemons to the file) also lifts a drain that
was never put back.

The keys are recorded by each apply (record-instances.sh), so that a drain knows which instances ran
before this update: a router added, a new path or the last router removed drains nothing.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from components.model.plan import LabPlan, RouterPlan
from components.render.linux import PROGRAMS
from components.render.linux.frr import DEFAULT_FRR_PATHS, FrrHostPaths, ospf_cost_command
from components.render.linux.routing import DEFAULT_HOST_PATHS, LinuxHostPaths
from components.render.linux.transaction import lock_functions
from components.render.restarts import DRAIN_LEASE_SECONDS, DRAIN_SETTLE_SECONDS, GATE_WAIT_SECONDS

# The keys of one path's instances on Docker engines, by router: what its drain compares.
PathInstances = Mapping[str, str]


def _linux(plan: LabPlan, router: str) -> RouterPlan:
    found = plan.router(router)
    if found.flavor != "linux":
        raise ValueError(f"router {router!r} has flavor {found.flavor!r}; drains and gates are for routers with flavor 'linux'")
    return found


def _instance_lines(plan: LabPlan, instances: PathInstances) -> list[str]:
    """``<router> <key>`` per instance, in router order."""
    unknown = sorted(set(instances) - set(plan.router_names))
    if unknown:
        raise ValueError(f"instances of routers the plan does not have: {', '.join(unknown)}")
    return [f"{name} {instances[name]}" for name in plan.router_names if name in instances]


def _route_owner_step(plan: LabPlan, router: RouterPlan, path_index: int, frr_paths: FrrHostPaths, *, drained: bool) -> list[str]:
    """The function ``leave_out`` (drained) or ``put_back``, each under the router's lock. iproute2
    routes follow the drain marks: the router's route keeper keeps them once (keeper.sh ``once``),
    with the routes as this router has them. FRR's follow the OSPF cost of the path's interface."""
    name, what = ("leave_out", "drain") if drained else ("put_back", "gate")
    run = f"{what} of path {path_index} of zt-ecmp stack {plan.stack} on {router.name}"
    if router.route_owner != "frr":
        return PROGRAMS.lines("keeper-step.sh", NAME=name, ROUTER=router.name, RUN=run)
    return PROGRAMS.lines(
        "ospf-cost-step.sh",
        LOCK_FUNCTIONS=lock_functions(),
        NAME=name,
        RUN=run,
        COST_COMMAND=ospf_cost_command(plan, router.name, path_index, frr_paths, drained=drained),
    )


def render_drain(
    plan: LabPlan,
    router: str,
    path_index: int,
    instances: PathInstances,
    *,
    paths: LinuxHostPaths = DEFAULT_HOST_PATHS,
    frr_paths: FrrHostPaths = DEFAULT_FRR_PATHS,
    lease_seconds: int = DRAIN_LEASE_SECONDS,
) -> str:
    """Path ``path_index`` leaves ``router``'s routes if one of its running ``instances`` is about to restart."""
    own = _linux(plan, router)
    return PROGRAMS.text(
        "drain.sh",
        ROUTER=own.name,
        PATH=str(path_index),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        LEAVE_OUT=_route_owner_step(plan, own, path_index, frr_paths, drained=True),
        INSTANCES=_instance_lines(plan, instances),
        LEASE_SECONDS=str(lease_seconds),
        SETTLE_SECONDS=str(DRAIN_SETTLE_SECONDS),
    )


def render_gate(
    plan: LabPlan,
    router: str,
    path_index: int,
    *,
    paths: LinuxHostPaths = DEFAULT_HOST_PATHS,
    frr_paths: FrrHostPaths = DEFAULT_FRR_PATHS,
    wait_seconds: int = GATE_WAIT_SECONDS,
) -> str:
    """Path ``path_index`` back into ``router``'s routes once the instances its drain named have rejoined it."""
    own = _linux(plan, router)
    path = plan.path(path_index)
    end = path.end(own.name)
    return PROGRAMS.text(
        "gate.sh",
        ROUTER=own.name,
        PATH=str(path_index),
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        PUT_BACK=_route_owner_step(plan, own, path_index, frr_paths, drained=False),
        INTERFACE=end.interface,
        ADDRESS=str(end.address),
        NEIGHBOURS=[f"{neighbour.router} {neighbour.address.ip}" for neighbour in plan.neighbours(path, own.name)],
        WAIT_SECONDS=str(wait_seconds),
    )


def render_instance_record(
    plan: LabPlan, router: str, instances: Mapping[int, PathInstances], paths: LinuxHostPaths = DEFAULT_HOST_PATHS
) -> str:
    """What ``router``'s drains compare with: every path's instance keys as the apply leaves them."""
    _linux(plan, router)  # refuses a router of another flavor
    records = PROGRAMS.each(
        "record-path.sh", ({"PATH_INDEX": str(index), "INSTANCES": _instance_lines(plan, instances[index])} for index in sorted(instances))
    )
    return PROGRAMS.text(
        "record-instances.sh",
        STATE_DIR_WORD=shlex.quote(paths.state_dir(plan)),
        RECORDS=records,
        KEPT="|".join(f"path{index}" for index in sorted(instances)) or "''",
    )
