"""The file names a knowledge base accepts, and the one test of them.

A postmortem's file name becomes its page's URL, its edit link and the `url` of the data
exports. Keeping names to a small safe set means no name can break out of an attribute or a
URL, whatever encoding a later consumer forgets; URLs are still percent-encoded everywhere.
"""

from __future__ import annotations

import re

SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
"""Letters, digits, `.`, `_` and `-`: the characters of a file name that need no encoding."""

SAFE_SET = "letters, digits, '.', '_' and '-'"
"""How error messages describe `SAFE_NAME`."""


def is_safe_name(name: str) -> bool:
    """True for one path component made only of the safe set (ASCII letters and digits)."""
    return bool(SAFE_NAME.fullmatch(name)) and name not in {".", ".."}


def unsafe_parts(relative: str) -> list[str]:
    """The components of a `/`-separated relative path that are not safe names."""
    return [part for part in relative.split("/") if not is_safe_name(part)]
