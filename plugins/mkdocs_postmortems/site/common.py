"""What every generated page shares: the page record, badges, term links, times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.core.html_rules import tooltip
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.headings import Headings
from mkdocs_postmortems.site.html import esc, link, searched_as_text, unsearched

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


def severity_badge(catalog: Catalog, level: str | None) -> str:
    if level is None:
        return ""
    rank = catalog.taxonomy.rank(level)
    info = catalog.taxonomy.severities.get(level)
    label = f"{level} · {info.label}" if info else level
    title = f' title="{esc(tooltip(info.description))}"' if info else ""
    return f'<span class="pm-sev pm-sev-{min(rank, 5)}"{title}>{esc(label)}</span>'


def term_label(catalog: Catalog, kind: str, key: str) -> str:
    if kind == "factors":
        factor = (catalog.taxonomy.contributing_factors or {}).get(key)
        return factor.label if factor else key
    if kind == "severity":
        level = catalog.taxonomy.severities.get(key)
        return f"{key} · {level.label}" if level else key
    return key


def term_links(catalog: Catalog, here: str, kind: str, keys: list[str]) -> str:
    return ", ".join(
        link(catalog.links.rel(here, urls.term(kind, key)), term_label(catalog, kind, key))
        for key in keys
    )


def when(value: dt.datetime | None) -> str:
    """A timestamp as its author wrote it (own offset), machine-readable in <time>."""
    if value is None:
        return "\u2013"
    iso = value.isoformat()  # YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]; strftime is slower
    shown = f"{iso[:10]} {iso[11 : 19 if value.second else 16]}"
    offset = iso[-6:] if value.utcoffset() else "UTC"
    return f'<time datetime="{esc(iso)}">{esc(shown)} {offset}</time>'


def day(value: dt.date | None) -> str:
    if value is None:
        return "\u2013"
    return f'<time datetime="{value.isoformat()}">{value.isoformat()}</time>'


def summary_item(catalog: Catalog, here: str, item: Published) -> str:
    """One postmortem in a listing: title, id, date, severity and its summary."""
    pm = item.postmortem
    started = pm.started_at.date() if pm.started_at else pm.date
    parts = [
        '<li class="pm-summary">',
        link(catalog.links.rel(here, item.src_uri), item.title, "pm-summary__title"),
        f' <span class="pm-summary__meta">{esc(item.id)} · {day(started)} · '
        f"{severity_badge(catalog, pm.severity)}</span>",
    ]
    if pm.summary:
        parts.append(f'<p class="pm-summary__text">{esc(pm.summary)}</p>')
    parts.append("</li>")
    return "".join(parts)


def summary_list(catalog: Catalog, here: str, items: list[Published]) -> str:
    if not items:
        return '<p class="pm-empty">No postmortems yet.</p>'
    return unsearched(
        '<ul class="pm-summaries">\n'
        + "\n".join(summary_item(catalog, here, i) for i in items)
        + "\n</ul>"
    )
