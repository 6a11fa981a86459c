"""What every generated page shares: the page record, badges, term links, times."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.headings import Headings
from mkdocs_postmortems.site.html import searched_as_text

SLOT = "@@postmortems-slot-{}@@"
"""Placeholder paragraph in a page's Markdown, replaced by trusted HTML after rendering,
so generated HTML never passes through Markdown and costs nothing to parse."""

KIND_LABELS = {
    "severity": "Severity",
    "services": "Services",
    "teams": "Teams",
    "factors": "Contributing factors",
}


@dataclass
class Page:
    """A generated page: Markdown with slot paragraphs, and the HTML for each slot."""

    src_uri: str
    title: str
    markdown: str = ""
    slots: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    """Repository path of the file this page shows, for the edit link."""
    sanitize: bool = False
    """Whether the rendered Markdown holds author-written text that must be sanitised."""
    origin: tuple[str, int] | None = None
    """The file the Markdown comes from and the line of its first line there: where
    what the sanitiser removes is reported."""
    search: bool = True
    draft: bool = False
    hide: list[str] = field(default_factory=list)
    """Material's `hide` (`toc`, `navigation`): the browse table needs the width."""
    in_nav: bool = False
    """Indexes belong in an automatic nav; thousands of postmortem pages do not."""
    before: list[tuple[str | None, str]] = field(default_factory=list)
    """Sections above the rendered Markdown: (heading title or None, trusted HTML). Their
    headings come from `headings.render`, so they never pass through Markdown per page."""
    after: list[tuple[str | None, str]] = field(default_factory=list)

    def slot(self, name: str, html: str) -> str:
        """Register a slot and return its Markdown placeholder paragraph."""
        self.slots[name] = html
        return "\n" + SLOT.format(name) + "\n"

    def fill(self, rendered: str) -> str:
        """The rendered page with its slots, each marked for `html.search_view`."""
        for name, html in self.slots.items():
            rendered = rendered.replace(f"<p>{SLOT.format(name)}</p>", searched_as_text(html), 1)
        return rendered

    def framed(self, body: str, headings: Headings) -> str:
        """The rendered Markdown `body` between the sections, each marked as a slot is."""

        def section(heading: str | None, html: str, kept: bool = False) -> str:
            marked = searched_as_text(html)
            if heading is None:
                return marked
            # An empty comment after a heading keeps it in the search view (`search_view`
            # drops a heading right before a marked fragment): the sections after the body
            # are found under their first heading, not under the body's last one.
            return f"{headings.html[heading]}\n{'<!---->' if kept else ''}{marked}"

        parts = [section(*s) for s in self.before]
        if body:
            parts.append(body)
        first = next((i for i, (heading, _) in enumerate(self.after) if heading), None)
        parts.extend(section(*s, kept=i == first) for i, s in enumerate(self.after))
        return "\n".join(parts)

    def toc(self, headings: Headings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The TOC tokens of the sections before and after the body."""
        return headings.toc(_titles(self.before)), headings.toc(_titles(self.after))

    def anchors(self, headings: Headings) -> set[str]:
        """The ids of the sections' headings: anchors other pages may link to."""
        return {headings.ids[title] for title in _titles(self.before + self.after)}


def _titles(sections: list[tuple[str | None, str]]) -> list[str]:
    return [heading for heading, _ in sections if heading is not None]


def term_label(catalog: Catalog, kind: str, key: str) -> str:
    if kind == "factors":
        factor = (catalog.taxonomy.contributing_factors or {}).get(key)
        return factor.label if factor else key
    if kind == "severity":
        level = catalog.taxonomy.severities.get(key)
        return f"{key} · {level.label}" if level else key
    return key
