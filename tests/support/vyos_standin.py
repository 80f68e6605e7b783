"""A small VyOS stand-in: a configuration tree with VyOS's set/delete semantics, and a way to run the
rendered vbash scripts against it.

The tree stores every word of a path as a node; a leaf's values are its children. What makes it
VyOS-like is what ``set`` and ``delete`` do: a single-valued leaf keeps one value, a multi-valued leaf
collects them, a valued leaf with no value left disappears, and (``prune_empty``) some releases drop
parents left empty by a delete. Sessions, commits, ``commit-confirm``/``confirm`` and ``save`` are
modelled as well, and ``cli-shell-api`` answers from the tree. Scripts run under real bash, with the
VyOS commands served by this module over two pipes.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import json
import os
import re
import select
import shlex
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.render.vyos.configuration import CLI_SHELL_API, OP_MODE
from components.render.vyos.scripts import LOCK_DIR, PROC_SYS, SCRIPT_TEMPLATE, STATE_DIR, SYSTEMCTL, remote_command

Tree = dict[str, Any]

MULTI_VALUED = frozenset({"address", "capability"})
SINGLE_VALUED = frozenset(
    {"image", "arguments", "entrypoint", "restart", "source", "destination", "action", "description", "port", "protocol", "host-name"}
    | {"distance"}
    | {"speed", "duplex", "mtu", "rx", "tx", "value", "receive", "transmit", "multiplier"}
)


def valued_leaf(path: tuple[str, ...]) -> bool:
    # `profile` is a leaf under a BFD peer or a next-hop's `bfd`, but the tag node of `protocols bfd profile <name>`.
    bfd_profile_leaf = path[-1:] == ("profile",) and path != ("protocols", "bfd", "profile")
    return bool(path) and (
        path[-1] in MULTI_VALUED or path[-1] in SINGLE_VALUED or path[-2:] == ("inbound-interface", "name") or bfd_profile_leaf
    )


def parse(line: str) -> tuple[str, tuple[str, ...]]:
    words = shlex.split(line)
    return words[0], tuple(words[1:])


@dataclass
class ConfigTree:
    root: Tree = field(default_factory=dict)
    prune_empty: bool = False

    @classmethod
    def from_lines(cls, lines: list[str] | tuple[str, ...], prune_empty: bool = False) -> ConfigTree:
        tree = cls(prune_empty=prune_empty)
        for line in lines:
            tree.run(line)
        return tree

    def run(self, line: str) -> None:
        op, words = parse(line)
        {"set": self.set, "delete": self.delete}[op](words)

    def node(self, words: tuple[str, ...]) -> Tree | None:
        node: Tree | None = self.root
        for word in words:
            if node is None or word not in node:
                return None
            node = node[word]
        return node

    def exists(self, words: tuple[str, ...]) -> bool:
        return self.node(words) is not None

    def children(self, words: tuple[str, ...]) -> list[str]:
        return sorted(self.node(words) or {})

    def set(self, words: tuple[str, ...]) -> None:
        node = self.root
        for position, word in enumerate(words):
            path = words[:position]
            if valued_leaf(path) and path[-1] not in MULTI_VALUED:
                node.clear()  # one value only: the new one replaces it
            node = node.setdefault(word, {})

    def delete(self, words: tuple[str, ...]) -> None:
        parent = self.node(words[:-1])
        if parent is None or words[-1] not in parent:
            raise KeyError(f"nothing to delete at {' '.join(words)}")
        del parent[words[-1]]
        for length in range(len(words) - 1, 0, -1):
            path = words[:length]
            node = self.node(path)
            if node or not (valued_leaf(path) or self.prune_empty):
                break
            parent = self.node(path[:-1])
            assert parent is not None
            del parent[path[-1]]

    def lines(self) -> list[str]:
        """The tree as sorted set lines, one per leaf: compares trees regardless of how they were built."""
        found: list[str] = []

        def walk(node: Tree, path: tuple[str, ...]) -> None:
            if not node and path:
                found.append("set " + " ".join(path))
            for word, child in node.items():
                walk(child, (*path, word))

        walk(self.root, ())
        return sorted(found)

    def subtree(self, prefix: tuple[str, ...]) -> Tree | None:
        return self.node(prefix)

    def graft(self, prefix: tuple[str, ...], subtree: Tree | None) -> None:
        """Put ``subtree`` at ``prefix`` (None: nothing there), as it is."""
        parent = self.root
        for word in prefix[:-1]:
            parent = parent.setdefault(word, {})
        if subtree is None:
            parent.pop(prefix[-1], None)
        else:
            parent[prefix[-1]] = copy.deepcopy(subtree)


# The vyos user's PATH in a non-interactive SSH command: OpenSSH's compiled-in default (Debian builds
# it with --with-default-path=/usr/local/bin:/usr/bin:/bin:/usr/games). vyos-1x's sshd_config
# template (data/templates/ssh/sshd_config.j2) sets no PATH, and a command given to `ssh` runs as
# `vbash -c`, which reads no profile. Observed on the real 1.4 backend: bare `sysctl` and `ethtool`
# (/sbin) answered `Invalid command: [sysctl]`. Scripts run here with exactly this PATH.
VYOS_USER_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games"
# Paths each VyOS version's templates lack: a `set` below one fails, as on the real router.
# `system config-management commit-confirm action` (reload|reboot) is 1.5's (vyos-1x current,
# interface-definitions/system_config-management.xml.in); VyOS 1.4 reverts by rebooting only.
MISSING_TEMPLATES = {"1.4": (("system", "config-management", "commit-confirm"),), "1.5": ()}
RELOAD_ACTION = ("system", "config-management", "commit-confirm", "action", "reload")
# How many address queries a restarted instance's path interface answers without its address.
REJOIN_POLLS = 2


@dataclass
class Router:
    """One router's state: active, working (during a session) and saved configuration, files, pulls.

    What a real VyOS 1.4 does and this model was taught (each with the upstream source in the method
    that models it): a commit is partial per subtree (``commit``); commit-confirm arms its revert
    timer before committing and starts a notifier that keeps the caller's output open
    (``commit_confirm_check``, FAKE_TEMPLATE); a second commit-confirm inside the window commits
    nothing and exits 0; op-mode commands exit 0 whatever happened (``op_mode``); the revert reboots
    into the saved configuration (``revert``); sysctl values the kernel refuses do not fail the
    commit (``_activate``).
    """

    active: ConfigTree = field(default_factory=ConfigTree)
    saved: ConfigTree | None = None
    working: ConfigTree | None = None
    # The commit-confirm timer is armed (systemd unit commit-confirm.timer).
    confirm_pending: bool = False
    images: list[str] = field(default_factory=list)
    # Every subtree's conf_mode script fails at commit: nothing changes.
    fail_commit: bool = False
    # Subtrees (path prefixes) whose conf_mode script fails at commit; the others still take effect.
    failing: list[tuple[str, ...]] = field(default_factory=list)
    # Subtrees that fail from the next commit on (a module that is busy by then).
    failing_later: list[tuple[str, ...]] = field(default_factory=list)
    # Path interfaces whose instance never joins (no address appears on them).
    unjoined: list[str] = field(default_factory=list)
    # Images some container outside the lab uses, which podman refuses to remove.
    images_in_use: list[str] = field(default_factory=list)
    # Images whose pull fails, with the error podman prints (no registry reachable...).
    pull_errors: dict[str, str] = field(default_factory=dict)
    # IPv4 addresses (with prefix length) on the router's other interfaces: the underlay.
    addresses: dict[str, list[str]] = field(default_factory=dict)
    # The kernel's values under /proc/sys, and the keys it refuses to change.
    kernel: dict[str, str] = field(default_factory=dict)
    refused_sysctls: list[str] = field(default_factory=list)
    # podman's containers: name -> how many times it was started (running while present).
    containers: dict[str, int] = field(default_factory=dict)
    # Local names podman tag made: name -> the image id it points at (``podman tag``).
    tags: dict[str, str] = field(default_factory=dict)
    # The image id each running container was started on.
    running: dict[str, str] = field(default_factory=dict)
    # What happened to the containers and paths, in order: `start <c> <id>`, `restart <c> <id>`,
    # `joined <interface>` (an `ip ... to <address>` that found the planned address), `tag <name> <id>`.
    events: list[str] = field(default_factory=list)
    # Per container, the path interface whose address it holds: after a restart the address is gone
    # for REJOIN_POLLS queries, as a restarted zerotier-one takes a moment to join again.
    interfaces: dict[str, str] = field(default_factory=dict)
    rejoining: dict[str, int] = field(default_factory=dict)
    # Containers whose instance never joins its path while it runs the given image id.
    unjoinable: dict[str, str] = field(default_factory=dict)
    version: str = "1.4"
    # The configuration active before the pending commit-confirm (what a 1.5 `reload` goes back to).
    before_confirm: Tree | None = None
    notifier: int | None = None
    reboots: int = 0

    @classmethod
    def with_config(cls, lines: list[str] | tuple[str, ...] = (), prune_empty: bool = False) -> Router:
        return cls(active=ConfigTree.from_lines(lines, prune_empty))

    def answer(self, words: list[str]) -> tuple[int, str]:
        """One request of a script, as the stand-in's shell functions send it: (exit status, output)."""
        if words[0] == "sudo" and words[1] == "podman":
            return self.podman(words[2:])
        if words[0] == "ip":
            return self.ip(words[1:])
        if words[0] == "op-mode":
            return self.op_mode(words[1:])
        if words[0] == "systemctl":
            return self.systemctl(words[1:])
        if words[0] == "notifier":
            self.notifier = int(words[1])
            return 0, ""
        return self.handle(words)

    def handle(self, words: list[str]) -> tuple[int, str]:
        """One VyOS (or cli-shell-api) command as the scripts issue it: (exit status, output)."""
        command, args = words[0], tuple(words[1:])
        if command == "cli-shell-api":
            return self.shell_api(args[0], args[1:])
        if command == "configure":
            self.working = copy.deepcopy(self.active)
            return 0, ""
        if command == "confirm":
            return self.confirm()
        if self.working is None:
            return 1, f"{command}: not in a configuration session"
        return self.session(self.working, command, args)

    def shell_api(self, query: str, path: tuple[str, ...]) -> tuple[int, str]:
        working = self.working
        if query == "listNodes":
            return 0, " ".join(f"'{name}'" for name in (working.children(path) if working else []))
        if query == "listActiveNodes":
            return 0, " ".join(f"'{name}'" for name in self.active.children(path))
        if query == "returnActiveValue":
            values = self.active.children(path)
            return (0, values[0]) if len(values) == 1 else (1, "")
        if query == "teardownSession":
            self.working = None
            return 0, ""
        answers = {
            "existsActive": lambda: self.active.exists(path),
            "exists": lambda: working is not None and working.exists(path),
            "sessionChanged": lambda: working is not None and working.root != self.active.root,
            "validateTmplPath": lambda: not self.missing_template(path),
        }
        return (0 if answers[query]() else 1), ""

    def missing_template(self, path: tuple[str, ...]) -> bool:
        return any(path[: len(missing)] == missing for missing in MISSING_TEMPLATES[self.version])

    def edit(self, working: ConfigTree, command: str, args: tuple[str, ...]) -> tuple[int, str]:
        if command == "set" and self.missing_template(args):
            return 1, f"Configuration path: [{' '.join(args)}] is not valid\nSet failed"
        try:
            working.set(args) if command == "set" else working.delete(args)
        except KeyError as error:
            return 1, str(error)
        return 0, ""

    def commit_confirm_check(self) -> tuple[int, str]:
        """What ``commit-confirm`` does before it commits.

        vyatta-cfg functions/interpreter/vyatta-cfg-run, vyatta_config_commit-confirm: "No
        configuration changes to commit" without changes; then `config-mgmt commit_confirm`, and
        only if that exits 0, the commit. vyos-1x python/vyos/config_mgmt.py, commit_confirm():
        "Another confirm is pending" (exit 1, so nothing is committed) while commit-confirm.timer is
        active. Either way the shell function returns 0.
        """
        if self.working is not None and self.working.root == self.active.root:
            return 1, "No configuration changes to commit"
        if self.confirm_pending:
            return 1, "Another confirm is pending"
        return 0, ""

    def commit_confirm_arm(self) -> tuple[int, str]:
        """config_mgmt.py commit_confirm(): `systemd-run --on-active=Nm --unit=commit-confirm`, armed
        before the commit runs, so it stays armed whether the commit succeeds, fails or is partial."""
        self.confirm_pending = True
        self.before_confirm = copy.deepcopy(self.active.root)
        return 0, ""

    def confirm(self) -> tuple[int, str]:
        """config_mgmt.py confirm(): stops commit-confirm.timer and kills the notifier
        (`pkill -f commit-confirm-notify.py`); "No confirm pending" (exit 0) when nothing is armed."""
        if not self.confirm_pending:
            return 0, "No confirm pending"
        self.confirm_pending = False
        self.before_confirm = None
        self.stop_notifier()
        return 0, "Reboot timer stopped"

    def stop_notifier(self) -> None:
        if self.notifier is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.notifier, signal.SIGTERM)
            self.notifier = None

    def load(self, file: str) -> tuple[int, str]:
        """``load FILE``: the file becomes the working configuration (vyatta-cfg-run vyatta_config_load
        refuses while the session has changes). The stand-in reads only what its own ``save FILE``
        wrote; /config/config.boot is the saved configuration."""
        assert self.working is not None
        if self.working.root != self.active.root:
            return 1, "Cannot load: configuration modified.\nCommit or discard the changes before loading a config file."
        if file == "/config/config.boot":
            root = copy.deepcopy(self.saved.root) if self.saved is not None else {}
        else:
            root = json.loads(Path(file).read_text())
        self.working = ConfigTree(root, self.active.prune_empty)
        return 0, ""

    def session(self, working: ConfigTree, command: str, args: tuple[str, ...]) -> tuple[int, str]:
        """A configuration-mode command inside the session."""
        if command in ("set", "delete"):
            return self.edit(working, command, args)
        if command == "save" and args:
            Path(args[0]).write_text(json.dumps(self.active.root))
            return 0, ""
        commands: dict[str, Callable[[], tuple[int, str]]] = {
            "commit": lambda: self.commit(working),
            "commit-confirm-check": self.commit_confirm_check,
            "commit-confirm-arm": self.commit_confirm_arm,
            "load": lambda: self.load(args[0]),
            "discard": lambda: self.replace_working(copy.deepcopy(self.active)),
            "save": lambda: self.replace_saved(copy.deepcopy(self.active)),
            "exit": lambda: self.replace_working(None),
        }
        if command not in commands:
            return 1, f"unknown command {command}"
        return commands[command]()

    def replace_working(self, tree: ConfigTree | None) -> tuple[int, str]:
        self.working = tree
        return 0, ""

    def replace_saved(self, tree: ConfigTree) -> tuple[int, str]:
        self.saved = tree
        return 0, ""

    def commit(self, working: ConfigTree) -> tuple[int, str]:
        """One commit, partial on failure: each subtree's conf_mode script runs on its own, and a
        subtree whose script fails stays as it was while the others take effect (observed on the real
        1.4 backend with `protocols static` and `firewall` failing; vyatta-cfg's commit runs the
        priority-ordered owners one by one). The session keeps the failed part: sessionChanged stays
        true. `commit` itself returns 0 either way (the scripts read the session)."""
        if working.root == self.active.root:
            return 1, "No configuration changes to commit"
        prefixes = [(word,) for word in {*self.active.root, *working.root}] if self.fail_commit else self.failing
        result = ConfigTree(copy.deepcopy(working.root), self.active.prune_empty)
        failed = []
        for prefix in prefixes:
            before = self.active.subtree(prefix)
            if working.subtree(prefix) != before:
                result.graft(prefix, before)
                failed.append(" ".join(prefix))
        containers = ("container", "name")
        changed = frozenset(
            name
            for name in self.active.children(containers)
            if result.subtree((*containers, name)) != self.active.subtree((*containers, name))
        )
        self.active = result
        if self.failing_later:
            self.failing, self.failing_later = self.failing_later, []
        warnings = self._activate(changed)
        if failed:
            report = "\n".join(f"[[{subtree}]] failed: simulated failure" for subtree in failed)
            return 1, "\n".join([*warnings, report, "Commit failed"])
        return 0, "\n".join(warnings)

    def _activate(self, changed: frozenset[str] = frozenset()) -> list[str]:
        """What the active configuration starts: containers (vyos-1x src/conf_mode/container.py
        restarts every running container in ``changed``, those whose subtree the commit changed
        (``is_node_changed``, then `systemctl restart vyos-container-<name>` in apply, one right after
        the other), and only warns that a missing image "does not exist locally" and the container "will not be started",
        and the commit succeeds), and sysctls (src/conf_mode/system_sysctl.py writes a file and runs
        `sysctl -f` on it, which exits 0 when the kernel refuses a key: a refused value is no error)."""
        warnings = []
        wanted = self.active.children(("container", "name"))
        for name in list(self.containers):
            if name not in wanted:
                del self.containers[name]
        for name in wanted:
            image = next(iter(self.active.children(("container", "name", name, "image"))), "")
            if name in self.containers:
                if name in changed:
                    self.restart(name)
                continue
            if self.image_id(image) is not None:
                self.start(name, image, "start")
            else:
                warnings.append(
                    f'WARNING: Image "{image}" used in container "{name}" does not exist locally.\n'
                    'Please use "add container image {image}" to add it to the system! Container "{name}" will not be started!'
                )
        for key in self.active.children(("system", "sysctl", "parameter")):
            value = next(iter(self.active.children(("system", "sysctl", "parameter", key, "value"))), None)
            if value is not None and key not in self.refused_sysctls:
                self.kernel[key] = value
        return warnings

    def op_mode(self, words: list[str]) -> tuple[int, str]:
        """An op-mode command through /opt/vyatta/bin/vyatta-op-cmd-wrapper: always exit 0 (vyatta-op
        functions/interpreter/vyatta-op-run, _vyatta_op_run: `local ret=0`, `eval "$run_cmd"`,
        `return $ret`). A failed pull prints podman's error and adds no image; `restart container X`
        prints that X restarted whether or not X exists (vyos-1x src/op_mode/container.py)."""
        if words[:3] == ["add", "container", "image"]:
            image = words[3]
            if image in self.pull_errors:
                return 0, f"Trying to pull docker.io/{image}...\nError: {self.pull_errors[image]}"
            if image not in self.images:
                self.images.append(image)
            return 0, ""
        if words[:2] == ["restart", "container"]:
            if words[2] in self.containers:
                self.restart(words[2])
            return 0, f'Container "{words[2]}" restarted!'
        return 0, f"Invalid command: [{' '.join(words)}]"

    def image_id(self, reference: str) -> str | None:
        """The id podman resolves ``reference`` to: a tag's image, a pulled image's own (a digest of its
        name here), or an id itself; None when there is no such image."""
        if reference in self.tags:
            return self.tags[reference]
        if reference in self.images:
            return hashlib.sha256(reference.encode()).hexdigest()
        known = {*self.tags.values(), *(hashlib.sha256(name.encode()).hexdigest() for name in self.images)}
        return reference if reference in known else None

    def start(self, name: str, reference: str, event: str) -> None:
        """A container (re)started by systemd: vyos-1x's vyos-container-<name>.service runs `podman run`
        with the configured image reference, so podman resolves a tag to the image it points at now."""
        image = self.image_id(reference) or ""
        self.containers[name] = self.containers.get(name, 0) + 1
        self.running[name] = image
        self.events.append(f"{event} {name} {image[:12]}")
        if name in self.interfaces:
            self.rejoining[self.interfaces[name]] = REJOIN_POLLS

    def restart(self, name: str) -> None:
        """`restart container <name>` (vyos-1x src/op_mode/container.py: `systemctl restart
        vyos-container-<name>.service`), and container.py's restart of a changed container at commit."""
        self.start(name, next(iter(self.active.children(("container", "name", name, "image"))), ""), "restart")

    def podman(self, args: list[str]) -> tuple[int, str]:
        """``sudo podman`` as the scripts run it (containers/podman docs/source/markdown):
        ``image exists`` (podman-image-exists.1.md: 0 when the image is there, 1 when not), ``image rm``,
        ``image inspect --format {{.Id}}`` (podman-image-inspect.1.md), ``tag SOURCE NAME``
        (podman-tag.1.md: adds a name to the image SOURCE names, moving NAME if it named another),
        ``untag IMAGE NAME`` (podman-untag.1.md: removes the name, never the image) and
        ``container inspect --format`` with ``.State.Running``, ``.State.StartedAt`` and ``.Image``
        (podman-container-inspect.1.md: the container's image id)."""
        if args[:2] == ["container", "inspect"]:
            name = args[-1]
            if name not in self.containers:
                return 125, f"Error: no such container {name}"
            second = self.running.get(name, "") if "{{.Image}}" in args[-2] else str(self.containers[name])
            return 0, f"true {second}"
        if args[0] in ("tag", "untag"):
            return self.podman_tag(args)
        return self.podman_image(args[1], args[-1])

    def podman_tag(self, args: list[str]) -> tuple[int, str]:
        """``podman tag SOURCE NAME`` and ``podman untag IMAGE NAME``."""
        if args[0] == "tag":
            image = self.image_id(args[1])
            if image is None:
                return 125, f"Error: {args[1]}: image not known"
            self.tags[args[2]] = image
            self.events.append(f"tag {args[2]} {image[:12]}")
            return 0, ""
        if args[2] not in self.tags:
            return 125, f"Error: {args[2]}: tag not known"
        del self.tags[args[2]]
        return 0, ""

    def podman_image(self, verb: str, image: str) -> tuple[int, str]:
        """``podman image exists|inspect|rm``."""
        if verb == "inspect":
            found = self.image_id(image)
            return (0, found) if found is not None else (125, f"Error: {image}: image not known")
        if verb == "exists":
            return (0 if image in self.images or image in self.tags else 1), ""
        if verb == "rm" and image in self.images and image not in self.images_in_use:
            self.images.remove(image)
            return 0, ""
        return 1, f"Error: image {image} cannot be removed"

    def cannot_join(self, interface: str) -> bool:
        """Whether the container on ``interface`` runs an image its instance cannot join on."""
        return any(self.interfaces.get(name) == interface and self.running.get(name) == image for name, image in self.unjoinable.items())

    def ip(self, args: list[str]) -> tuple[int, str]:
        """``ip -4 -o addr show dev <interface> [to <address>/32]``: an instance that joined holds its
        address; other interfaces hold what ``addresses`` says."""
        interface = args[args.index("dev") + 1]
        if interface in self.addresses:
            held = self.addresses[interface]
        elif interface in self.unjoined or self.cannot_join(interface):
            held = []
        elif self.rejoining.get(interface):
            self.rejoining[interface] -= 1
            held = []
        elif "to" in args:
            held = [args[args.index("to") + 1].replace("/32", "/30")]
            self.events.append(f"joined {interface}")
        else:
            return 1, f'Device "{interface}" does not exist.'
        return 0, "\n".join(f"9: {interface}    inet {address} scope global {interface}" for address in held)

    def systemctl(self, args: list[str]) -> tuple[int, str]:
        """``systemctl is-active --quiet commit-confirm.timer``: how config_mgmt.py
        (is_systemd_service_active) tells whether a confirm is pending."""
        return (0 if args[-1] == "commit-confirm.timer" and self.confirm_pending else 3), ""

    def revert(self) -> None:
        """The commit-confirm timer firing: `config-mgmt revert`. On 1.4 (vyos-1x sagitta
        python/vyos/config_mgmt.py, revert()) that is `systemctl reboot`, and the router boots its
        saved config.boot: whatever was committed and not saved is gone, the session too. On 1.5 with
        `system config-management commit-confirm action reload` the previous configuration is loaded
        again without a reboot ("Reload previous configuration if not confirmed")."""
        reload = self.version != "1.4" and self.active.exists(RELOAD_ACTION) and self.before_confirm is not None
        if reload:
            assert self.before_confirm is not None
            self.active = ConfigTree(copy.deepcopy(self.before_confirm), self.active.prune_empty)
        else:
            self.active = copy.deepcopy(self.saved) if self.saved is not None else ConfigTree(prune_empty=self.active.prune_empty)
            self.reboots += 1
            self.containers = {}
        self.working = None
        self.confirm_pending = False
        self.before_confirm = None
        self.stop_notifier()
        self._activate()


# --- serving the scripts ---------------------------------------------------------------------------

FAKE_TEMPLATE = r"""
# The router's commands are requests on fd 7, answered on fd 8, by the stand-in in the test's own
# process. A script run from a script (the confirm step running the saved apply) inherits both and
# talks to the same router.
if [ -z "${ZT_FAKE_SERVING:-}" ]; then
  exec 7>&"$ZT_FAKE_REQUESTS" 8<&"$ZT_FAKE_REPLIES" {ZT_FAKE_REQUESTS}>&- {ZT_FAKE_REPLIES}<&-
  export ZT_FAKE_SERVING=1
fi
vy() {
  local IFS=$'\x1f' reply
  echo "$*" >&7
  IFS= read -r reply <&8
  reply="${reply//$'\x1e'/$'\n'}"
  if [ -n "${reply#?}" ]; then echo "${reply#?}"; fi
  return "${reply:0:1}"
}
configure() { vy configure; }
set() { vy set "$@"; }
delete() { vy delete "$@"; }
commit() { vy commit; return 0; }
discard() { vy discard; }
load() { vy load "$@"; }
# vyatta-cfg-run vyatta_config_commit-confirm, and config_mgmt.py commit_confirm(): the checks, the
# prompt (read from stdin: an end of input cancels here; ask_yes_no loops on it for ever on some
# releases), the timer, then `sudo -b commit-confirm-notify.py N`, which inherits the caller's stdin,
# stdout and stderr and sleeps until a minute before the revert, (N-1) x 60 s (vyos-1x
# src/helpers/commit-confirm-notify.py), then the commit. It returns 0 whatever happened.
commit-confirm() {
  local answer=''
  vy commit-confirm-check || return 0
  read -r answer
  if [ "$answer" != y ]; then echo "commit-confirm canceled"; return 0; fi
  vy commit-confirm-arm
  command sleep $(( ($1 - 1) * 60 )) 7>&- 8>&- &
  vy notifier $!
  vy commit
  return 0
}
confirm() { vy confirm; }
save() { vy save "$@"; }
exit() { vy exit; builtin exit 0; }
cli-shell-api() { vy cli-shell-api "$@"; }
sudo() { vy sudo "$@"; }
fake-op-mode() { vy op-mode "$@"; return 0; }
fake-systemctl() { vy systemctl "$@"; }
ip() { vy ip "$@"; }
sleep() { :; }
"""


class _Server(threading.Thread):
    """Answers one script run's requests for ``router`` (changed in place) until every process holding
    the request pipe has closed it. The kernel's parameters are mirrored under ``proc_sys`` whenever
    they change, for the scripts to read back as they read /proc/sys on the router."""

    def __init__(self, router: Router, requests: int, replies: int, proc_sys: Path) -> None:
        super().__init__(daemon=True)
        self.router, self.requests, self.replies, self.proc_sys = router, requests, replies, proc_sys
        self.error: BaseException | None = None

    def mirror_kernel(self, written: dict[str, str]) -> dict[str, str]:
        for key, value in self.router.kernel.items():
            if written.get(key) != value:
                target = self.proc_sys / key.replace(".", "/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(f"{value}\n")
        return dict(self.router.kernel)

    def run(self) -> None:
        try:
            with os.fdopen(self.requests) as requests, os.fdopen(self.replies, "w") as replies:
                written = self.mirror_kernel({})
                while line := requests.readline():
                    status, output = self.router.answer(line.rstrip("\n").split("\x1f"))
                    if self.router.kernel != written:
                        written = self.mirror_kernel(written)
                    replies.write(f"{min(status, 9)}{output.replace(chr(10), chr(0x1E))}\n")
                    replies.flush()
        except BrokenPipeError:
            pass  # the script is gone (its channel lost, or killed): nobody reads the answer
        except BaseException as error:  # raised again in the test, after the script has ended
            self.error = error


@dataclass(frozen=True)
class ScriptRun:
    status: int
    stdout: str
    stderr: str
    # The commit-confirm notifier still held the script's output when the script itself had ended: over
    # SSH the command returns only when the notifier exits, (N-1) minutes later (sshd closes the channel
    # once nothing holds its output; pulumi-command waits for that).
    held_by_notifier: bool = False


def _holds(pid: int, outputs: list[os.stat_result]) -> bool:
    """Whether live process ``pid`` has one of ``outputs`` open as its stdout or stderr."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        held = [Path(f"/proc/{pid}/fd/{fd}").stat() for fd in (1, 2)]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z" and any(os.path.samestat(mine, theirs) for mine in outputs for theirs in held)


def _as_on_the_router(text: str, state_dir: Path) -> str:
    """The script with the router's paths and commands pointed at the stand-in."""
    return (
        text.replace(f"source {SCRIPT_TEMPLATE}", 'source "$ZT_FAKE_DIR/template"')
        .replace(f"state_dir={STATE_DIR}\n", f"state_dir={state_dir}\n")
        .replace(f"lock_dir={LOCK_DIR}\n", f"lock_dir={state_dir.parent}\n")
        .replace("mktemp /tmp/", f"mktemp {state_dir.parent}/tmp/")
        .replace(f"proc_sys={PROC_SYS}\n", 'proc_sys="$ZT_FAKE_DIR/proc/sys"\n')
        .replace(OP_MODE, "fake-op-mode")
        .replace(SYSTEMCTL, "fake-systemctl")
        .replace(f"{CLI_SHELL_API} ", "cli-shell-api ")
        .replace("/bin/vbash ", "bash ")
        .replace('sg vyattacfg -c "bash $script"', 'bash "$script"')
    )


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def _run_bash(command: list[str], outputs: tuple[int, int], router: Router, environment: dict[str, str]) -> int:
    """Runs ``command`` with ``outputs`` as its stdout and stderr, its router commands answered for ``router``."""
    request_reader, request_writer = os.pipe()
    reply_reader, reply_writer = os.pipe()
    # The template moves the script's ends to fds 7 and 8: from above 9 they cannot be in the way.
    request_writer, reply_reader = _above_nine(request_writer), _above_nine(reply_reader)
    served = _Server(router, request_reader, reply_writer, Path(environment["ZT_FAKE_DIR"]) / "proc" / "sys")
    served.start()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=outputs[0],
            stderr=outputs[1],
            pass_fds=(request_writer, reply_reader),
            env={**environment, "ZT_FAKE_REQUESTS": str(request_writer), "ZT_FAKE_REPLIES": str(reply_reader)},
            cwd=environment["ZT_FAKE_DIR"],
        )
    finally:
        # The script's ends: from now on the request pipe ends when the script's processes close it.
        os.close(request_writer)
        os.close(reply_reader)
    # Woken by the exit itself (Popen.wait with a timeout polls, up to 50 ms late each time).
    pidfd = os.pidfd_open(process.pid)
    try:
        ended = select.select([pidfd], [], [], 120)[0]
    finally:
        os.close(pidfd)
        if process.poll() is None:
            process.kill()
        status = process.wait()
    served.join(timeout=10)
    assert ended, "the script ran for more than 120 s"
    assert not served.is_alive(), "a process the script started still holds the stand-in's request pipe"
    if served.error is not None:
        raise served.error
    return status


def run_script(
    script: str,
    router: Router,
    state_dir: Path,
    *,
    remote: bool = False,
    lock_wait_seconds: int | None = None,
    channel_lost: bool = False,
) -> ScriptRun:
    """Run a rendered script against ``router`` (updated in place); ``state_dir`` stands in for
    /config/zt-ecmp, its parent for /config, and ``tmp`` beside it for /tmp (TMPDIR). ``remote``: run
    it the way pulumi-command does, through the remote command (its lock, its scratch file).
    ``channel_lost``: the SSH channel is gone, so the script's first write ends in SIGPIPE."""
    with tempfile.TemporaryDirectory() as scratch:
        fake = Path(scratch)
        (fake / "template").write_text(FAKE_TEMPLATE)
        text = _as_on_the_router(remote_command(script) if remote else script, state_dir)
        if lock_wait_seconds is not None:
            text = re.sub(r"^lock_wait_seconds=\d+$", f"lock_wait_seconds={lock_wait_seconds}", text, flags=re.MULTILINE)
        (fake / "script").write_text(text)
        tmp = state_dir.parent / "tmp"
        tmp.mkdir(exist_ok=True)
        # A command over SSH has no terminal, so no COLUMNS or LINES either (pytest-xdist's workers set
        # them, and ps would cut the lock holder's command line to COLUMNS).
        environment = {
            **{k: v for k, v in os.environ.items() if k not in ("ZT_FAKE_SERVING", "PATH", "COLUMNS", "LINES")},
            "PATH": VYOS_USER_PATH,
            "TMPDIR": str(tmp),
            "ZT_FAKE_DIR": scratch,
        }
        command = ["bash", str(fake / "script")]
        if channel_lost:
            reader, writer = os.pipe()
            os.close(reader)
            try:
                # Popen puts SIGPIPE back to its default in the child, as sshd's children have it.
                status = _run_bash(command, (writer, writer), router, environment)
                held = router.notifier is not None and _holds(router.notifier, [os.fstat(writer)])
            finally:
                os.close(writer)
            stdout = stderr = ""
        else:
            with (fake / "stdout").open("w+") as out, (fake / "stderr").open("w+") as err:
                status = _run_bash(command, (out.fileno(), err.fileno()), router, environment)
                held = router.notifier is not None and _holds(router.notifier, [os.fstat(out.fileno()), os.fstat(err.fileno())])
            stdout, stderr = (fake / "stdout").read_text(), (fake / "stderr").read_text()
    # The notifier lives on the router until `confirm` or the revert; nothing here needs it any more.
    router.stop_notifier()
    return ScriptRun(status, stdout, stderr, held)


def run_command(command: str, router: Router, state_dir: Path) -> ScriptRun:
    """A command pulumi-command runs on the router outside the scripts (an instance's home file), with
    the router's commands served by the stand-in."""
    # Outside a script, `exit` is the shell's own.
    return run_script(f"source {SCRIPT_TEMPLATE}\nunset -f exit\n{command}", router, state_dir)
