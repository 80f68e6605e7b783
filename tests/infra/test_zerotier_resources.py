"""ZeroTier networks, members, identities and containers as `pulumi up` would register them."""

from __future__ import annotations

import contextvars
import json
from collections import Counter

import pulumi
import pytest
from pulumi.runtime import MockResourceArgs

from components.infra.docker_runtime import check_docker_environment, control_socket_problems
from components.model.settings import ConfigError
from components.preview.offline import LabMocks, SecretValue, revealed
from tests.support.offline_runs import (
    CONTAINER,
    DOCKER_PROVIDER,
    IDENTITY,
    IMAGE,
    MEMBER,
    NETWORK,
    changed_docker_run,
    committed_run,
    diff_runs,
    docker_run,
    upload,
)


def test_ms01_registers_one_network_per_path_and_one_instance_per_router_and_path() -> None:
    counts = Counter(resource.type for resource in docker_run("ms01").resources)
    assert (counts[NETWORK], counts[IDENTITY], counts[MEMBER], counts[CONTAINER], counts[DOCKER_PROVIDER], counts[IMAGE]) == (
        8,
        16,
        16,
        16,
        2,
        2,
    )


def test_every_resource_has_a_component_parent() -> None:
    run = docker_run("gk41")
    orphans = [resource.name for resource in run.resources if resource.custom and resource.parent_name is None]
    assert orphans == []


def test_path_network_carries_exactly_its_30() -> None:
    network = docker_run("gk41").named(NETWORK, "path2").inputs
    assert network["name"] == "zt-ecmp-gk41-path2"
    assert network["private"] is True
    assert network["assignmentPools"] == [{"start": "10.14.0.5", "end": "10.14.0.6"}]
    assert network["routes"] == [{"target": "10.14.0.4/30"}]
    assert network["assignIpv4s"] == [{"zerotier": True}]
    assert network["enableBroadcast"] is True


def test_path_network_rules_admit_ipv4_and_arp_from_its_two_members_only() -> None:
    run = docker_run("gk41")
    rules = run.named(NETWORK, "path2").inputs["flowRules"]
    assert "drop not ethertype ipv4 and not ethertype arp;" in rules
    assert f"drop not ztsrc {_node_id('path2-r1')} and not ztsrc {_node_id('path2-r2')};" in rules


def test_member_is_authorized_with_its_fixed_address_and_no_auto_assignment() -> None:
    run = docker_run("gk41")
    member = run.named(MEMBER, "path2-r2").inputs
    assert member["authorized"] is True
    assert member["ipAssignments"] == ["10.14.0.6"]
    assert member["noAutoAssignIps"] is True
    assert member["allowEthernetBridging"] is False
    assert member["name"] == "gk41-r2-path2"


def test_member_joins_its_path_network_under_its_own_identity() -> None:
    run = docker_run("gk41")
    member = run.named(MEMBER, "path3-r1").inputs
    assert member["memberId"] == _node_id("path3-r1")
    assert member["networkId"] == run.outputs["networkIds"]["path3"]


def _node_id(identity_name: str) -> str:
    """The node id the mocks give an identity (derived from its name, as the provider derives it from its key)."""
    node_id, _ = LabMocks().new_resource(MockResourceArgs(IDENTITY, identity_name, {}))
    assert node_id is not None
    return node_id


def test_container_runs_the_pinned_image_on_host_networking_with_tun() -> None:
    container = docker_run("ms01").named(CONTAINER, "r1-path7").inputs
    assert container["name"] == "zt-ecmp-ms01-path7"
    assert container["networkMode"] == "host"
    assert container["capabilities"] == {"adds": ["CAP_NET_ADMIN"], "drops": ["ALL"]}
    assert container["devices"] == [{"hostPath": "/dev/net/tun", "containerPath": "/dev/net/tun", "permissions": "rwm"}]
    assert container["restart"] == "unless-stopped"


def test_container_is_never_privileged_and_cannot_gain_privileges() -> None:
    container = docker_run("ms01").named(CONTAINER, "r2-path1").inputs
    assert container.get("privileged") in (None, False)
    assert container["securityOpts"] == ["no-new-privileges:true"]


def test_container_is_pinned_to_its_planned_cpu() -> None:
    run = docker_run("ms01")
    assert [run.named(CONTAINER, f"r2-path{index}").inputs["cpuSet"] for index in range(1, 9)] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "10",
        "12",
        "13",
    ]


def test_container_joins_its_paths_network() -> None:
    run = docker_run("gk41")
    network_id = run.outputs["networkIds"]["path4"]
    container = run.named(CONTAINER, "r2-path4")
    assert container.inputs["command"] == [network_id]
    assert upload(container, "devicemap")["content"] == f"{network_id}=ztecmp4\n"


def test_container_gets_its_local_conf() -> None:
    container = docker_run("gk41").named(CONTAINER, "r1-path3")
    settings = json.loads(upload(container, "local.conf")["content"])["settings"]
    assert settings["primaryPort"] == 9996
    assert settings["interfacePrefixBlacklist"][0] == "ztecmp"


def test_container_gets_its_identity_as_files_never_as_environment() -> None:
    run = docker_run("gk41")
    container = run.named(CONTAINER, "r1-path1")
    assert upload(container, "identity.secret")["permissions"] == "0600"
    assert upload(container, "identity.public")["content"].startswith(_node_id("path1-r1") + ":0:")
    assert "envs" not in container.inputs


def test_container_labels_name_project_stack_and_path() -> None:
    labels = docker_run("gk41").named(CONTAINER, "r2-path2").inputs["labels"]
    assert {label["label"]: label["value"] for label in labels} == {
        "zt-ecmp.project": "zt-ecmp",
        "zt-ecmp.stack": "gk41",
        "zt-ecmp.path": "2",
        "zt-ecmp.port": "9995",
        "zt-ecmp.interface": "ztecmp2",
    }


def test_docker_provider_reaches_the_router_over_ssh_without_a_daemon_check() -> None:
    provider = docker_run("gk41").named(DOCKER_PROVIDER, "r2-zerotier-docker").inputs
    assert provider["host"] == "ssh://vyos@192.0.2.42:22"
    assert provider["disableDockerDaemonCheck"] in (True, "true")


def test_image_is_pulled_once_per_router_and_kept() -> None:
    run = docker_run("ms01")
    images = run.of_type(IMAGE)
    assert sorted(image.name for image in images) == ["r1-zerotier-image", "r2-zerotier-image"]
    assert all(image.inputs["name"] == "zerotier/zerotier:1.14.2" and image.inputs["keepLocally"] for image in images)


def test_identity_secrets_are_secret_inputs() -> None:
    container = docker_run("gk41").named(CONTAINER, "r2-path1")
    assert isinstance(container.inputs["uploads"], SecretValue)


def test_no_plain_input_contains_an_identity_secret() -> None:
    run = docker_run("ms01")
    secrets = [upload(container, "identity.secret")["content"] for container in run.of_type(CONTAINER)]
    for resource in run.resources:
        visible = json.dumps({key: value for key, value in resource.inputs.items() if not isinstance(value, SecretValue)}, default=str)
        assert not any(secret in visible for secret in secrets), resource.name


def test_growing_from_4_to_6_paths_creates_paths_5_and_6_and_changes_nothing_else() -> None:
    created, deleted, changed = diff_runs(changed_docker_run("ms01", paths={"count": 4}), changed_docker_run("ms01", paths={"count": 6}))
    assert deleted == set()
    # Only the routers' commands change: their routes gain the two new next-hops.
    assert {name.split("::")[0] for name in changed} == {"command:remote:Command"}
    assert {name.split("::")[1] for name in created if not name.startswith("zt-ecmp:")} == {
        *(f"path{index}" for index in (5, 6)),
        *(f"path{index}-{router}" for index in (5, 6) for router in ("r1", "r2")),
        *(f"{router}-path{index}" for index in (5, 6) for router in ("r1", "r2")),
    }


def test_changing_k_changes_no_zerotier_or_container_resource() -> None:
    created, deleted, changed = diff_runs(docker_run("gk41"), changed_docker_run("gk41", paths={"count": 4, "active": 1}))
    assert (created, deleted) == (set(), set())
    assert not any(name.startswith(("zerotier:", "docker:")) for name in changed)


def test_changing_one_paths_port_changes_only_that_paths_containers() -> None:
    _, _, changed = diff_runs(docker_run("gk41"), changed_docker_run("gk41", zerotier={"ports": [9994, 9995, 19996, 9997]}))
    assert {name for name in changed if name.startswith("docker:")} == {f"{CONTAINER}::r1-path3", f"{CONTAINER}::r2-path3"}


def test_bring_your_own_networks_creates_no_zerotier_resource() -> None:
    networks = ["8056c2e21c000001", "8056c2e21c000002", "8056c2e21c000003", "8056c2e21c000004"]
    run = changed_docker_run("gk41", zerotier={"networks": networks})
    assert not [resource for resource in run.resources if resource.type.startswith("zerotier:")]
    container = run.named(CONTAINER, "r1-path2")
    assert container.inputs["command"] == ["8056c2e21c000002"]
    assert "identity.secret" not in json.dumps(revealed(container.inputs["uploads"]))


def test_the_stand_in_sdk_refuses_a_real_deployment_naming_pulumi_install() -> None:
    import pulumi_zerotier

    # Only the stand-in has this refusal; the SDK that `pulumi install` generates deploys for real.
    refusal = getattr(pulumi_zerotier, "GeneratedSdkRequired", None)
    if refusal is None:
        pytest.skip("the installed pulumi_zerotier is the SDK `pulumi install` generated, not the stand-in")

    def register_under_a_real_engine() -> None:
        # A real `pulumi up` gives the program a gRPC monitor: anything but Pulumi's mock monitor.
        pulumi.runtime.configure(pulumi.runtime.Settings(project="zt-ecmp", stack="gk41", monitor=object()))
        pulumi_zerotier.Identity("path1-r1")

    # Pulumi keeps its settings in context variables: a copied context leaves other tests' mocks alone.
    with pytest.raises(refusal, match="pulumi install"):
        contextvars.copy_context().run(register_under_a_real_engine)


def test_capabilities_are_written_as_docker_reports_them_so_refresh_sees_no_drift() -> None:
    # Docker's client rewrites NET_ADMIN to CAP_NET_ADMIN and the provider reads back what Docker returns.
    for container in docker_run("gk41").of_type(CONTAINER):
        assert all(cap == "ALL" or cap.startswith("CAP_") for caps in container.inputs["capabilities"].values() for cap in caps)


def test_a_container_with_a_fixed_name_is_deleted_before_its_replacement_is_created() -> None:
    # `pulumi up --replace` never asks the provider: only the resource option orders the delete first.
    assert all(container.delete_before_replace for container in docker_run("ms01").of_type(CONTAINER))


def test_a_container_starts_only_once_its_member_is_authorized() -> None:
    run = docker_run("gk41")
    member = run.named(MEMBER, "path3-r2")
    assert member.urn in run.named(CONTAINER, "r2-path3").dependencies


def test_moving_a_routers_docker_host_replaces_the_provider_first_and_so_every_container() -> None:
    provider = docker_run("gk41").named(DOCKER_PROVIDER, "r1-zerotier-docker")
    assert (provider.replace_on_changes, provider.delete_before_replace) == (("host",), True)


def test_a_new_identity_makes_a_new_member_so_the_old_node_is_revoked() -> None:
    assert all(member.replace_on_changes == ("memberId",) for member in docker_run("gk41").of_type(MEMBER))


def test_the_second_routers_instance_is_told_the_first_ones_node_id_and_underlay_address() -> None:
    container = docker_run("gk41").named(CONTAINER, "r2-path2")
    virtual = json.loads(upload(container, "local.conf")["content"])["virtual"]
    assert virtual == {_node_id("path2-r1"): {"try": ["198.51.100.1/9995"]}}


def test_the_reference_stacks_run_their_instances_in_vyos_containers() -> None:
    # Stock VyOS has Podman, not Docker: the default runtime on VyOS is VyOS's own `container`.
    for stack in ("gk41", "ms01"):
        run = committed_run(stack)
        assert {router.runtime for router in run.plan.routers} == {"vyos"}
        assert not run.of_type(CONTAINER)
        assert not run.of_type(DOCKER_PROVIDER)


def test_a_docker_context_in_the_environment_is_refused_naming_it() -> None:
    # The Docker provider's `context` (read from DOCKER_CONTEXT) overrides its `host`: the containers
    # would land on whatever that context names.
    plan = docker_run("gk41").plan
    with pytest.raises(ConfigError, match=r"DOCKER_CONTEXT: set to 'staging'.*r1, r2; unset it"):
        check_docker_environment(plan, {"DOCKER_CONTEXT": "staging"})


def test_a_docker_context_does_not_matter_where_no_router_runs_docker() -> None:
    check_docker_environment(committed_run("gk41").plan, {"DOCKER_CONTEXT": "staging"})


def test_a_vyos_router_starts_its_containers_only_once_its_members_are_authorized() -> None:
    # On runtime vyos the containers start at the router's commit, which comes after its first command.
    run = committed_run("gk41")
    first = run.named("command:remote:Command", "r2-vyos-path1-home")
    assert {run.named(MEMBER, f"path{index}-r2").urn for index in range(1, 5)} <= set(first.dependencies)


def test_a_home_directory_too_long_for_the_control_sockets_is_refused_before_anything_runs() -> None:
    plan = docker_run("gk41").plan
    problems = control_socket_problems(plan, "/home/" + "x" * 60)
    assert problems == [
        f"home directory /home/{'x' * 60}: the SSH control sockets of the Docker transport to r1, r2 live in "
        f"/home/{'x' * 60}/.zt-ecmp, and their paths would take 133 bytes where a Unix socket path takes at most 103; "
        "run Pulumi as a user whose home directory is at most 36 bytes long"
    ]


def test_a_home_directory_of_36_bytes_fits_the_control_sockets() -> None:
    assert control_socket_problems(docker_run("gk41").plan, "/home/" + "x" * 30) == []
