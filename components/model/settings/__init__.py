"""A stack's settings: the schema, the values they imply, the cross-checks and how problems are reported.

Import from here: ``parse_lab_config`` is the way in, a ``LabConfig`` (or a ``ConfigError`` naming
every problem) the way out.
"""

from components.model.settings.derived import (
    cpus_per_instance,
    floating_ips,
    path_interface_prefix,
    path_interfaces,
    path_ports,
    path_prefix_length,
    planned_sites,
    site_numbers,
)
from components.model.settings.parse import parse_lab_config
from components.model.settings.problems import ConfigError, belongs_in, closest_name, nested_model, unknown_setting
from components.model.settings.schema import (
    DEFAULT_PRIVATE_KEY_SETTING,
    FLOATING_NETWORK,
    LINK_SPEED_GBPS,
    NAMESPACE,
    Duplex,
    FloatingOn,
    LabConfig,
    LinuxRoutes,
    RouterConfig,
    ScalingMode,
    SshAuth,
    Topology,
)

__all__ = [
    "DEFAULT_PRIVATE_KEY_SETTING",
    "FLOATING_NETWORK",
    "LINK_SPEED_GBPS",
    "NAMESPACE",
    "ConfigError",
    "Duplex",
    "FloatingOn",
    "LabConfig",
    "LinuxRoutes",
    "RouterConfig",
    "ScalingMode",
    "SshAuth",
    "Topology",
    "belongs_in",
    "closest_name",
    "cpus_per_instance",
    "floating_ips",
    "nested_model",
    "parse_lab_config",
    "path_interface_prefix",
    "path_interfaces",
    "path_ports",
    "path_prefix_length",
    "planned_sites",
    "site_numbers",
    "unknown_setting",
]
