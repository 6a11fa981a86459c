"""Browse pages: the sortable table, one page per severity, service, team and factor,
and their indexes. All built as escaped HTML."""

from __future__ import annotations

import datetime as dt

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import (
    KIND_LABELS,
    Page,
    day,
    severity_badge,
    summary_list,
    term_label,
)
from mkdocs_postmortems.site.figures import LIST_LIMIT
from mkdocs_postmortems.site.html import esc, link, table


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


KIND_NOUN = {"severity": "severity", "services": "service", "teams": "team", "factors": "factor"}


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


def _filter(catalog: Catalog, kind: str) -> str:
    options = "".join(
        f'<option value="{esc(key)}">{esc(term_label(catalog, kind, key))}</option>'
        for key in terms(catalog, kind)
        if key in catalog.by[kind]
    )
    noun = KIND_NOUN[kind]
    return (
        f'<label class="pm-filter">{esc(noun.capitalize())} '
        f'<select data-filter="{kind}" aria-label="Filter by {noun}">'
        f'<option value="">All</option>{options}</select></label>'
    )


def _row(catalog: Catalog, here: str, item: Published) -> str:
    pm = item.postmortem
    rel = catalog.links.rel
    rank = catalog.taxonomy.rank(pm.severity)
    started = pm.started_at
    resolve = item.durations["time_to_resolve"]
    text = " ".join(
        [item.id, item.title, pm.summary or "", *pm.services, *pm.teams, *pm.tags]
        + [term_label(catalog, "factors", f) for f in pm.contributing_factors]
    ).lower()  # as browse.js lowers what is typed: casefold() would turn ß into ss
    attrs = {
        "data-severity": pm.severity or "",
        "data-services": " ".join(pm.services),
        "data-teams": " ".join(pm.teams),
        "data-factors": " ".join(pm.contributing_factors),
        "data-text": text,
    }
    services = ", ".join(link(rel(here, urls.term("services", s)), s) for s in pm.services)
    cells = [
        (item.id, link(rel(here, item.src_uri), item.id)),
        # Sorted in UTC, so offsets cannot reorder incidents; shown as the author's day.
        (utc(started) if started else "", day(started.date()) if started else "\u2013"),
        (item.title.lower(), link(rel(here, item.src_uri), item.title)),
        (str(rank), severity_badge(catalog, pm.severity) or "\u2013"),
        (" ".join(pm.services), services or "\u2013"),
        ("" if resolve is None else f"{resolve:.3f}", esc(metrics.format_minutes(resolve))),
        (str(item.open_items), str(item.open_items)),
        (str(len(item.overdue)), str(len(item.overdue))),
    ]
    row = "\n".join(f'<td data-value="{esc(value)}">{html}</td>' for value, html in cells)
    attributes = " ".join(f'{name}="{esc(value)}"' for name, value in attrs.items())
    return f"<tr {attributes}>{row}</tr>"


BROWSE_COLUMNS = [
    ("Id", "text"),
    ("Started", "text"),
    ("Title", "text"),
    ("Severity", "number"),
    ("Services", "text"),
    ("Time to resolve", "number"),
    ("Open items", "number"),
    ("Overdue items", "number"),
]


def browse(catalog: Catalog) -> Page:
    here = urls.BROWSE
    page = Page(src_uri=here, title="All postmortems", search=False, in_nav=True, hide=["toc"])
    count = len(catalog.items)
    controls = (
        '<form class="pm-filters" role="search" data-pm-browse="pm-browse" '
        ">"
        + "".join(_filter(catalog, kind) for kind in urls.KINDS)
        + '<label class="pm-filter pm-filter--text">Search <input type="search" '
        'data-filter="text" placeholder="id, title, summary, service…" '
        'aria-label="Filter by text"></label>'
        f'<output class="pm-count" aria-live="polite">{count} of {count} postmortems</output>'
        "</form>"
    )
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" class="pm-sort" '
        f'data-column="{index}" data-type="{kind}">{esc(name)}</button></th>'
        for index, (name, kind) in enumerate(BROWSE_COLUMNS)
    )
    rows = "\n".join(_row(catalog, here, item) for item in catalog.items)
    html = (
        '<h1 id="all-postmortems">All postmortems</h1>\n'
        f'<p class="pm-muted">Every published postmortem, newest first. Sort by any column; '
        f"filter by severity, service, team, factor or text. Overdue counts are as of "
        f"{day(catalog.as_of)}.</p>\n{controls}\n"
        '<div class="pm-table-wrap"><table id="pm-browse" class="pm-table pm-browse">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table></div>\n"
        '<p class="pm-empty" data-pm-none hidden>No postmortem matches these filters.</p>'
    )
    page.markdown = page.slot("browse", html)
    return page


def _description(catalog: Catalog, kind: str, key: str) -> str:
    taxonomy = catalog.taxonomy
    if kind == "severity" and key in taxonomy.severities:
        level = taxonomy.severities[key]
        sla = (
            f" Action items are due within {level.action_item_sla_days} days."
            if level.action_item_sla_days
            else ""
        )
        return f"<p>{esc(level.description)}{esc(sla)}</p>"
    if kind == "factors":
        factor = (taxonomy.contributing_factors or {}).get(key)
        if factor is None:
            return "<p>This factor is not described in the taxonomy.</p>"
        aliases = (
            f'<p class="pm-muted">Also written as: {esc(", ".join(factor.aliases))}.</p>'
            if factor.aliases
            else ""
        )
        return f"<p>{esc(factor.description)}</p>{aliases}"
    return ""


def term_page(catalog: Catalog, kind: str, key: str) -> Page:
    here = urls.term(kind, key)
    label = term_label(catalog, kind, key)
    noun = KIND_NOUN[kind]
    title = f"{noun.capitalize()}: {label}"
    page = Page(src_uri=here, title=title)
    items = catalog.by[kind].get(key, [])
    open_items = sum(item.open_items for item in items)
    overdue = sum(len(item.overdue) for item in items)
    back = link(catalog.links.rel(here, urls.term_index(kind)), f"All {KIND_LABELS[kind].lower()}")
    html = (
        f'<h1 id="term-title">{esc(title)}</h1>\n'
        + _description(catalog, kind, key)
        + f'<p class="pm-muted">{len(items)} postmortem{"s" * (len(items) != 1)}, '
        f"{open_items} open action items, {overdue} overdue as of {day(catalog.as_of)}. "
        f"{back}.</p>\n" + summary_list(catalog, here, items[:LIST_LIMIT])
    )
    if len(items) > LIST_LIMIT:
        table_href = urls.with_query(catalog.links.rel(here, urls.BROWSE), {kind: key})
        html += (
            f'\n<p class="pm-muted">The latest {LIST_LIMIT} of {len(items):,}; '
            f"{link(table_href, 'the table of all postmortems')} shows every one.</p>"
        )
    page.markdown = page.slot("term", html)
    return page


def term_index(catalog: Catalog, kind: str) -> Page:
    here = urls.term_index(kind)
    title = KIND_LABELS[kind]
    page = Page(src_uri=here, title=title, in_nav=True)
    rows = []
    for key in terms(catalog, kind):
        items = catalog.by[kind].get(key, [])
        latest = items[0] if items else None
        rows.append(
            [
                link(catalog.links.rel(here, urls.term(kind, key)), term_label(catalog, kind, key)),
                str(len(items)),
                str(sum(len(i.overdue) for i in items)),
                link(catalog.links.rel(here, latest.src_uri), latest.title) if latest else "\u2013",
            ]
        )
    html = f'<h1 id="term-index">{esc(title)}</h1>\n' + table(
        [esc(KIND_NOUN[kind].capitalize()), "Postmortems", "Overdue items", "Latest"],
        rows,
        "pm-terms",
    )
    page.markdown = page.slot("index", html)
    return page
