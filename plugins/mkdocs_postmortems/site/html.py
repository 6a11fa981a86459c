"""Small HTML builders: every piece of postmortem text passes through `esc` on its way out."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_UNSEARCHED = ("<!--nosearch-->", "<!--/nosearch-->")
_TAG_BUT_HEADING = re.compile(r"<(?!/?h[1-6][\s>])[^>]*>")
_TAG = re.compile(r"<[^>]*>")


_SPECIAL = re.compile(r"[&<>\"']")


def esc(value: object) -> str:
    """Text -> HTML text or attribute value; quotes too, so it is safe in both. Most text
    has nothing to escape, and one search says so faster than five replacements."""
    text = value if type(value) is str else str(value)
    return html.escape(text, quote=True) if _SPECIAL.search(text) else text


def text_only(fragment: str) -> str:
    """Generated HTML as its text, still escaped, keeping only headings, which divide a page
    into search sections: what a search index needs, at a fraction of the parsing. Parts
    marked `unsearched` are left out."""
    if _UNSEARCHED[0] in fragment:
        fragment = _without_unsearched(fragment)
    tags = _TAG_BUT_HEADING if "<h" in fragment else _TAG  # the simpler is much the faster
    return " ".join(tags.sub(" ", fragment).split())


def _without_unsearched(fragment: str) -> str:
    """Each part from an opening marker to the first closing one after it, as a space
    (`re.sub` of `<!--nosearch-->.*?<!--/nosearch-->`, which took half of `text_only`)."""
    opening, closing = _UNSEARCHED
    kept = []
    done = 0
    while (start := fragment.find(opening, done)) != -1:
        end = fragment.find(closing, start + len(opening))
        if end == -1:
            break
        kept.append(fragment[done:start])
        done = end + len(closing)
    kept.append(fragment[done:])
    return " ".join(kept)


_AS_TEXT = ("<!--pm-text-->", "<!--/pm-text-->")
_CLOSING_HEADING = re.compile(r"</h([1-6])>$")


def _without_last_heading(html: str) -> str:
    """`html` without the heading it ends with, if it ends with one (and whitespace)."""
    stripped = html.rstrip()
    closing = _CLOSING_HEADING.search(stripped, max(0, len(stripped) - 5))
    if closing is None:
        return html
    opening = stripped.rfind(f"<h{closing.group(1)}")  # headings hold no headings
    return html if opening == -1 else html[:opening]


def searched_as_text(fragment: str) -> str:
    """Mark generated HTML to be indexed by its text: see `search_view`."""
    return f"{_AS_TEXT[0]}{fragment}{_AS_TEXT[1]}"


def search_view(content: str) -> str:
    """A page as search should parse it: each marked fragment as one paragraph of text,
    without the heading that introduces it.

    Search parses every tag of what it is given, and the cards and tables of generated
    pages are most of their tags but little of their words. Without their headings, the
    sections of a postmortem's front matter are one search entry, not ten, each repeating
    the page's address and title in the index. Derived when search asks, so no second copy
    of every page waits in memory. Authors cannot forge the markers: the sanitiser removes
    comments from bodies."""

    opening, closing = _AS_TEXT
    parts = []
    done = 0
    while (start := content.find(opening, done)) != -1:
        end = content.find(closing, start)
        if end == -1:
            break
        parts.append(_without_last_heading(content[done:start]))
        text = text_only(content[start + len(opening) : end])
        if text:
            parts.append(f"<p>{text}</p>")
        done = end + len(closing)
    parts.append(content[done:])
    return "".join(parts)


def unsearched(fragment: str) -> str:
    """Keep a fragment out of the search index: lists of other pages, which would make a
    search find every page that links to the one sought."""
    return f"{_UNSEARCHED[0]}{fragment}{_UNSEARCHED[1]}"


def link(href: str, text: str, cls: str | None = None) -> str:
    attr = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}"{attr}>{esc(text)}</a>'


def table(
    head: Iterable[str],
    rows: Iterable[Iterable[str]],
    cls: str = "",
    row_classes: Iterable[str] | None = None,
) -> str:
    """A table from already-escaped cells; `row_classes` styles rows (overdue, say)."""
    out = [
        f'<div class="pm-table-wrap"><table class="pm-table {cls}'.rstrip() + '">',
        "<thead><tr>",
    ]
    out.append("\n".join(f'<th scope="col">{cell}</th>' for cell in head))
    out.append("</tr></thead>\n<tbody>")
    classes = iter(row_classes or ())
    for row in rows:
        row_class = next(classes, "")
        tr = f'<tr class="{row_class}">' if row_class else "<tr>"
        # Whitespace between cells keeps their words apart in the search index.
        out.append(tr + "\n".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)
