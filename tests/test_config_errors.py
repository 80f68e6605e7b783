"""Bad stack settings: every one is refused before anything is built, naming the setting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.config import ConfigError, parse_lab_config
from components.offline import load_stack_file, run_offline
from components.stack_settings import parse_stack_settings
from tests.lab_settings import stack_settings

Settings = dict[str, Any]


def _paths(count: int, active: int | None = None) -> Callable[[Settings], None]:
    return lambda s: s.update(paths={"count": count} if active is None else {"count": count, "active": active})


def _zerotier(**values: Any) -> Callable[[Settings], None]:
    return lambda s: s.update(zerotier=values)


def _router(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position].update(values)


def _ssh(position: int, **values: Any) -> Callable[[Settings], None]:
    return lambda s: s["routers"][position]["ssh"].update(values)


# (what is wrong, change to the gk41 stack, the setting the message must name, words it must contain)
BAD_SETTINGS: list[tuple[str, Callable[[Settings], None], str, str]] = [
    ("no paths", _paths(0), "paths.count", "greater than or equal to 1"),
    ("more than 64 paths", _paths(65), "paths.count", "less than or equal to 64"),
    ("K above N", _paths(4, 5), "paths.active", "choose 1..4"),
    ("K of zero", _paths(4, 0), "paths.active", "greater than or equal to 1"),
    ("supernet too small", lambda s: s.update(addressing={"transitSupernet": "10.14.0.0/29"}), "addressing.transitSupernet", "/28"),
    (
        "supernet smaller than a /30",
        lambda s: s.update(addressing={"transitSupernet": "10.14.0.0/31"}),
        "addressing.transitSupernet",
        "/30",
    ),
    ("floating IP inside the supernet", _router(0, floatingIp="10.14.0.200/32"), "routers[0].floatingIp", "inside"),
    ("floating IPs equal", _router(1, floatingIp="10.0.55.1/32"), "routers[1].floatingIp", "own floating IP"),
    ("floating IP not a /32", _router(0, floatingIp="10.0.55.1/24"), "routers[0].floatingIp", "not a /32"),
    ("port past 65535", _zerotier(basePort=65533), "zerotier.basePort", "outside 1..65535"),
    ("ports colliding", _zerotier(ports=[9994, 9994, 9996, 9997]), "zerotier.ports", "port 9994 is used by more than one path"),
    ("a port list of the wrong length", _zerotier(ports=[9994, 9995]), "zerotier.ports", "exactly one per path"),
    ("duplicate router names", _router(1, name="r1"), "routers[1].name", "must differ"),
    ("duplicate router hosts", _ssh(1, host="192.0.2.41"), "routers[1].ssh.host", "own host"),
    ("pinning list shorter than N", _router(0, cpus=[0, 1]), "routers[0].cpus", "2 CPUs listed but 4 are needed"),
    ("pinning a CPU the box lacks", _router(0, cpus=[0, 1, 2, 7]), "routers[0].cpus", "CPU 7 does not exist"),
    ("a CPU pinned twice", _router(0, cpus=[0, 1, 1, 2]), "routers[0].cpus", "listed twice"),
    (
        "interface not starting with zt",
        _zerotier(interfaces=["eth10", "zt2", "zt3", "zt4"]),
        "zerotier.interfaces",
        "does not start with 'zt'",
    ),
    ("interface name too long", _zerotier(interfacePrefix="ztverylongprefix"), "zerotier.interfacePrefix", "at most 15"),
    ("interfaces colliding", _zerotier(interfaces=["zt1", "zt1", "zt3", "zt4"]), "zerotier.interfaces", "unique per router"),
    ("concurrency of 1", _zerotier(mode="hybrid", concurrency=1, cpusPerInstance=3), "zerotier.concurrency", "more than 1"),
    ("concurrency as many as CPUs", _zerotier(mode="hybrid", concurrency=3, cpusPerInstance=3), "zerotier.concurrency", "2..2"),
    ("concurrency without multithreading", _zerotier(concurrency=2), "zerotier.concurrency", "only applies"),
    ("hybrid without concurrency", _zerotier(mode="hybrid"), "zerotier.concurrency", "required"),
    ("multicore with several paths", _zerotier(mode="multicore", concurrency=2), "paths.count", "multicore runs one instance"),
    ("unknown top-level setting", lambda s: s.update(pathz={"count": 4}), "pathz", "unknown setting"),
    ("unknown nested setting", _router(0, flavour="vyos"), "routers[0].flavour", "unknown setting"),
    ("unknown link speed", lambda s: s["routers"][0]["underlay"].update(speed="3G"), "routers[0].underlay.speed", "'2.5G'"),
    ("unpinned image tag", _zerotier(image="zerotier/zerotier:latest"), "zerotier.image", "pinned"),
    ("unknown flavor", _router(0, flavor="junos"), "routers[0].flavor", "'vyos' or 'linux'"),
    ("unknown runtime", _router(0, runtime="podman"), "routers[0].runtime", "'docker' or 'vyos'"),
    ("VyOS containers on a Linux router", _router(0, flavor="linux", runtime="vyos"), "routers[0].runtime", "needs flavor 'vyos'"),
    ("malformed network id", _zerotier(networks=["abc", "def", "ghi", "jkl"]), "zerotier.networks", "16 lowercase hex"),
    ("malformed host key", _ssh(0, hostKey="not a key"), "routers[0].ssh.hostKey", "ssh-keyscan"),
    ("one router only", lambda s: s["routers"].pop(), "routers", "exactly two routers"),
]


@pytest.mark.parametrize(("change", "setting", "words"), [case[1:] for case in BAD_SETTINGS], ids=[case[0] for case in BAD_SETTINGS])
def test_bad_setting_is_refused_naming_it(change: Callable[[Settings], None], setting: str, words: str) -> None:
    settings = stack_settings("gk41")
    change(settings)
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    matching = [problem for problem in refused.value.problems if problem.startswith(f"{setting}: ")]
    assert matching, f"no problem names {setting}: {refused.value.problems}"
    assert any(words in problem for problem in matching), matching


def test_committed_stacks_are_valid() -> None:
    for stack in ("gk41", "ms01"):
        parse_lab_config(stack_settings(stack))


def test_all_problems_are_reported_together() -> None:
    settings = stack_settings("gk41")
    settings["paths"] = {"count": 4, "active": 5}
    settings["routers"][1]["name"] = "r1"
    with pytest.raises(ConfigError) as refused:
        parse_lab_config(settings)
    assert [problem.split(":")[0] for problem in refused.value.problems] == ["paths.active", "routers[1].name"]


def test_missing_ssh_key_secret_names_the_setting_and_how_to_set_it() -> None:
    with pytest.raises(ConfigError, match=r"sshPrivateKey: not set.*pulumi config set --secret sshPrivateKey"):
        parse_stack_settings(stack_settings("gk41"), secret_names=set())


def test_ssh_key_in_plain_text_is_refused() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----"}
    with pytest.raises(ConfigError, match="sshPrivateKey: stored in plain text"):
        parse_stack_settings(values, secret_names=set())


def test_agent_authentication_needs_no_key_secret() -> None:
    values = stack_settings("gk41")
    for router in values["routers"]:
        router["ssh"]["auth"] = "agent"
    assert parse_stack_settings(values, secret_names=set()).private_key_settings == {}


def test_unreferenced_secret_setting_is_refused() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "k", "sshPrivateKye": "k"}
    with pytest.raises(ConfigError, match="sshPrivateKye: unknown secret setting"):
        parse_stack_settings(values, secret_names={"sshPrivateKey", "sshPrivateKye"})


def test_bad_settings_register_no_resource() -> None:
    project, values, secrets = load_stack_file("gk41")
    values["zt-ecmp:paths"] = {"count": 4, "active": 9}
    values["zt-ecmp:sshPrivateKey"] = "[secret]"
    secrets.add("zt-ecmp:sshPrivateKey")
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"paths\.active"):
        run_offline(project, "gk41", values, secrets, program=program)
    assert registered == []


def test_a_central_token_in_plain_text_is_refused_before_anything_is_registered() -> None:
    # Pulumi.yaml cannot declare the provider's token secret, so the program refuses a plain one itself.
    project, values, secrets = load_stack_file("gk41")
    values["zt-ecmp:sshPrivateKey"] = "[secret]"
    secrets.add("zt-ecmp:sshPrivateKey")
    values["zerotier:zerotierCentralToken"] = "FAKE-PLAIN-TOKEN"
    registered: list[str] = []

    def program(plan: Any, settings: Any) -> dict[str, Any]:
        registered.append("program ran")
        return {}

    with pytest.raises(ConfigError, match=r"zerotier:zerotierCentralToken: stored in plain text.*--secret"):
        run_offline(project, "gk41", values, secrets, program=program)
    assert registered == []
    secrets.add("zerotier:zerotierCentralToken")
    run_offline(project, "gk41", values, secrets, program=program)
    assert registered == ["program ran"]


def test_an_agent_only_stack_may_hold_the_key_that_pulumi_yaml_requires_of_every_stack() -> None:
    values = {**stack_settings("gk41"), "sshPrivateKey": "[secret]"}
    for router in values["routers"]:
        router["ssh"]["auth"] = "agent"
    assert parse_stack_settings(values, secret_names={"sshPrivateKey"}).private_key_settings == {}
    with pytest.raises(ConfigError, match="sshPrivateKey: unknown setting"):
        parse_stack_settings(values, secret_names=set())
