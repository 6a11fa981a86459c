"""A link checker over a built site folder, as a browser would follow its links.

Every `href` and `src` of every HTML page that stays on the site must reach a file of the
folder (a folder URL reaching its index.html), and a `#fragment` an id of the page it
reaches. Used on sites that generators build from `postmortems generate` output, whose
links no plugin has checked.
"""

from __future__ import annotations

import html.parser
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIPPED_SCHEMES = ("http", "https", "mailto", "tel", "data", "javascript", "webcal")


@dataclass
class _Page(html.parser.HTMLParser):
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in ("href", "src") and tag != "base":  # a, link, img, script, use...
                self.links.append(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    """Each link of the site's pages that reaches nothing: 'page.html: href'."""
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed: dict[str, _Page] = {}

    def page(rel: str) -> _Page:
        if rel not in parsed:
            parsed[rel] = _parse(pages[rel])
        return parsed[rel]

    broken = []
    for rel in pages:
        for href in page(rel).links:
            parts = urlsplit(href)
            if parts.scheme in SKIPPED_SCHEMES or parts.netloc or href.startswith("//"):
                continue
            if parts.scheme:
                broken.append(f"{rel}: {href} (unexpected scheme)")
                continue
            target = _target(rel, unquote(parts.path), site)
            if target is None:
                broken.append(f"{rel}: {href}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.endswith(".html") and fragment not in page(target).ids:
                broken.append(f"{rel}: {href} (no id {fragment!r})")
    return broken


def _target(here: str, path: str, site: Path) -> str | None:
    """The file of the site a link from page `here` reaches, relative to the site."""
    if not path:
        return here
    joined = (
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(here), path)
    )
    rel = posixpath.normpath(joined)
    if rel.startswith("../") or rel == "..":
        return None
    if rel == ".":
        rel = ""
    candidate = site / rel
    if candidate.is_dir():
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
        candidate = site / rel
    return rel if candidate.is_file() else None
