"""What restarts a ZeroTier instance on a Docker engine, said in one line per instance.

pulumi-docker replaces a container, delete first, whenever one of its inputs other than the few its
provider updates in place changes (kreuzwerker/terraform-provider-docker, internal/provider/
resource_docker_container.go: every attribute but restart, max_retry_count, cpu_shares, memory,
memory_swap and cpu_set is ForceNew; pulumi-docker's provider/resources.go asks for
delete-before-replace). For an instance of this lab those are its image, the network it joins (its
command), its home files (uploads: local.conf, devicemap, its identity), its labels (port and
interface) and the engine it runs on. ``instance_key`` names each of them, so that a path's drain
(components/render/linux/rolling.py), whose text holds the keys of the path's instances, runs exactly
when one of them is about to restart, and a preview of that drain says which and why.
"""

from __future__ import annotations

import hashlib

# How long a drained path stays out of the routes at most: its gate puts it back as soon as the
# restarted instances have rejoined (GATE_WAIT_SECONDS at most after they started), and a roll that
# never gets to its gate (an interrupted `pulumi up`) does not keep the path out for longer than this.
DRAIN_LEASE_SECONDS = 600
# How long a drain waits, once the path is out of the routes, before it lets the instances go: what was
# already on its way over the path (queued on the interface, in the instance, on the underlay) arrives
# instead of being lost with the instance.
DRAIN_SETTLE_SECONDS = 1
# How long a gate waits for a path's restarted instances to answer on it before it puts the path back
# anyway and fails: a restarted instance answers within seconds (its identity is unchanged, and
# local.conf tells it where its peers are), so this is the mark of an instance that does not come back.
GATE_WAIT_SECONDS = 120


def local_conf_digest(local_conf: str) -> str:
    """The first 12 hex digits of local.conf's SHA-256: a change of the file shows, the file does not."""
    return hashlib.sha256(local_conf.encode()).hexdigest()[:12]


def instance_key(*, image: str, network_id: str, interface: str, local_conf: str, node_id: str | None, host: str) -> str:
    """One instance's restart key: every input whose change replaces its container, readable.

    ``node_id``: the identity the lab made for it, or None where it makes its own (networks of your own).
    """
    return (
        f"image={image} network={network_id} interface={interface} local.conf={local_conf_digest(local_conf)} "
        f"identity={node_id or 'own'} host={host}"
    )
