"""Diagnostics: the one shape every problem with a user's file is reported in.

Errors are data, not exceptions, so a run can collect every problem at once and
each front end (CLI text, GitHub annotations, JSON, MkDocs warnings) formats the same list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning", "notice"]
"""Only errors make a file invalid (and `validate` exit 1); a warning is a problem that does
not, a notice is news for the reader (`recurrence`), never a problem."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: `path:line:col: field: message`."""

    path: str
    line: int
    column: int
    field: str
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        path = self.path if self.path.isprintable() else repr(self.path)
        where = f"{path}:{self.line}:{self.column}"
        prefix = "" if self.level == "error" else f"{self.level}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {prefix}{field}{self.message}"


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.level == "error" for d in diagnostics)


def _github_escape(text: str, *, prop: bool = False) -> str:
    # GitHub's workflow-command escaping; properties also escape ':' and ','.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(f"{d}\n" for d in diagnostics)


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = ",".join(
            [
                f"file={_github_escape(d.path, prop=True)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={_github_escape(d.field or 'postmortem', prop=True)}",
            ]
        )
        message = f"{d.field}: {d.message}" if d.field else d.message
        lines.append(f"::{d.level} {props}::{_github_escape(message)}\n")
    return "".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
