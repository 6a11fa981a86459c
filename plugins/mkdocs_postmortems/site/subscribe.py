"""`/subscribe/`: every feed and calendar of the site in one place, with how to subscribe.

Feeds are found by the `<link rel="alternate">` of each page too; calendars have no such
tag, and one per owner needs a list, so this page is where owners find theirs. The page's
text is Markdown (its headings make the table of contents); its tables come from the
templates `subscribe/feeds.html` and `subscribe/calendars.html` (`site.templates`).
"""

from __future__ import annotations

from typing import Any

from mkdocs_postmortems.site import templates, urls
from mkdocs_postmortems.site.calendars import REVIEWS_CALENDAR, SITE_CALENDAR, Calendars
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import KIND_LABELS, Page
from mkdocs_postmortems.site.feeds import Feeds
from mkdocs_postmortems.site.listings import KIND_NOUN

SUBSCRIBE = "subscribe.md"
TITLE = "Feeds and calendars"


def _render(catalog: Catalog, name: str, **values: Any) -> str:
    return templates.render(
        catalog.templates, f"subscribe/{name}.html", catalog=catalog, here=SUBSCRIBE, **values
    )


def _feeds(catalog: Catalog, feeds: Feeds) -> dict[str, str]:
    """The tables of feeds: the site's, then one per kind."""
    site, *terms = feeds.feeds
    tables = {
        "site": _render(
            catalog,
            "feeds",
            kind=None,
            noun="Feed",
            feeds=[{"key": None, "page": None, "count": len(site.entries), "path": site.path}],
        )
    }
    for kind in urls.KINDS:
        rows = [
            {
                "key": feed.key,
                "page": feed.alternate,
                "count": len(feed.entries),
                "path": feed.path,
            }
            for feed in terms
            if feed.kind == kind and feed.key is not None
        ]
        tables[kind] = _render(
            catalog, "feeds", kind=kind, noun=KIND_NOUN[kind].capitalize(), feeds=rows
        )
    return tables


def _calendars(catalog: Catalog, calendars: Calendars) -> dict[str, str]:
    values: dict[str, Any] = {
        "items": calendars.items,
        "reviews": calendars.reviews,
        "site_calendar": SITE_CALENDAR,
        "reviews_calendar": REVIEWS_CALENDAR,
        "owners": calendars.owners,
    }
    return {
        "calendars": _render(catalog, "calendars", part="site", **values),
        "owners": _render(catalog, "calendars", part="owners", **values),
    }


def page(catalog: Catalog, feeds: Feeds, calendars: Calendars) -> Page:
    made = Page(src_uri=SUBSCRIBE, title=TITLE, in_nav=True)
    tables = {**_feeds(catalog, feeds), **_calendars(catalog, calendars)}
    parts = [
        f"# {TITLE}\n",
        "Follow the knowledge base from a feed reader or a calendar app: copy an address "
        "below (right-click the link, *Copy link*) into the app. The files are rebuilt with "
        "the site, and apps that subscribe read them again on their own.\n",
        "## Atom feeds\n",
        "Published postmortems only (never drafts or those in review), newest first: "
        "title, severity, summary and a link to the page. Pages of a severity, service, "
        "team or factor announce their own feed to browsers and feed readers.\n",
        made.slot("site", tables["site"]),
    ]
    for kind in urls.KINDS:
        parts += [f"### {KIND_LABELS[kind]}\n", made.slot(kind, tables[kind])]
    parts += [
        "## Calendars\n",
        "The due days of open and in-progress action items (of every postmortem but drafts) "
        "as all-day events, and the review meetings in a calendar of their own. In Google "
        "Calendar: *Other calendars*, *From URL*; in Outlook: *Add calendar*, *Subscribe "
        "from web*; in Apple Calendar: *File*, *New Calendar Subscription*.\n",
        made.slot("calendars", tables["calendars"]),
        "### By owner\n",
        made.slot("owners", tables["owners"]),
    ]
    made.markdown = "\n".join(parts)
    return made
