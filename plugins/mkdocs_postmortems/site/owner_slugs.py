"""The slug of an action item owner: one name for their page (`/owners/<slug>/`) and their
calendar (`calendars/owners/<slug>.ics`), so the two always agree.

Slugs are given for the whole set of owners at once (`owner_slugs`), and the catalog does it
once per build (`Catalog.owners`); every page and file reads them from there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

SLUG_LENGTH = 60


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


_LATIN = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d",
     "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "\u0131": "i"}
)  # fmt: skip
"""Latin letters that Unicode does not decompose into an ASCII letter and a mark."""


def slug(owner: str) -> str:
    """A file name for an owner: ASCII letters and digits joined by `-` (`søren.højlund`:
    `soren-hojlund`); a name with none of them gets a digest of itself (`owner-3f2a1b0c`)."""
    latin = unicodedata.normalize("NFKD", owner.translate(_LATIN))
    folded = latin.encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:SLUG_LENGTH].rstrip("-")
    return name or f"owner-{digest(owner)[:8]}"


def owner_slugs(owners: Iterable[str]) -> dict[str, str]:
    """Each owner's file name. Owners whose slugs are one (`Ana Silva`, `ana.silva`): the
    first in code point order keeps it, the others add a digest of their own name, so a name
    does not depend on the order of the knowledge base's files."""
    groups: dict[str, list[str]] = {}
    for owner in sorted(set(owners)):
        groups.setdefault(slug(owner), []).append(owner)
    names = {group[0]: name for name, group in groups.items()}
    taken = set(groups)
    for name, group in sorted(groups.items()):
        for owner in group[1:]:
            hashed, size = digest(owner), 8
            while f"{name}-{hashed[:size]}" in taken:
                size += 4
            names[owner] = f"{name}-{hashed[:size]}"
            taken.add(names[owner])
    return names
