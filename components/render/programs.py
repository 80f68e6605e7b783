"""Shell programs kept as files beside their renderers, filled in with what varies with the plan.

A renderer package keeps the fixed text of its scripts in its ``programs/`` folder: ``.vbash`` for
VyOS (bash, run by vbash), ``.sh`` for POSIX sh. A program is plain shell, so shellcheck reads it
as it stands, with placeholders ``@NAME@`` (capitals, digits, ``_``) where the plan's values go:

- a placeholder alone on its line, after any indentation, stands for a block: a text, or a sequence
  of lines, each written on a line of its own with that indentation; an empty block writes no line
  at all. Plan data goes to the scripts this way, as the body of a quoted heredoc;
- anywhere else a placeholder stands for a text put in as it is: a number, a word, a file name, or
  a program reading its standard input after a ``|``.

A value's final newline is not part of it: the program writes its own line ends, so a rendered
program can be a value as it is. Each placeholder must get a value and each value must be used: a
renamed placeholder fails at once instead of leaving ``@NAME@`` in a script.

No comment of a program reaches a router: what a Command runs changes only when behaviour changes,
so an edited comment must not re-run a script on every router nor show in every preview. Every
full-line comment of the file is left out when it is rendered (``#@`` notes, which say what the
placeholders hold, ``#`` comments, ``# shellcheck`` directives, which only shellcheck reading the
file needs), except the shebang on the first line and the lines of a heredoc the program itself
writes, which are data. A value is data too and is put in as it is, comment lines included: a
comment a router must see (the apply digest, a script's title) is a value, never a line of the file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources

COMMENT = "#"
SHEBANG = "#!"
# The start of a heredoc (`<<WORD`, `<<'WORD'`, `<<-"WORD"`; not a here-string `<<<`), and its word.
HEREDOC = re.compile(r"(?<!<)<<(-?)[ \t]*(['\"]?)([A-Za-z_@][A-Za-z0-9_@]*)\2")
PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
BLOCK = re.compile(r"^([ \t]*)@([A-Z][A-Z0-9_]*)@$")
# What a program file's name ends with, and the shell shellcheck reads it as.
SHELLS = {".vbash": "bash", ".sh": "sh"}

Value = str | Sequence[str]


@dataclass(frozen=True)
class Rendered:
    """One rendering of a program: its package and name, the values it got, and the text it gave."""

    package: str
    name: str
    values: Mapping[str, Value]
    text: str


_RENDERED: ContextVar[list[Rendered] | None] = ContextVar("rendered_programs", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[Rendered]]:
    """Every program rendered within, in the order rendered: what varies with a plan, apart from the
    programs' fixed text (the goldens of most variants keep only this)."""
    rendered: list[Rendered] = []
    token = _RENDERED.set(rendered)
    try:
        yield rendered
    finally:
        _RENDERED.reset(token)


def _text(value: Value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"@{name}@ is put in within a line: it takes a text, not a sequence of lines")
    return value.removesuffix("\n")


def _lines(value: Value) -> list[str]:
    if not isinstance(value, str):
        return list(value)
    text = value.removesuffix("\n")
    # split, not splitlines: only a newline ends a line of shell.
    return text.split("\n") if text else []


@dataclass(frozen=True)
class Programs:
    """The ``programs/`` folder of one renderer package."""

    package: str

    def source(self, name: str) -> str:
        """The file as stored, notes and placeholders included."""
        return _source(self.package, name)

    def text(self, name: str, **values: Value) -> str:
        """Program ``name`` with every placeholder replaced by its value."""
        lines, _ = self._template(name, values).render(values)
        return self._recorded(name, values, _joined(lines))

    def digested(self, name: str, placeholder: str, digest_line: Callable[[str], str], **values: Value) -> tuple[str, str]:
        """Program ``name`` naming its own version, and that version: the sha256 of the text rendered
        with block ``placeholder`` empty, which then holds the one line ``digest_line(digest)``. One
        rendering, where rendering without and with the line would take two."""
        without = {**values, placeholder: []}
        template = self._template(name, without)
        if placeholder not in template.blocks:
            raise ValueError(f"{self.package} program {name}: @{placeholder}@ must stand alone on its line")
        lines, blocks = template.render(without)
        digest = hashlib.sha256(_joined(lines).encode()).hexdigest()
        at, indent = blocks[placeholder]
        line = digest_line(digest)
        lines.insert(at, f"{indent}{line}")
        return self._recorded(name, {**values, placeholder: [line]}, _joined(lines)), digest

    def _template(self, name: str, values: Mapping[str, Value]) -> _Template:
        """Program ``name``, once every placeholder has a value and every value a placeholder."""
        template = _template(self.package, name)
        if missing := next((placeholder for placeholder in template.placeholders if placeholder not in values), None):
            raise KeyError(f"{self.package} program {name}: no value for @{missing}@")
        if unused := sorted(set(values) - set(template.placeholders)):
            raise ValueError(f"{self.package} program {name} has no placeholder for {', '.join(unused)}")
        return template

    def _recorded(self, name: str, values: Mapping[str, Value], text: str) -> str:
        if (rendered := _RENDERED.get()) is not None:
            rendered.append(Rendered(self.package, name, dict(values), text))
        return text

    def each(self, name: str, values: Iterable[Mapping[str, Value]]) -> list[str]:
        """Program ``name`` rendered once for each set of ``values``, as one sequence of lines: a
        fragment per route, per path, per file."""
        return [line for each in values for line in self.lines(name, **each)]

    def lines(self, name: str, **values: Value) -> list[str]:
        """The same as ``text``, as lines, for scripts put together line by line."""
        return self.text(name, **values).removesuffix("\n").split("\n")


def _without_comments(lines: list[str]) -> list[str]:
    """The lines of a program file but its full-line comments: the shebang and heredoc bodies stay."""
    kept: list[str] = []
    # Heredocs started and not yet ended, in order, as (word, whether tabs may precede it).
    open_heredocs: list[tuple[str, bool]] = []
    for number, line in enumerate(lines):
        if open_heredocs:
            word, tabs = open_heredocs[0]
            if (line.lstrip("\t") if tabs else line) == word:
                open_heredocs.pop(0)
            kept.append(line)
            continue
        if line.lstrip().startswith(COMMENT) and not (number == 0 and line.startswith(SHEBANG)):
            continue
        open_heredocs += [(match.group(3), match.group(1) == "-") for match in HEREDOC.finditer(line)]
        kept.append(line)
    return kept


@dataclass(frozen=True)
class _Block:
    """A placeholder alone on its line: a block of lines, each with the line's indentation."""

    indent: str
    placeholder: str


# A line of a program as rendered: kept as it is, a block, or the parts of a line with placeholders
# in it (``PLACEHOLDER.split``: literal text and placeholder names by turns).
_Line = str | _Block | tuple[str, ...]


@dataclass(frozen=True)
class _Template:
    """A program file read once: its lines without comments, its placeholders in order of appearance,
    and those that stand alone on their lines (blocks)."""

    lines: tuple[_Line, ...]
    placeholders: tuple[str, ...]
    blocks: frozenset[str]

    def render(self, values: Mapping[str, Value]) -> tuple[list[str], dict[str, tuple[int, str]]]:
        """The lines with every placeholder replaced by its value, and where each block begins among
        them, with its indentation."""
        out: list[str] = []
        blocks: dict[str, tuple[int, str]] = {}
        for line in self.lines:
            if isinstance(line, str):
                out.append(line)
            elif isinstance(line, _Block):
                blocks.setdefault(line.placeholder, (len(out), line.indent))
                block = _lines(values[line.placeholder])
                # A whole script goes in as a block (remote-command.sh's): at 16 sites, 3,000 lines.
                out += [f"{line.indent}{each}" for each in block] if line.indent else block
            else:
                # Literal text and placeholder names by turns, as re.split leaves them: names at odd places.
                out.append("".join(_text(values[part], part) if index % 2 else part for index, part in enumerate(line)))
        return out, blocks


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


@functools.cache
def _template(package: str, name: str) -> _Template:
    source = _source(package, name)
    if not source.endswith("\n"):
        raise ValueError(f"{package} program {name}: the file must end with a newline")
    lines: list[_Line] = []
    placeholders: list[str] = []
    blocks: set[str] = set()
    for line in _without_comments(source.removesuffix("\n").split("\n")):
        if block := BLOCK.match(line):
            lines.append(_Block(*block.groups()))
            placeholders.append(block[2])
            blocks.add(block[2])
        elif PLACEHOLDER.search(line):
            parts = tuple(PLACEHOLDER.split(line))
            lines.append(parts)
            placeholders += parts[1::2]
        else:
            lines.append(line)
    return _Template(tuple(lines), tuple(dict.fromkeys(placeholders)), frozenset(blocks))


@functools.cache
def _source(package: str, name: str) -> str:
    # Bytes, decoded as they are: a text read would translate line ends.
    return (resources.files(package) / "programs" / name).read_bytes().decode("utf-8")
