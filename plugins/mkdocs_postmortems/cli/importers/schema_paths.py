"""Dotted field paths over the schema: `--set hotfix.tag=v4.12.1`, and schema order.

A `--set` value fills a field only where the imported document left it out: the document
is the record, the command line a default for what it lacks. Paths are checked against the
models before any file is read, so a typo fails the run rather than every file.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from mkdocs_postmortems.core import strict_yaml
from mkdocs_postmortems.core.messages import suggest
from mkdocs_postmortems.core.schema import Postmortem


class SettingError(ValueError):
    """A `--set` argument that names no field or gives no usable value."""


@dataclass(frozen=True)
class Setting:
    path: tuple[str, ...]
    value: Any
    text: str

    @property
    def name(self) -> str:
        return ".".join(self.path)


def _shape(annotation: Any) -> tuple[str, Any]:
    """("model", cls) | ("list", element) | ("dict", value) | ("scalar", annotation)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(members[0]) if len(members) == 1 else ("scalar", annotation)
    if origin is list:
        return "list", typing.get_args(annotation)[0]
    if origin is dict:
        return "dict", typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    return "scalar", annotation


def _leaf(path: tuple[str, ...]) -> tuple[str, Any]:
    """The shape of the field a path names; SettingError when it names none."""
    model: type[BaseModel] = Postmortem
    shown = ".".join(path)
    for index, part in enumerate(path):
        fields = model.model_fields
        if part not in fields:
            where = ".".join(path[:index]) or "the front matter"
            raise SettingError(
                f"--set {shown}: {where} has no field {part!r}{suggest(part, fields)}"
            )
        kind, inner = _shape(fields[part].annotation)
        last = index == len(path) - 1
        if kind == "list" and _shape(inner)[0] == "model":
            kind, inner = _shape(inner)  # each item of a list of mappings
        if kind == "model":
            if last:
                names = ", ".join(f"{shown}.{name}" for name in inner.model_fields)
                raise SettingError(f"--set {shown}: expected one of its fields: {names}")
            model = inner
            continue
        if kind == "dict":
            if index != len(path) - 2:
                raise SettingError(f"--set {shown}: expected {part}.NAME=VALUE")
            return "scalar", inner
        if not last:
            raise SettingError(f"--set {shown}: {part} has no fields")
        return kind, inner
    raise SettingError(f"--set {shown}: expected a field name")  # pragma: no cover


def _scalar(text: str, shown: str) -> Any:
    try:
        value = strict_yaml.load(text)[0]
    except strict_yaml.YamlError as error:
        raise SettingError(f"--set {shown}: {error.message}") from None
    if value is None:
        raise SettingError(f"--set {shown}: expected a value, got nothing")
    if not isinstance(value, str):
        raise SettingError(
            f"--set {shown}: expected one value, got a list or mapping "
            "(quote a value that contains ': ', e.g. title='\"Checkout: 5xx\"')"
        )
    return value


def _typed(value: str, annotation: Any) -> Any:
    """`1200` for a number field becomes 1200 and `true` for a yes/no field true, as a
    document's own values are; dates, times and text stay as written."""
    try:
        result = TypeAdapter(annotation).dump_python(
            TypeAdapter(annotation).validate_python(value), mode="json"
        )
    except (ValidationError, TypeError, ValueError):
        return value
    return result if isinstance(result, bool | int | float) else value


def parse(text: str) -> Setting:
    """`FIELD=VALUE`; a list field takes comma-separated values (or a `[a, b]` list)."""
    name, equals, raw = text.partition("=")
    name = name.strip()
    if not equals or not name:
        raise SettingError(f"--set {text!r}: expected FIELD=VALUE, e.g. status=draft")
    path = tuple(name.split("."))
    kind, inner = _leaf(path)
    if kind != "list":
        return Setting(path, _typed(_scalar(raw, name), inner), text)
    stripped = raw.strip()
    if stripped.startswith("["):
        try:
            items = strict_yaml.load(stripped)[0]
        except strict_yaml.YamlError as error:
            raise SettingError(f"--set {name}: {error.message}") from None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise SettingError(f"--set {name}: expected a list of values")
    else:
        items = [_scalar(part, name) for part in stripped.split(",") if part.strip()]
    if not items:
        raise SettingError(f"--set {name}: expected at least one value")
    return Setting(path, items, text)


def apply(data: dict[str, Any], setting: Setting) -> list[str]:
    """Fill the field where the document left it out; notes where the document's own
    value was kept instead."""
    return _fill(data, setting.path, setting, ())


def _fill(
    target: dict[str, Any], path: tuple[str, ...], setting: Setting, done: tuple[str | int, ...]
) -> list[str]:
    head, rest = path[0], path[1:]
    if not rest:
        current = target.get(head)
        if current in (None, [], {}, ""):
            target[head] = setting.value
            return []
        if current == setting.value:
            return []
        where = _name((*done, head))
        return [f"kept {where}: {current!r} from the document; --set {setting.text} not applied"]
    child = target.get(head)
    if isinstance(child, list):
        notes = []
        for index, item in enumerate(child):
            if isinstance(item, dict):
                notes += _fill(item, rest, setting, (*done, head, index))
        return notes
    if child is None:
        child = target[head] = {}
    if not isinstance(child, dict):
        return [f"{_name((*done, head))} is not a mapping; --set {setting.text} not applied"]
    return _fill(child, rest, setting, (*done, head))


def _name(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def ordered(data: dict[str, Any], model: type[BaseModel] = Postmortem) -> dict[str, Any]:
    """The same data with keys in the schema's order (unknown keys last, for validation
    to name)."""
    out: dict[str, Any] = {}
    fields = model.model_fields
    for name in [*fields, *(k for k in data if k not in fields)]:
        if name not in data:
            continue
        value = data[name]
        kind: str = "scalar"
        inner: Any = None
        if name in fields:
            kind, inner = _shape(fields[name].annotation)
        if kind == "list" and _shape(inner)[0] == "model" and isinstance(value, list):
            value = [ordered(v, _shape(inner)[1]) if isinstance(v, dict) else v for v in value]
        elif kind == "model" and isinstance(value, dict):
            value = ordered(value, inner)
        out[name] = value
    return out
