"""The home page's block, for readers: what happened lately, what needs attention, the ways in.

The counts say what they count (published, in review), and the figures are the analytics'
(drafts left out, even under `mkdocs serve`). Rendered from `home/block.html`, which a site
may override like every page template. The plugin puts the block at the home page's marker
(`home_marker`) and its headings in the page's table of contents (`toc`).
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from typing import Any

from mkdocs_postmortems.core.deadlines import LatePublication
from mkdocs_postmortems.site import templates, urls
from mkdocs_postmortems.site.catalog import Catalog, Published

LATEST = 5
"""Postmortems under "What happened lately"."""
WAITING = 5
"""Postmortems in review, and late ones, named under "Needs attention" before "and N more"."""


@dataclass(frozen=True)
class Home:
    """What the block reads of a catalog: a few postmortems and counts, not all of them, so
    the corpus can go while MkDocs renders the other pages."""

    catalog: Catalog
    latest: list[Published]
    in_review: list[Published]
    counts: dict[str, int]
    """Postmortems on the site by status (`published`, `in-review`, `draft` under serve)."""
    late: list[tuple[LatePublication, Published | None]]
    """Postmortems past their publish deadline, each with its page if it has one."""
    tagged: bool
    """Whether any postmortem has tags, so that `/tags/` has something to list."""


def _status(item: Published) -> str:
    return item.postmortem.status or "published"  # the schema's default


def home_catalog(catalog: Catalog) -> Home:
    """The home block's share of a catalog, taken while the whole catalog is at hand."""
    items = catalog.items
    counts: dict[str, int] = {}
    for item in items:
        counts[_status(item)] = counts.get(_status(item), 0) + 1
    latest = [i for i in items if _status(i) == "published"][:LATEST]
    in_review = [i for i in items if _status(i) == "in-review"]
    pages = {item.entry.path: item for item in items}
    late = [(late, pages.get(late.path)) for late in catalog.late]
    kept = {id(i) for i in latest} | {id(i) for i in in_review[:WAITING]}
    kept |= {id(page) for _, page in late[:WAITING] if page is not None}
    thin = dataclasses.replace(
        catalog, items=[i for i in items if id(i) in kept], by={}, problems=[], late=[]
    )
    return Home(
        catalog=thin,
        latest=latest,
        in_review=in_review,
        counts=counts,
        late=late,
        tagged=any(item.postmortem.tags for item in items),
    )


def home_block(home: Home, figures: dict[str, Any], here: str) -> str:
    """The block's HTML, for the page `here` (its src_uri: links are relative to it)."""
    kinds = [
        (urls.term_index(kind), label)
        for kind, label in (
            ("severity", "severity"),
            ("services", "service"),
            ("teams", "team"),
            ("factors", "contributing factor"),
        )
    ]
    kinds.append((urls.OWNERS, "owner"))
    if home.tagged:
        kinds.append((urls.TAGS, "tag"))
    return templates.render(
        home.catalog.templates,
        "home/block.html",
        catalog=home.catalog,
        here=here,
        home=home,
        figures=figures,
        kinds=kinds,
        waiting=WAITING,
        browse=urls.BROWSE,
        analytics=urls.ANALYTICS,
        action_items=urls.ANALYTICS_PAGES["action-items"],
        owners=urls.OWNERS,
        reports=urls.REPORTS,
        subscribe="subscribe.md",
    )


_HEADING = re.compile(r'<h([2-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def toc(block: str) -> list[tuple[int, str, str]]:
    """The block's headings as (level, id, title as escaped text, as MkDocs' TOC holds
    titles): the plugin adds them to the home page's table of contents, which MkDocs made
    before the block was put in."""
    return [
        (int(level), html.unescape(anchor), _TAG.sub("", title).strip())
        for level, anchor, title in _HEADING.findall(block)
    ]
