"""The body of an imported postmortem: the source's text, then a "Source" list of the source
fields that have no exact place in the front matter (an http:// link, a date without a time,
a company's spelling), so that an import loses nothing and invents nothing. An http:// link,
which a body may not hold, is kept as code: its text, not a link.

Values are written as Markdown text, escaped: they come from someone else's file and must
not turn into links, emphasis or raw HTML on the site.
"""

from __future__ import annotations

import re

from mkdocs_postmortems.cli.importers import body_links

HEADING = "## Source"

_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>@]+", re.IGNORECASE)
_MARKDOWN = re.compile(r"([\\`*_\[\]{}])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def body(text: str, kept: list[tuple[str, str]]) -> str:
    """`text` without its leading blank lines, then `## Source` and one `- key: value` line
    per kept pair; "" when there is neither."""
    parts = []
    description = _LEADING_BLANK_LINES.sub("", text).rstrip()
    description = body_links.publishable(description)[0]
    if description:
        parts.append(description)
    if kept:
        lines = "\n".join(f"- {_key(key)}: {inline(value)}" for key, value in kept)
        parts.append(f"{HEADING}\n\n{lines}")
    return "\n" + "\n\n".join(parts) + "\n" if parts else ""


def inline(value: str) -> str:
    """One line of Markdown that shows `value` as written: an https address as a link (not
    one with a user name before @, which hides the real host), an http one as code (a body's
    links are https, as front matter's), anything else escaped."""
    text = " ".join(value.split())
    if _WEB_ADDRESS.fullmatch(text):
        if text[:6].lower() == "https:":
            return f"<{text}>"
        if "`" not in text:
            return f"`{text}`"
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def _key(key: str) -> str:
    return f"`{key}`" if _PLAIN_KEY.fullmatch(key) else inline(key)
