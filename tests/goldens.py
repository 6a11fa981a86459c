"""Golden files in tests/golden/: generated pages compared as text; UPDATE_GOLDEN=1 rewrites."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs_postmortems.site.common import Page

GOLDEN = Path(__file__).parent / "golden"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see tests/golden/"


def dump(page: Page) -> str:
    """A page as reviewable text: its Markdown, each slot's HTML, then the sections around it."""
    parts = [f"src_uri: {page.src_uri}\ntitle: {page.title}\n", "=== markdown ===\n", page.markdown]
    if page.markdown and not page.markdown.endswith("\n"):
        parts.append("\n")
    for name, html in page.slots.items():
        parts.append(f"=== slot {name} ===\n{html}\n")
    for where, sections in (("before", page.before), ("after", page.after)):
        for heading, html in sections:
            parts.append(f"=== {where} the body: {heading or '(no heading)'} ===\n{html}\n")
    return "".join(parts)
