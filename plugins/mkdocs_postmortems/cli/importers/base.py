"""What every importer returns, so the `import` command treats all formats alike.

An importer never invents a value: what the source lacks stays out of `data` and is named
in `missing`, for the author (or `--set`) to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Imported:
    """One source document turned into front matter (JSON-shaped, schema order) and a body."""

    data: dict[str, Any]
    body: str
    missing: list[str] = field(default_factory=list)
    """Fields the file still needs to validate, in the words an author understands."""
    notes: list[str] = field(default_factory=list)
    """Things the importer did that the author should check (a guessed factor, a dropped row)."""
    stem: str | None = None
    """Suggested file stem (`2026-03-14-checkout-5xx`); None lets the caller choose."""
