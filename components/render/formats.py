"""Structured text a router reads, serialised from data: one small typed model per format, one function
each. Scripts are program files (programs.py); the files they write in a format of their own (FRR's
configuration, a systemd unit, a sysctl.d drop-in) are made here, never by joining strings in a renderer.

- FRR: ``Stanza`` (a heading and its lines, which may be stanzas themselves) as vtysh writes them with
  ``show running-config``: each level one space deeper, a stanza closed by ``exit`` at its heading's
  depth, and ``!`` separators where a caller puts them (FRRouting/frr lib/command.c and vtysh's
  config writer close a node with ``exit``; ``!`` is a comment line).
- systemd: ``Unit``, named sections of key and value pairs in order (systemd.syntax(7): a section
  header in brackets, then ``Key=Value`` lines; sections separated here by an empty line).
- sysctl.d: ``SysctlFile``, comment lines then ``key = value`` settings (sysctl.d(5)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# What closes an FRR stanza, and what separates stanzas.
FRR_EXIT = "exit"
FRR_SEPARATOR = "!"


@dataclass(frozen=True)
class Stanza:
    """An FRR configuration node: ``heading`` (``interface eth0``, ``router ospf``, ``peer ...``) and
    the lines within it, each a command or a stanza of its own."""

    heading: str
    lines: tuple[str | Stanza, ...] = ()


FrrItem = str | Stanza


def frr_lines(items: Sequence[FrrItem], depth: int = 0) -> list[str]:
    """``items`` as FRR configuration lines, ``depth`` spaces in."""
    indent = " " * depth
    out: list[str] = []
    for item in items:
        if isinstance(item, Stanza):
            out += [f"{indent}{item.heading}", *frr_lines(item.lines, depth + 1), f"{indent}{FRR_EXIT}"]
        else:
            out.append(f"{indent}{item}")
    return out


def separated(stanzas: Sequence[Stanza]) -> list[FrrItem]:
    """Each stanza followed by a ``!`` line, as vtysh writes consecutive nodes."""
    return [item for stanza in stanzas for item in (stanza, FRR_SEPARATOR)]


@dataclass(frozen=True)
class Unit:
    """A systemd unit file: its sections in order, each a name and its ``(key, value)`` settings."""

    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def unit_text(unit: Unit) -> str:
    """The unit file's text: ``[Section]`` then ``Key=Value`` lines, sections apart by an empty line."""
    return "\n\n".join("\n".join([f"[{name}]", *(f"{key}={value}" for key, value in settings)]) for name, settings in unit.sections) + "\n"


@dataclass(frozen=True)
class SysctlFile:
    """A sysctl.d drop-in: lines of comment saying why, then the settings in order."""

    settings: tuple[tuple[str, str], ...]
    why: tuple[str, ...] = field(default=())


def sysctl_text(drop_in: SysctlFile) -> str:
    """The drop-in's text: ``# why`` lines, then ``key = value`` lines."""
    return "".join(f"# {line}\n" for line in drop_in.why) + "".join(f"{key} = {value}\n" for key, value in drop_in.settings)
