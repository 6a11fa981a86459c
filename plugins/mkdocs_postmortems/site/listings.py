"""Browse pages: the table of all postmortems, one page per severity, service, team, factor
and tag, and their indexes.

Python gathers what each page shows (models and strings); the templates under
`templates/listings/` write and escape the HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_postmortems.site import templates, urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import KIND_LABELS, Page, term_label
from mkdocs_postmortems.site.figures import LIST_LIMIT

if TYPE_CHECKING:
    from mkdocs_postmortems.site.owners import Workload


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


KIND_NOUN = {"severity": "severity", "services": "service", "teams": "team", "factors": "factor"}
STATUSES = ("published", "in-review", "draft")
"""The statuses in the order the browse filter offers them (drafts only under `serve`)."""
TAG = "tags"
"""The browse filter's name for tags, and its URL parameter."""


def terms(catalog: Catalog, kind: str) -> list[str]:
    """The keys of a kind: the taxonomy's, in its order, then any others used, sorted."""
    taxonomy = catalog.taxonomy
    declared: list[str] = {
        "severity": list(taxonomy.severities),
        "services": list(taxonomy.services or []),
        "teams": list(taxonomy.teams or []),
        "factors": list(taxonomy.contributing_factors or {}),
    }[kind]
    extra = sorted(set(catalog.by[kind]) - set(declared))
    return declared + extra


def by_tag(catalog: Catalog) -> dict[str, list[Published]]:
    """Each tag used -> its postmortems, in the catalog's order (newest first); tags sorted."""
    found: dict[str, list[Published]] = {}
    for item in catalog.items:
        for tag in dict.fromkeys(item.postmortem.tags):
            found.setdefault(tag, []).append(item)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Choice:
    """One option of a browse filter: the value in the URL and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Filter:
    name: str
    """The control's `data-filter` and its URL parameter."""
    noun: str
    choices: list[Choice]


@dataclass(frozen=True)
class Row:
    """One postmortem in the browse table: plain values, for the template to write."""

    item: Published
    started_utc: str
    """Sorted in UTC, so offsets cannot reorder incidents; shown as the author's day."""
    resolve: float | None
    text: str
    """What the free-text filter matches, lowered as browse.js lowers what is typed."""
    started: dt.date | None = None
    """The day it started, as its author wrote it."""
    services: str = ""
    teams: str = ""
    factors: str = ""
    tags: str = ""
    """Each list of keys joined by spaces, as the filters read them."""
    title_key: str = ""
    """The title lowered: what the title column sorts by."""
    rank: str = ""
    """The severity's rank (`Taxonomy.rank`), empty without a severity."""
    resolve_key: str = ""
    """The time to resolve as the column sorts it (`%.3f` minutes), empty without one."""
    overdue: int = 0
    """How many of its action items are overdue."""


def _row(catalog: Catalog, item: Published) -> Row:
    """The row's values, worked out here once rather than by filters in the template."""
    pm = item.postmortem
    started = pm.started_at
    text = " ".join(
        [item.id, item.title, pm.summary or "", *pm.services, *pm.teams, *pm.tags]
        + [term_label(catalog, "factors", f) for f in pm.contributing_factors]
    ).lower()  # casefold() would turn ß into ss, which what is typed never becomes
    resolve = item.durations["time_to_resolve"]
    return Row(
        item,
        utc(started) if started else "",
        resolve,
        text,
        started=started.date() if started else None,
        services=" ".join(pm.services),
        teams=" ".join(pm.teams),
        factors=" ".join(pm.contributing_factors),
        tags=" ".join(pm.tags),
        title_key=item.title.lower(),
        rank=str(catalog.taxonomy.rank(pm.severity)) if pm.severity else "",
        resolve_key="" if resolve is None else f"{resolve:.3f}",
        overdue=len(item.overdue),
    )


def _filters(catalog: Catalog, tags: list[str]) -> list[Filter]:
    made = [
        Filter(
            kind,
            KIND_NOUN[kind],
            [
                Choice(key, term_label(catalog, kind, key))
                for key in terms(catalog, kind)
                if key in catalog.by[kind]
            ],
        )
        for kind in urls.KINDS
    ]
    used = {item.postmortem.status for item in catalog.items}
    made.insert(1, Filter("status", "status", [Choice(s, s) for s in STATUSES if s in used]))
    made.append(Filter(TAG, "tag", [Choice(tag, tag) for tag in tags]))
    return made


def browse(catalog: Catalog, tags: dict[str, list[Published]] | None = None) -> Page:
    here = urls.BROWSE
    page = Page(src_uri=here, title="All postmortems", search=False, in_nav=True, hide=["toc"])
    tagged = by_tag(catalog) if tags is None else tags
    statuses = {status: 0 for status in STATUSES}
    for item in catalog.items:
        if item.postmortem.status:
            statuses[item.postmortem.status] += 1
    html = templates.render(
        catalog.templates,
        "listings/browse.html",
        catalog=catalog,
        here=here,
        title=page.title,
        rows=[_row(catalog, item) for item in catalog.items],
        filters=_filters(catalog, list(tagged)),
        statuses={status: n for status, n in statuses.items() if n},
    )
    page.markdown = page.slot("browse", html)
    return page


@dataclass(frozen=True)
class IndexRow:
    """One row of an index page: a term or tag, its page and its counts."""

    key: str
    label: str
    href: str
    items: list[Published]
    overdue: int


def _entries(
    catalog: Catalog, here: str, keys: list[str], found: dict[str, list[Published]], kind: str
) -> list[IndexRow]:
    """Rows by count first (most first), then by label: the order the page opens in."""
    rows = []
    for key in keys:
        items = found.get(key, [])
        label = key if kind == TAG else term_label(catalog, kind, key)
        target = urls.tag(key) if kind == TAG else urls.term(kind, key)
        overdue = sum(len(i.overdue) for i in items)
        rows.append(IndexRow(key, label, catalog.links.rel(here, target), items, overdue))
    rows.sort(key=lambda e: (-len(e.items), e.label.casefold(), e.key))
    return rows


def _index(catalog: Catalog, here: str, kind: str, title: str, rows: list[IndexRow]) -> Page:
    page = Page(src_uri=here, title=title, in_nav=True)
    html = templates.render(
        catalog.templates,
        "listings/index.html",
        catalog=catalog,
        here=here,
        kind=kind,
        title=title,
        noun=KIND_NOUN.get(kind, "tag"),
        rows=rows,
    )
    page.markdown = page.slot("index", html)
    return page


def term_index(catalog: Catalog, kind: str) -> Page:
    here = urls.term_index(kind)
    rows = _entries(catalog, here, terms(catalog, kind), catalog.by[kind], kind)
    return _index(catalog, here, kind, KIND_LABELS[kind], rows)


def tag_index(catalog: Catalog, tags: dict[str, list[Published]] | None = None) -> Page:
    tagged = by_tag(catalog) if tags is None else tags
    rows = _entries(catalog, urls.TAGS, list(tagged), tagged, TAG)
    return _index(catalog, urls.TAGS, TAG, "Tags", rows)


def _listing(
    catalog: Catalog,
    here: str,
    *,
    title: str,
    items: list[Published],
    back: tuple[str, str],
    query: tuple[str, str],
    kind: str,
    key: str,
) -> Page:
    page = Page(src_uri=here, title=title)
    html = templates.render(
        catalog.templates,
        "listings/term.html",
        catalog=catalog,
        here=here,
        kind=kind,
        key=key,
        title=title,
        items=items[:LIST_LIMIT],
        count=len(items),
        open_items=sum(item.open_items for item in items),
        overdue=sum(len(item.overdue) for item in items),
        back_href=catalog.links.rel(here, back[0]),
        back_label=back[1],
        browse_href=urls.with_query(catalog.links.rel(here, urls.BROWSE), dict([query])),
        limit=LIST_LIMIT,
    )
    page.markdown = page.slot("term", html)
    return page


def term_page(catalog: Catalog, kind: str, key: str, load: Workload | None = None) -> Page:
    """A term's page; `load`: the catalog's `owners.Workload`, when every term's is made."""
    title = f"{KIND_NOUN[kind].capitalize()}: {term_label(catalog, kind, key)}"
    items = catalog.by[kind].get(key, [])
    page = _listing(
        catalog,
        urls.term(kind, key),
        title=title,
        items=items,
        back=(urls.term_index(kind), f"All {KIND_LABELS[kind].lower()}"),
        query=(kind, key),
        kind=kind,
        key=key,
    )
    # The open and overdue items themselves, each with owner and postmortem (site.owners).
    from mkdocs_postmortems.site import owners  # owners -> calendars -> feeds -> listings

    found = (load or owners.Workload(catalog)).open_by(kind).get(key, [])
    page.markdown += page.slot("open-work", owners.open_work(catalog, page.src_uri, found))
    return page


def tag_page(catalog: Catalog, tag: str, items: list[Published]) -> Page:
    return _listing(
        catalog,
        urls.tag(tag),
        title=f"Tag: {tag}",
        items=items,
        back=(urls.TAGS, "All tags"),
        query=(TAG, tag),
        kind=TAG,
        key=tag,
    )


def tag_pages(catalog: Catalog) -> list[Page]:
    """The tag index (`/tags/`), then one page per tag used (`/tags/<tag>/`)."""
    tagged = by_tag(catalog)
    return [tag_index(catalog, tagged)] + [
        tag_page(catalog, tag, items) for tag, items in tagged.items()
    ]
