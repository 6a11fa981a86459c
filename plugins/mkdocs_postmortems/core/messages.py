"""Pydantic's validation errors -> `field.path: expected X, got Y` diagnostics.

Pydantic's own wording ("Input should be a valid string") names neither the place in the
file nor a fix; this maps each error to the value's line and column and to a sentence a
postmortem author can act on.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.schema import got
from mkdocs_postmortems.core.strict_yaml import Marks, Path

_EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
}


# Names people bring from the templates or other tools, and where their value belongs.
FIELD_HINTS: dict[str, str] = {
    "duration": "durations are computed from started_at, mitigated_at and resolved_at",
    "ticket": "put it under links, e.g. links: {ticket: https://...}",
    "incident": "use title",
    "author": "use authors, a list",
    "hotfix_tag": "use hotfix.tag",
    "parent_release": "use hotfix.parent_release",
    "root_cause": "use trigger for the immediate cause and the body for the analysis",
    "lessons_learned": "lessons belong in the body, under ## Lessons Learned",
    "owner": "owners belong to action items",
    "attendees": "use review.attendees",
    "start_time": "use started_at",
    "end_time": "use resolved_at",
    "categories": "use contributing_factors or tags",
}


# What the seed templates and common habit write where the schema has a fixed word.
SYNONYMS: dict[str, str] = {
    "not started": "open",
    "todo": "open",
    "to do": "open",
    "new": "open",
    "started": "in-progress",
    "in progress": "in-progress",
    "ongoing": "in-progress",
    "completed": "done",
    "complete": "done",
    "closed": "done",
    "fixed": "done",
    "won't do": "wont-do",
    "wontfix": "wont-do",
    "cancelled": "wont-do",
    "canceled": "wont-do",
    "prevent recurrence": "prevent",
    "improve detection": "detect",
    "improve response": "respond",
    "full fix": "full",
    "temporary workaround": "workaround",
    "temporary": "workaround",
    "unit tests": "unit",
    "integration tests": "integration",
    "manual verification": "manual",
    "staging validation": "staging",
    "canary deployment": "canary",
    "med": "medium",
    "p0": "high",
    "this sprint": "immediate",
    "immediate actions": "immediate",
    "this quarter": "quarter",
    "medium-term": "quarter",
    "long term": "long-term",
    "review": "in-review",
    "final": "published",
}


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def field_name(path: Path) -> str:
    """`action_items[2].due` from ('action_items', 2, 'due')."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _PLAIN_KEY.fullmatch(part) else repr(part)
            out += f".{name}" if out else name
    return out


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """` (did you mean 'x'?)`, or nothing when no choice is close."""
    options = list(choices)
    for option in options:
        if option.casefold() == word.casefold():
            return f" (did you mean {option!r}?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 4:
        close = [o for o in options if o.casefold().startswith(word.casefold())][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[Path, bool]:
    """Keep the parts of pydantic's `loc` that address the input (dropping its
    union-member and validator tags); also say whether the last part is a dict key."""
    path: list[str | int] = []
    node = data
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part == loc[-1]:
            path.append(part)  # a missing or unknown field: not in the data by nature
            node = None
    return tuple(path), is_key


def _model_fields_at(model: type[BaseModel], path: Path) -> list[str]:
    """Field names of the model that validates the mapping at `path`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType, dict):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


_NOT_FINITE = re.compile(r"^[+-]?\.?(inf|infinity|nan)$", re.IGNORECASE)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _sentence(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        hint = ""
        if isinstance(value, str):
            synonym = SYNONYMS.get(value.strip().casefold())
            hint = f" (did you mean {synonym!r}?)" if synonym in expected.split(", ") else ""
            hint = hint or suggest(value, expected.split(", "))
        return f"expected one of {expected}; got {got(value)}{hint}"
    if kind == "float_parsing" and isinstance(value, str) and _NOT_FINITE.match(value):
        return f"expected a finite number, got {got(value)}"
    if kind in _EXPECTED:
        hint = ""
        if isinstance(value, dict) and len(value) == 1 and None in value.values():
            hint = " ({…} is a YAML mapping: replace the template placeholder, or quote it)"
        return f"expected {_EXPECTED[kind]}, got {got(value)}{hint}"
    if kind == "greater_than_equal":
        return f"expected a number of at least {_number(ctx.get('ge'))}, got {got(value)}"
    if kind == "greater_than":
        return f"expected a number above {_number(ctx.get('gt'))}, got {got(value)}"
    if kind == "too_short":
        return "expected at least one item, got none"
    if kind == "string_too_short":
        return f"expected text, got {got(value)}"
    return f"{error['msg']}, got {got(value)}"


def from_validation_error(
    error: ValidationError, path: str, data: Any, marks: Marks, model: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, in file order."""
    out: list[Diagnostic] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        field_path, is_key = _data_path(data, loc)
        kind = item["type"]
        if kind == "missing":
            line, column = marks.value(field_path[:-1])
            message = "missing required field"
        elif kind == "extra_forbidden":
            line, column = marks.key(field_path)
            name = str(field_path[-1]) if field_path else ""
            allowed = _model_fields_at(model, field_path[:-1])
            known = FIELD_HINTS.get(name.casefold())
            if known and (len(field_path) == 1 or name.casefold() == "duration"):
                hint = f" ({known})"
            else:
                hint = suggest(name, allowed)
            if not name:
                hint = " (an empty key)"
            elif name.strip() != name:
                hint += f" ({name!r} has leading or trailing spaces)"
            elif not name.isascii():
                hint += f" ({name!r} has non-ASCII characters)"
            message = f"unknown field{hint}"
            if not hint and allowed:
                message += f"; expected one of {', '.join(allowed)}"
        elif is_key:
            line, column = marks.key(field_path)
            message = _sentence(item).replace("expected ", "expected a key that is ", 1)
        else:
            line, column = marks.value(field_path)
            message = _sentence(item)
        out.append(Diagnostic(path, line, column, field_name(field_path), message))
    return sorted(out)
