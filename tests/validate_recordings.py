"""What a healthy VyOS router r1 of the gk41 lab answers to the validation commands, written out by hand.

Runtime ``vyos`` (VyOS's own containers, podman underneath), K = 4 of N = 4, network ids made up.
Tests copy ``healthy_r1()`` and break one answer at a time.
"""

from __future__ import annotations

import ipaddress
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.ops.shell import DEFAULT_TIMEOUT_SECONDS, CommandOutput

SHOW_CONTAINER = """\
CONTAINER ID  IMAGE                               COMMAND           CREATED       STATUS       PORTS       NAMES
5e1c9a0b7d2f  docker.io/zerotier/zerotier:1.14.2  a09acf0233c1d9e2  26 hours ago  Up 26 hours              zt-ecmp-gk41-path1
9b0f33c2a417  docker.io/zerotier/zerotier:1.14.2  a09acf0233e6b1c4  26 hours ago  Up 26 hours              zt-ecmp-gk41-path2
c4d2e8817a90  docker.io/zerotier/zerotier:1.14.2  a09acf023376c8a1  26 hours ago  Up 26 hours              zt-ecmp-gk41-path3
0d7a51e6bb38  docker.io/zerotier/zerotier:1.14.2  a09acf02335d04f7  26 hours ago  Up 26 hours              zt-ecmp-gk41-path4
"""

# podman sizes each column to its widest value, so a longer status widens the STATUS column.
SHOW_CONTAINER_ONE_EXITED = """\
CONTAINER ID  IMAGE                               COMMAND           CREATED       STATUS                    PORTS       NAMES
5e1c9a0b7d2f  docker.io/zerotier/zerotier:1.14.2  a09acf0233c1d9e2  26 hours ago  Up 26 hours                           zt-ecmp-gk41-path1
9b0f33c2a417  docker.io/zerotier/zerotier:1.14.2  a09acf0233e6b1c4  26 hours ago  Up 26 hours                           zt-ecmp-gk41-path2
c4d2e8817a90  docker.io/zerotier/zerotier:1.14.2  a09acf023376c8a1  26 hours ago  Exited (1) 2 minutes ago              zt-ecmp-gk41-path3
0d7a51e6bb38  docker.io/zerotier/zerotier:1.14.2  a09acf02335d04f7  26 hours ago  Up 26 hours                           zt-ecmp-gk41-path4
"""

NETWORK_IDS = {1: "a09acf0233c1d9e2", 2: "a09acf0233e6b1c4", 3: "a09acf023376c8a1", 4: "a09acf02335d04f7"}
NODE_IDS = {1: "3a5c0e21f4", 2: "8e04b7d912", 3: "51f2c0aa6e", 4: "c70d93b4e8"}


def zerotier_info(path: int, *, online: bool = True) -> str:
    port = 9993 + path
    document = {
        "address": NODE_IDS[path],
        "clock": 1764251406123,
        "config": {
            "settings": {
                "allowTcpFallbackRelay": False,
                "forceTcpRelay": False,
                "homeDir": "/var/lib/zerotier-one",
                "listeningOn": [f"192.0.2.41/{port}"],
                "portMappingEnabled": False,
                "primaryPort": port,
                "softwareUpdate": "disable",
                "softwareUpdateChannel": "release",
                "surfaceAddresses": [f"192.0.2.41/{port}"],
                "tertiaryPort": 0,
            }
        },
        "online": online,
        "planetWorldId": 149604618,
        "planetWorldTimestamp": 1738848951118,
        "publicIdentity": f"{NODE_IDS[path]}:0:{'7e' * 64}",
        "tcpFallbackActive": False,
        "version": "1.14.2",
        "versionBuild": 0,
        "versionMajor": 1,
        "versionMinor": 14,
        "versionRev": 2,
    }
    return json.dumps(document, indent=1) + "\n"


def zerotier_network(path: int, **changes: Any) -> dict[str, Any]:
    subnet_base = 4 * (path - 1)
    network = {
        "allowDNS": False,
        "allowDefault": False,
        "allowGlobal": False,
        "allowManaged": True,
        "assignedAddresses": [f"10.14.0.{subnet_base + 1}/30"],
        "bridge": False,
        "broadcastEnabled": True,
        "dhcp": False,
        "dns": {"domain": "", "servers": []},
        "id": NETWORK_IDS[path],
        "mac": f"f6:1e:9b:7a:33:0{path}",
        "mtu": 2800,
        "multicastSubscriptions": [{"adi": 0, "mac": "ff:ff:ff:ff:ff:ff"}],
        "name": f"zt-ecmp-gk41-path{path}",
        "netconfRevision": 12,
        "nwid": NETWORK_IDS[path],
        "portDeviceName": f"ztecmp{path}",
        "portError": 0,
        "routes": [{"flags": 0, "metric": 0, "target": f"10.14.0.{subnet_base}/30", "via": None}],
        "status": "OK",
        "type": "PRIVATE",
    }
    network.update(changes)
    return network


def listnetworks(*networks: dict[str, Any]) -> str:
    return json.dumps(list(networks), indent=1) + "\n"


def route(*hops: tuple[str, str], flags: tuple[str, ...] = ()) -> str:
    """``ip -d -j route show 10.0.55.2/32`` for a static multipath route installed by VyOS's FRR."""
    nexthops = [{"gateway": gateway, "dev": dev, "weight": 1, "flags": list(flags)} for gateway, dev in hops]
    document = {"type": "unicast", "dst": "10.0.55.2", "nhid": 52, "protocol": "static", "scope": "global", "metric": 20, "flags": []}
    return json.dumps([{**document, "nexthops": nexthops}]) + "\n"


def link(index: int, name: str, flags: list[str], operstate: str, mtu: int, **extra: Any) -> dict[str, Any]:
    return {
        "ifindex": index,
        "ifname": name,
        "flags": flags,
        "mtu": mtu,
        "qdisc": "fq_codel",
        "operstate": operstate,
        "linkmode": "DEFAULT",
        "group": "default",
        "txqlen": 1000,
        **extra,
    }


def links(**changes: dict[str, Any]) -> str:
    """``ip -j link show`` on r1: underlay, dummy with the floating IP, and the ZeroTier taps (state UNKNOWN)."""
    up = ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
    listed = [
        link(1, "lo", ["LOOPBACK", "UP", "LOWER_UP"], "UNKNOWN", 65536, link_type="loopback"),
        link(2, "eth0", up, "UP", 1500, link_type="ether", address="a8:b8:e0:04:12:30"),
        link(4, "eth2", up, "UP", 1500, link_type="ether", address="00:e0:4c:68:01:a2"),
        link(5, "dum0", ["BROADCAST", "NOARP", "UP", "LOWER_UP"], "UNKNOWN", 1500, link_type="ether"),
        *(
            link(10 + path, f"ztecmp{path}", up, "UNKNOWN", 2800, link_type="ether", address=f"f6:1e:9b:7a:33:0{path}")
            for path in range(1, 5)
        ),
    ]
    for entry in listed:
        entry.update(changes.get(str(entry["ifname"]), {}))
    return json.dumps(listed) + "\n"


ALL_HOPS = (("10.14.0.2", "ztecmp1"), ("10.14.0.6", "ztecmp2"), ("10.14.0.10", "ztecmp3"), ("10.14.0.14", "ztecmp4"))


def ping_ok(address: str) -> CommandOutput:
    return CommandOutput(
        0,
        f"PING {address} ({address}) 56(84) bytes of data.\n\n--- {address} ping statistics ---\n"
        "2 packets transmitted, 2 received, 0% packet loss, time 201ms\nrtt min/avg/max/mdev = 0.412/0.448/0.485/0.036 ms\n",
    )


def ping_lost(address: str) -> CommandOutput:
    return CommandOutput(
        1,
        f"PING {address} ({address}) 56(84) bytes of data.\n\n--- {address} ping statistics ---\n"
        "2 packets transmitted, 0 received, 100% packet loss, time 1023ms\n",
    )


def cli(path: int, command: str) -> str:
    return f"sudo podman exec zt-ecmp-gk41-path{path} zerotier-cli -p{9993 + path} -D/var/lib/zerotier-one -j {command}"


def process_cpus_command(path: int, engine: str = "sudo podman") -> str:
    grep = "grep -H -e '^Name:' -e '^Cpus_allowed_list:' /proc/[0-9]*/status 2>/dev/null"
    return shlex.join([*engine.split(), "exec", f"zt-ecmp-gk41-path{path}", "sh", "-c", grep])


def process_cpus(allowed: str) -> str:
    """``grep -H`` over /proc/*/status in an instance's container: the entrypoint's shell, sleep and zerotier-one."""
    return (
        "/proc/1/status:Name:\tentrypoint.sh\n"
        f"/proc/1/status:Cpus_allowed_list:\t{allowed}\n"
        "/proc/17/status:Name:\tzerotier-one\n"
        f"/proc/17/status:Cpus_allowed_list:\t{allowed}\n"
        "/proc/18/status:Name:\tsleep\n"
        f"/proc/18/status:Cpus_allowed_list:\t{allowed}\n"
    )


def ping(address: str, source: str | None = None) -> str:
    return f"ping -n -q -c 2 -i 0.2 -W 1 {f'-I {source} ' if source else ''}{address}"


def bfd_peers(*peers: tuple[str, str, str]) -> str:
    """``show bfd peers json`` as FRR prints it: (peer, interface, status) per session."""
    sessions = []
    for number, (peer, interface, status) in enumerate(peers, start=1):
        local = str(ipaddress.IPv4Address(peer) - 1)
        sessions.append(
            {
                "multihop": False,
                "peer": peer,
                "local": local,
                "vrf": "default",
                "interface": interface,
                "id": 172809470 + number,
                "remote-id": 172809480 + number if status == "up" else 0,
                "passive-mode": False,
                "status": status,
                "uptime": 4620 if status == "up" else 0,
                "diagnostic": "ok" if status == "up" else "control detection time expired",
                "remote-diagnostic": "ok",
                "receive-interval": 300,
                "transmit-interval": 300,
                "echo-receive-interval": 50,
                "echo-transmit-interval": 0,
                "detect-multiplier": 3,
            }
        )
    return json.dumps(sessions, indent=2)


ALL_BFD_UP = tuple(
    (gateway, interface, "up")
    for gateway, interface in (("10.14.0.2", "ztecmp1"), ("10.14.0.6", "ztecmp2"), ("10.14.0.10", "ztecmp3"), ("10.14.0.14", "ztecmp4"))
)

ETHTOOL_ETH2 = """\
Settings for eth2:
\tSupported ports: [ TP MII ]
\tSupported link modes:   10baseT/Half 10baseT/Full
\t                        100baseT/Half 100baseT/Full
\t                        1000baseT/Full
\t                        2500baseT/Full
\tSupports auto-negotiation: Yes
\tAdvertised auto-negotiation: Yes
\tSpeed: 2500Mb/s
\tDuplex: Full
\tAuto-negotiation: on
\tPort: MII
\tPHYAD: 32
\tTransceiver: internal
\tLink detected: yes
"""

IP_LINK_ETH2 = """\
[{"ifindex":3,"ifname":"eth2","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,"qdisc":"fq_codel",\
"operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether",\
"address":"00:e0:4c:68:01:23","broadcast":"ff:ff:ff:ff:ff:ff"}]
"""


def healthy_r1() -> dict[str, CommandOutput]:
    answers = {"/opt/vyatta/bin/vyatta-op-cmd-wrapper show container": CommandOutput(0, SHOW_CONTAINER)}
    for path in range(1, 5):
        answers[cli(path, "info")] = CommandOutput(0, zerotier_info(path))
        answers[cli(path, "listnetworks")] = CommandOutput(0, listnetworks(zerotier_network(path)))
    for path in range(1, 5):
        # gk41 pins path i to CPU i - 1.
        answers[process_cpus_command(path)] = CommandOutput(0, process_cpus(str(path - 1)))
    answers["ip -j link show"] = CommandOutput(0, links())
    answers["ip -d -j route show 10.0.55.2/32"] = CommandOutput(0, route(*ALL_HOPS))
    answers["sysctl -n net.ipv4.fib_multipath_hash_policy"] = CommandOutput(0, "1\n")
    for gateway, _ in ALL_HOPS:
        answers[ping(gateway)] = ping_ok(gateway)
    answers[ping("10.0.55.2", "10.0.55.1")] = ping_ok("10.0.55.2")
    answers["vtysh -c 'show bfd peers json'"] = CommandOutput(0, bfd_peers(*ALL_BFD_UP))
    answers["ethtool eth2"] = CommandOutput(0, ETHTOOL_ETH2)
    answers["ip -j link show dev eth2"] = CommandOutput(0, IP_LINK_ETH2)
    return answers


DOCKER_INSPECT_RUNNING = """\
[
    {
        "Id": "5e1c9a0b7d2f4d1c8f0a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70",
        "Created": "2025-11-26T11:02:41.118293517Z",
        "Path": "/entrypoint.sh",
        "Args": ["a09acf0233c1d9e2"],
        "State": {
            "Status": "running",
            "Running": true,
            "Paused": false,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": 2417,
            "ExitCode": 0,
            "Error": "",
            "StartedAt": "2025-11-26T11:02:42.50914431Z",
            "FinishedAt": "0001-01-01T00:00:00Z"
        },
        "Name": "/zt-ecmp-gk41-path1",
        "RestartCount": 0,
        "HostConfig": {"NetworkMode": "host", "CpusetCpus": "0", "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}}
    }
]
"""

DOCKER_INSPECT_EXITED = (
    DOCKER_INSPECT_RUNNING.replace('"Status": "running"', '"Status": "exited"')
    .replace('"Running": true', '"Running": false')
    .replace('"ExitCode": 0', '"ExitCode": 1')
)


@dataclass
class RecordedShell:
    """A router that answers from recorded outputs, and refuses any command nobody recorded."""

    router: str
    answers: Mapping[str, CommandOutput]
    zerotier_absent: str | None = None
    underlay_absent: str | None = None
    asked: list[str] = field(default_factory=list)

    def run(self, command: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> CommandOutput:
        self.asked.append(command)
        if command not in self.answers:
            raise AssertionError(f"{self.router}: no recorded answer for {command!r}")
        return self.answers[command]

    def start(self, command: str) -> Any:
        raise AssertionError(f"{self.router}: nothing runs in the background in a recording ({command!r})")
