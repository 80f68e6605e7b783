"""A small VyOS stand-in: a configuration tree with VyOS's set/delete semantics, and a way to run the
rendered vbash scripts against it.

The tree stores every word of a path as a node; a leaf's values are its children. What makes it
VyOS-like is what ``set`` and ``delete`` do: a single-valued leaf keeps one value, a multi-valued leaf
collects them, a valued leaf with no value left disappears, and (``prune_empty``) some releases drop
parents left empty by a delete. Sessions, commits, ``commit-confirm``/``confirm`` and ``save`` are
modelled as well, and ``cli-shell-api`` answers from the tree. Scripts run under real bash, with the
VyOS commands served by this module over two FIFOs.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass
class Router:
    """One router's state: active, working (during a session) and saved configuration, files, pulls."""

    active: ConfigTree = field(default_factory=ConfigTree)
    saved: ConfigTree | None = None
    working: ConfigTree | None = None
    confirm_pending: bool = False
    images: list[str] = field(default_factory=list)
    fail_commit: bool = False
    # Path interfaces whose instance never joins (no address appears on them).
    unjoined: list[str] = field(default_factory=list)
    # Images some container outside the lab uses, which podman refuses to remove.
    images_in_use: list[str] = field(default_factory=list)

    @classmethod
    def with_config(cls, lines: list[str] | tuple[str, ...] = (), prune_empty: bool = False) -> Router:
        return cls(active=ConfigTree.from_lines(lines, prune_empty))

    def to_json(self) -> dict[str, Any]:
        return {
            "active": self.active.root,
            "saved": None if self.saved is None else self.saved.root,
            "working": None if self.working is None else self.working.root,
            "prune_empty": self.active.prune_empty,
            "confirm_pending": self.confirm_pending,
            "images": self.images,
            "fail_commit": self.fail_commit,
            "unjoined": self.unjoined,
            "images_in_use": self.images_in_use,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Router:
        prune = bool(data["prune_empty"])
        return cls(
            active=ConfigTree(data["active"], prune),
            saved=None if data["saved"] is None else ConfigTree(data["saved"], prune),
            working=None if data["working"] is None else ConfigTree(data["working"], prune),
            confirm_pending=data["confirm_pending"],
            images=data["images"],
            fail_commit=data["fail_commit"],
            unjoined=data["unjoined"],
            images_in_use=data["images_in_use"],
        )

    def handle(self, words: list[str]) -> tuple[int, str]:
        """One VyOS (or cli-shell-api) command as the scripts issue it: (exit status, output)."""
        command, args = words[0], tuple(words[1:])
        if command == "cli-shell-api":
            return self.shell_api(args[0], args[1:])
        if command == "configure":
            self.working = copy.deepcopy(self.active)
            return 0, ""
        if self.working is None:
            return 1, f"{command}: not in a configuration session"
        if command in ("set", "delete"):
            return self.edit(self.working, command, args)
        return self.session(self.working, command)

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
        }
        return (0 if answers[query]() else 1), ""

    @staticmethod
    def edit(working: ConfigTree, command: str, args: tuple[str, ...]) -> tuple[int, str]:
        try:
            working.set(args) if command == "set" else working.delete(args)
        except KeyError as error:
            return 1, str(error)
        return 0, ""

    def session(self, working: ConfigTree, command: str) -> tuple[int, str]:
        if command in ("commit", "commit-confirm"):
            if command == "commit-confirm" and self.confirm_pending:
                return 1, "Another confirm is pending"
            if self.fail_commit:
                return 1, "Commit failed: [ protocols static ] simulated failure"
            self.active = copy.deepcopy(working)
            self.confirm_pending = command == "commit-confirm"
        elif command == "confirm":
            self.confirm_pending = False
        elif command == "save":
            self.saved = copy.deepcopy(self.active)
        elif command == "exit":
            self.working = None
        else:
            return 1, f"unknown command {command}"
        return 0, ""

    def podman(self, args: list[str]) -> tuple[int, str]:
        """``sudo podman image exists|rm <ref>``: the images the router holds."""
        verb, image = args[1], args[-1]
        if verb == "exists":
            return (0 if image in self.images else 1), ""
        if verb == "rm" and image in self.images and image not in self.images_in_use:
            self.images.remove(image)
            return 0, ""
        return 1, f"Error: image {image} cannot be removed"

    def ip(self, args: list[str]) -> tuple[int, str]:
        """``ip -4 -o addr show dev <interface> to <address>/32``: an instance that joined holds its address."""
        interface, address = args[args.index("dev") + 1], args[args.index("to") + 1]
        if interface in self.unjoined:
            return 0, ""
        return 0, f"9: {interface}    inet {address.removesuffix('/32')}/30 scope global {interface}"

    def roll_back(self) -> None:
        """What the commit-confirm timer does when no confirm came: back to the saved configuration."""
        self.active = copy.deepcopy(self.saved) if self.saved is not None else ConfigTree(prune_empty=self.active.prune_empty)
        self.confirm_pending = False


# --- serving the scripts ---------------------------------------------------------------------------

FAKE_TEMPLATE = r"""
# A script run from a script (the confirm step running the saved apply) talks to the same router.
if [ -z "${ZT_FAKE_SERVING:-}" ]; then
  mkfifo "$ZT_FAKE_DIR/in" "$ZT_FAKE_DIR/out"
  "$ZT_FAKE_PYTHON" -m tests.support.vyos_standin "$ZT_FAKE_DIR" &
  exec 7>"$ZT_FAKE_DIR/in" 8<"$ZT_FAKE_DIR/out"
  export ZT_FAKE_SERVING=1
fi
vy() {
  local IFS=$'\x1f' reply
  echo "$*" >&7
  IFS= read -r reply <&8
  if [ -n "${reply#?}" ]; then echo "${reply#?}"; fi
  return "${reply:0:1}"
}
configure() { vy configure; }
set() { vy set "$@"; }
delete() { vy delete "$@"; }
commit() { vy commit; return 0; }
commit-confirm() { read -r answer; [ "$answer" = y ] || return 0; vy commit-confirm "$@"; return 0; }
confirm() { vy confirm; }
save() { vy save; }
exit() { vy exit; builtin exit 0; }
cli-shell-api() { vy cli-shell-api "$@"; }
sudo() { vy sudo "$@"; }
fake-op-mode() { vy op-mode "$@"; }
ip() { vy ip "$@"; }
sleep() { :; }
"""


def serve(directory: Path) -> None:
    """Answer the script's commands until it closes the pipe, saving the state after each one."""
    state_file = directory / "router.json"
    router = Router.from_json(json.loads(state_file.read_text()))
    with (directory / "in").open() as requests, (directory / "out").open("w") as replies:
        while line := requests.readline():
            words = line.rstrip("\n").split("\x1f")
            if words[0] == "sudo" and words[1] == "podman":
                status, output = router.podman(words[2:])
            elif words[0] == "ip":
                status, output = router.ip(words[1:])
            elif words[0] == "op-mode":
                router.images.append(words[-1])
                status, output = 0, ""
            else:
                status, output = router.handle(words)
            state_file.write_text(json.dumps(router.to_json()))
            replies.write(f"{min(status, 9)}{output}\n")
            replies.flush()


@dataclass(frozen=True)
class ScriptRun:
    status: int
    stdout: str
    stderr: str


def run_script(script: str, router: Router, state_dir: Path) -> ScriptRun:
    """Run a rendered script against ``router`` (updated in place); ``state_dir`` stands in for /config/zt-ecmp."""
    # Not at module level: the server process starts faster without them.
    from components.render.vyos.configuration import OP_MODE
    from components.render.vyos.scripts import SCRIPT_TEMPLATE, STATE_DIR

    with tempfile.TemporaryDirectory() as scratch:
        fake = Path(scratch)
        (fake / "template").write_text(FAKE_TEMPLATE)
        (fake / "router.json").write_text(json.dumps(router.to_json()))
        text = (
            script.replace(f"source {SCRIPT_TEMPLATE}", f"source {fake / 'template'}")
            .replace(f"state_dir={STATE_DIR}\n", f"state_dir={state_dir}\n")
            .replace(OP_MODE, "fake-op-mode")
            .replace("/bin/vbash ", "bash ")
        )
        (fake / "script").write_text(text)
        # A saved apply script (kept by an earlier run for the confirm step) sources that run's template.
        for saved in state_dir.glob("*.apply") if state_dir.exists() else ():
            saved.write_text(re.sub(r"^source .*/template$", f"source {fake / 'template'}", saved.read_text(), flags=re.MULTILINE))
        environment = {
            **{k: v for k, v in os.environ.items() if k != "ZT_FAKE_SERVING"},
            "ZT_FAKE_DIR": scratch,
            "ZT_FAKE_PYTHON": sys.executable,
        }
        done = subprocess.run(
            ["bash", str(fake / "script")],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
            env=environment,
            cwd=Path(__file__).resolve().parents[2],
        )
        updated = Router.from_json(json.loads((fake / "router.json").read_text()))
    router.__dict__.update(updated.__dict__)
    return ScriptRun(done.returncode, done.stdout, done.stderr)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
