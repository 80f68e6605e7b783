"""Comment lines at the top of a router Command's text that name what it follows.

pulumi-command runs a Command again (as an update) only when its text changes (only ``triggers``
replace it: sdk/python/pulumi_command/remote/command.py). Naming a container's id, or an instance's
restart key, in the text is how a Command follows a replaced container or a drain that ran. The text
of these lines is rendered here, so the infra layer writes none.
"""

from __future__ import annotations

from collections.abc import Mapping


def instances_line(instance_ids: Mapping[int, str]) -> str:
    """A comment naming the containers a router command depends on, by path.

    A container Pulumi replaces gets a new id, which changes the command text, so the command runs
    again (as an update) after the replacement: the routes follow their path interfaces, which
    disappear with the old container.
    """
    listed = ", ".join(f"path{index} {instance_ids[index]}" for index in sorted(instance_ids))
    return f"# zt-ecmp: after the instances {listed}\n"


def keys_lines(keys: Mapping[str, str]) -> str:
    """The restart keys a path's drain had, by router, in its gate's text: whenever a drain runs, its gate runs after it."""
    return "".join(f"# zt-ecmp: {router} {key}\n" for router, key in sorted(keys.items()))
