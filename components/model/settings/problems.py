"""How a bad configuration is reported: one line per problem, naming the setting, its value and a fix."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from components.model.errors import InputError
from components.model.settings.schema import LabConfig


class ConfigError(InputError):
    """A stack configuration that cannot be built, with one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack configuration:\n" + "\n".join(f"  - {p}" for p in problems))


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The settings model a field holds, directly, in a tuple or as an optional; None for plain values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        model = nested_model(argument)
        if model is not None:
            return model
    return None


def _settings_at(location: Iterable[int | str]) -> list[str]:
    """The setting names (camelCase) of the model at ``location`` in a stack's settings; empty if there is none."""
    model: type[BaseModel] | None = LabConfig
    for part in location:
        if isinstance(part, int):
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()} if model is not None else {}
        model = nested_model(fields[part].annotation) if part in fields else None
    return [field.alias or name for name, field in model.model_fields.items()] if model is not None else []


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` most likely misspells, if any is close enough to be worth suggesting."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _unknown_setting(location: tuple[int | str, ...]) -> str:
    where = _format_location(location)
    meant = closest_name(str(location[-1]), _settings_at(location[:-1]))
    if meant is None:
        return f"{where}: unknown setting (a typo?); see the configuration reference in README.md"
    return f"{where}: unknown setting; did you mean {_format_location((*location[:-1], meant))}?"


MISSING_HINTS = {
    "address": (
        "give the router's own address on the underlay interface with its prefix length (for example 198.51.100.1/29); "
        "every instance binds to it and to nothing else"
    ),
    "hostKey": (
        "pin the router's SSH host key: run `ssh-keyscan -t ed25519 -p <port> <host>` and compare its fingerprint with "
        "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the router's console before pasting it"
    ),
}


def _format_location(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def describe(error: Mapping[str, Any]) -> list[str]:
    location = _format_location(tuple(error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        hint = MISSING_HINTS.get(str(error["loc"][-1]), "see the configuration reference in README.md")
        return [f"{location}: required but not set; {hint}"]
    if error["type"] == "extra_forbidden":
        return [_unknown_setting(tuple(error["loc"]))]
    if error["type"] == "value_error" and not location:
        return message.splitlines()
    given = error.get("input")
    already_shown = error["type"] == "value_error"
    shown = "" if already_shown or isinstance(given, dict | list) or given is None else f" (got {given!r})"
    prefix = f"{location}: " if location else ""
    return [f"{prefix}{message}{shown}"]
