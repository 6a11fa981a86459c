"""Free text -> slugs (`[a-z0-9-]`) for tags, services and file names.

Importers meet names such as `AT&T`, `Sentry (hosted)` or `ś`; the schema wants slugs. Accents
are dropped (`é` -> `e`) rather than the letter, so a name stays recognisable; anything that is
not an ASCII letter or digit becomes one hyphen. A name with no such character gives "", which
the caller must handle (there is nothing honest to put instead).
"""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """`Sentry (hosted)` -> `sentry-hosted`; `straße` -> `strasse`; `決済` -> ``."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def shorten(text: str, limit: int) -> str:
    """A slug of at most `limit` characters, cut at a hyphen when one is in the second half,
    so a file name ends on a whole word."""
    if len(text) <= limit:
        return text
    cut = text.rfind("-", 0, limit + 1)
    if cut <= limit // 2:
        cut = limit
    return text[:cut].rstrip("-")
