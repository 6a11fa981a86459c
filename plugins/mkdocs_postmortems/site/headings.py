"""The section headings of postmortem pages, written as the site's own Markdown writes them.

A postmortem page's sections come from its front matter, so only its body needs Markdown.
Their headings are converted once per build with the site's extensions (ids, permalinks,
`toc_depth`), then reused on every page with their table-of-contents entries: ten headings
through Markdown on each of thousands of pages cost more than the body.

The body's own headings sit beside them: `body_ids` keeps their ids apart from the page's
and the theme's.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions.toc import slugify

from mkdocs_postmortems.core.html_rules import ID_PREFIX, BodyIds, theme_id

TITLE_ID = "postmortem-title"
"""The id of a postmortem page's <h1>, written with its header card."""

_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1>", re.DOTALL)
_ID = re.compile(r'\bid="([^"]*)"')  # in the headings Markdown wrote for the sections


@dataclass(frozen=True)
class Headings:
    """Each title's heading HTML and, unless `toc_depth` leaves it out, its TOC token."""

    html: Mapping[str, str]
    tokens: Mapping[str, dict[str, Any]]
    ids: Mapping[str, str]

    @property
    def reserved(self) -> frozenset[str]:
        """Ids a body's headings must not take: theirs would be the second on the page."""
        return frozenset(self.ids.values()) | {TITLE_ID}

    def toc(self, titles: Iterable[str]) -> list[dict[str, Any]]:
        return [self.tokens[title] for title in titles if title in self.tokens]


def _as_is(html: str, headings: Collection[str]) -> str:
    return html


def render(
    titles: Iterable[str],
    extensions: list[Any] | None = None,
    configs: Mapping[str, Any] | None = None,
    clean: Callable[[str, Collection[str]], str] = _as_is,
) -> Headings:
    """Headings for `titles` at level 2 through Markdown with `extensions` (default: `toc`
    with permalinks), then `clean` (given the heading's id to keep), as the body they sit
    beside. Extensions that make anything else of them get plain headings."""
    titles = list(titles)
    md = markdown.Markdown(
        extensions=extensions if extensions is not None else ["toc"],
        extension_configs=dict(configs) if configs is not None else {"toc": {"permalink": True}},
    )
    written = [
        m.group(0) for m in _HEADING.finditer(md.convert("\n\n".join(f"## {t}" for t in titles)))
    ]
    tokens = _flatten(getattr(md, "toc_tokens", []))
    if len(written) != len(titles):
        return _plain(titles)
    ids: dict[str, str] = {}
    for title, heading in zip(titles, written, strict=True):
        found = _ID.search(heading)
        if found is None:
            return _plain(titles)
        ids[title] = html.unescape(found.group(1))
    by_id = {token["id"]: token for token in tokens}
    return Headings(
        html={
            title: clean(heading, (ids[title],))
            for title, heading in zip(titles, written, strict=True)
        },
        tokens={title: by_id[i] for title, i in ids.items() if i in by_id},
        ids=ids,
    )


def _plain(titles: list[str]) -> Headings:
    ids = {title: slugify(title, "-") for title in titles}
    return Headings(
        html={t: f'<h2 id="{ids[t]}">{html.escape(t)}</h2>' for t in titles},
        tokens={
            t: {"level": 2, "id": ids[t], "name": html.escape(t), "children": []} for t in titles
        },
        ids=ids,
    )


def _flatten(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for token in tokens:
        out.append({**token, "children": []})
        out.extend(_flatten(token.get("children", [])))
    return out


def body_ids(toc: Iterable[str], reserved: frozenset[str]) -> BodyIds:
    """Where a body's ids go on its page, given the ids of its headings in the table of
    contents (in order) and those the page has around it (`Headings.reserved`).

    A heading keeps the id Markdown gave it unless the page has it already (it becomes
    `timeline_1`, as the `toc` extension would have named a second one) or the theme may
    have it (an id starting with `_`, see `html_rules.theme_id`: it is prefixed like any
    other id of the body)."""
    toc = list(toc)
    present = set(toc) | reserved
    moved: dict[str, str] = {}
    for old in toc:
        if old in reserved:
            n = 1
            while f"{old}_{n}" in present:
                n += 1
            moved[old] = f"{old}_{n}"
            present.add(moved[old])
        elif theme_id(old):
            moved[old] = ID_PREFIX + old
        else:
            moved[old] = old
    return BodyIds(moved, reserved)
