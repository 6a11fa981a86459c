"""The home block put in the home page, and its headings in the page's table of contents.

The block goes in late (the page's `on_page_context`: its figures are the analytics', made
while the other pages are read), after MkDocs made the table of contents from the page's own
headings; so its headings are added there, after the headings above the marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import AnchorLink, get_toc

from mkdocs_postmortems.site import home, home_marker
from mkdocs_postmortems.site.html import searched_as_text

_HEADING_ID = re.compile(r'<h[1-6][^>]*\sid="([^"]+)"')


def put(page: MkDocsPage, block: str) -> None:
    """`block` at the page's marker, searched as text (its lists of other pages are not),
    its headings in `page.toc`."""
    content = page.content or ""
    found = home_marker.find(content)
    if found is None:
        return
    above = set(_HEADING_ID.findall(content, 0, found[0]))
    page.content = home_marker.replace(content, searched_as_text(block))
    headings = home.toc(block)
    added: list[dict[str, Any]] = [
        {"level": level, "id": anchor, "name": name} for level, anchor, name in headings
    ]
    if added:
        tokens: list[Any] = _nest(_with(_flat(page.toc), above, added))
        page.toc = get_toc(tokens)
    ids = set(page.present_anchor_ids or ())
    page.present_anchor_ids = ids | {anchor for _, anchor, _ in headings}


def _flat(links: Iterable[AnchorLink]) -> list[dict[str, Any]]:
    return [
        token
        for link in links
        for token in (
            {"level": link.level, "id": link.id, "name": link.title},
            *_flat(link.children),
        )
    ]


def _with(
    tokens: list[dict[str, Any]], above: set[str], added: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`added` after the last token whose heading is above the marker."""
    at = 0
    for index, token in enumerate(tokens):
        if token["id"] in above:
            at = index + 1
    return [*tokens[:at], *added, *tokens[at:]]


def _nest(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat tokens in page order nested by level, as Python-Markdown's `toc_tokens` are."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in tokens:
        node = {**token, "children": []}
        while stack and stack[-1]["level"] >= node["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(node)
        stack.append(node)
    return root
