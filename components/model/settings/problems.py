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


def _setting_places(model: type[BaseModel] = LabConfig, where: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where each setting of ``model`` lives, as names from the top ("[]" marks a list of models): every setting once."""
    places = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        places.append((*where, key))
        inner = nested_model(field.annotation)
        if inner is not None:
            is_list = typing.get_origin(field.annotation) is tuple or any(
                typing.get_origin(a) is tuple for a in typing.get_args(field.annotation)
            )
            places += _setting_places(inner, (*where, key, *(["[]"] if is_list else [])))
    return places


def belongs_in(location: tuple[int | str, ...]) -> str | None:
    """Where a setting written at ``location`` but unknown there is known, written for this place: the
    router's index carried over (``routers[0].host`` -> ``routers[0].ssh.host``); None if nowhere."""
    name = str(location[-1])
    written = tuple("[]" if isinstance(part, int) else part for part in location[:-1])
    places = [place[:-1] for place in _setting_places() if place[-1] == name and place[:-1] != written]
    if not places:
        return None

    def shared(place: tuple[str, ...]) -> int:
        return next((number for number, (a, b) in enumerate(zip(place, written, strict=False)) if a != b), min(len(place), len(written)))

    best = max(places, key=lambda place: (shared(place), -len(place)))
    indices = iter(part for part in location[:-1] if isinstance(part, int))
    parts: list[int | str] = []
    for part in best[: shared(best)]:
        parts.append(next(indices) if part == "[]" else part)
    parts += list(best[shared(best) :])
    return _format_location((*parts, name)).replace(".[]", "[]")


def unknown_setting(location: tuple[int | str, ...]) -> str:
    where = _format_location(location)
    meant = closest_name(str(location[-1]), _settings_at(location[:-1]))
    if meant is not None:
        return f"{where}: unknown setting; did you mean {_format_location((*location[:-1], meant))}?"
    if (place := belongs_in(location)) is not None:
        return f"{where}: unknown setting here; {location[-1]} belongs in {place.rsplit('.', 1)[0]}: write {place}"
    return f"{where}: unknown setting (a typo?); see the configuration reference in README.md"


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
        path += f"[{part}]" if isinstance(part, int) or part == "[]" else (f".{part}" if path else str(part))
    return path.replace("[[]]", "[]")


def describe(error: Mapping[str, Any]) -> list[str]:
    location = _format_location(tuple(error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        hint = MISSING_HINTS.get(str(error["loc"][-1]), "see the configuration reference in README.md")
        return [f"{location}: required but not set; {hint}"]
    if error["type"] == "extra_forbidden":
        return [unknown_setting(tuple(error["loc"]))]
    if error["type"] == "value_error" and not location:
        return message.splitlines()
    given = error.get("input")
    already_shown = error["type"] == "value_error"
    shown = "" if already_shown or isinstance(given, dict | list) or given is None else f" (got {given!r})"
    prefix = f"{location}: " if location else ""
    return [f"{prefix}{message}{shown}"]
