"""Stack outputs: what `pulumi stack output` tells an operator about the lab."""

from __future__ import annotations

from components.model.settings import parse_lab_config
from tests.support.offline_runs import changed_run, committed_run
from tests.support.stacks import lab_config


def test_each_path_reports_network_id_addresses_ports_interfaces_and_active_flag() -> None:
    outputs = committed_run("gk41").outputs
    path = outputs["paths"][1]
    assert path == {
        "index": 2,
        "subnet": "10.14.0.4/30",
        "active": True,
        "networkName": "zt-ecmp-gk41-path2",
        "ends": {
            "r1": {"address": "10.14.0.5", "port": 9995, "interface": "ztecmp2", "cpus": [1]},
            "r2": {"address": "10.14.0.6", "port": 9995, "interface": "ztecmp2", "cpus": [1]},
        },
    }
    assert len(outputs["networkIds"]["path2"]) == 16


def test_each_router_reports_floating_ip_and_its_routes_next_hops() -> None:
    r1 = changed_run("gk41", paths={"count": 4, "active": 2}).outputs["routers"][0]
    assert (r1["name"], r1["floatingIp"]) == ("r1", "10.0.55.1/32")
    [route] = r1["routes"]
    assert (route["destination"], route["peer"]) == ("10.0.55.2/32", "r2")
    assert [(hop["address"], hop["active"]) for hop in route["nextHops"]] == [
        ("10.14.0.2", True),
        ("10.14.0.6", True),
        ("10.14.0.10", False),
        ("10.14.0.14", False),
    ]


def test_iperf3_commands_reproduce_the_reference_test() -> None:
    assert committed_run("ms01").outputs["iperf3"] == {
        "server": "r2: iperf3 -s -B 10.0.55.2",
        "client": "r1: iperf3 -c 10.0.55.2 -B 10.0.55.1 -P 16 -t 10",
    }


def test_scaling_mode_and_capacity_estimate_are_reported() -> None:
    outputs = committed_run("ms01").outputs
    assert outputs["scalingMode"]["mode"] == "multi-instance"
    assert outputs["capacity"] == {
        "estimatedGbps": 23.5,
        "limitedBy": "link",
        "linkGbps": 25.0,
        "linkGoodputGbps": 23.5,
        "instanceGbps": 4.49,
        "activePaths": 8,
        "allPairsBusy": {"routerGbps": 17.96, "pairGbps": 17.96},
    }


def test_the_outputs_carry_the_validated_settings_the_lab_tools_rebuild_the_plan_from() -> None:
    settings = changed_run("gk41", paths={"count": 4, "active": 2}).outputs["settings"]
    assert settings["paths"] == {"count": 4, "active": 2}
    assert settings["routers"][0]["ssh"] == {
        "host": "192.0.2.41",
        "port": 22,
        "user": "vyos",
        "auth": "key",
        "privateKeyConfig": "sshPrivateKey",
        "hostKey": settings["routers"][0]["ssh"]["hostKey"],
    }
    assert parse_lab_config(settings) == lab_config("gk41", paths={"count": 4, "active": 2})
