"""`/subscribe/`: every feed and calendar of the site in one place, with how to subscribe.

Feeds are found by the `<link rel="alternate">` of each page too; calendars have no such
tag, and one per owner needs a list, so this page is where owners find theirs.
"""

from __future__ import annotations

from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.calendars import REVIEWS_CALENDAR, SITE_CALENDAR, Calendars
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import KIND_LABELS, Page, term_label
from mkdocs_postmortems.site.feeds import Feeds
from mkdocs_postmortems.site.html import esc, link, table
from mkdocs_postmortems.site.listings import KIND_NOUN

SUBSCRIBE = "subscribe.md"
TITLE = "Feeds and calendars"


def _feeds(catalog: Catalog, feeds: Feeds) -> dict[str, str]:
    """The tables of feeds: the site's, then one per kind."""
    here, rel = SUBSCRIBE, catalog.links.rel
    site, *terms = feeds.feeds
    tables = {
        "site": table(
            ["Feed", "Postmortems", "Address"],
            [
                [
                    "All published postmortems",
                    str(len(site.entries)),
                    link(rel(here, site.path), "Atom feed"),
                ]
            ],
        )
    }
    for kind in urls.KINDS:
        rows = [
            [
                link(rel(here, feed.alternate), term_label(catalog, kind, feed.key)),
                str(len(feed.entries)),
                link(rel(here, feed.path), "Atom feed"),
            ]
            for feed in terms
            if feed.kind == kind and feed.key is not None
        ]
        tables[kind] = (
            table([KIND_NOUN[kind].capitalize(), "Postmortems", "Address"], rows)
            if rows
            else '<p class="pm-empty">None yet.</p>'
        )
    return tables


def _calendars(catalog: Catalog, calendars: Calendars) -> dict[str, str]:
    here, rel = SUBSCRIBE, catalog.links.rel
    site = table(
        ["Calendar", "Events", "Address"],
        [
            [
                "Action items due, every owner",
                str(calendars.items),
                link(rel(here, SITE_CALENDAR), "iCalendar file"),
            ],
            [
                "Postmortem reviews",
                str(calendars.reviews),
                link(rel(here, REVIEWS_CALENDAR), "iCalendar file"),
            ],
        ],
    )
    owners = (
        table(
            ["Owner", "Action items due", "Address"],
            [
                [esc(owner), str(count), link(rel(here, path), "iCalendar file")]
                for owner, path, count in calendars.owners
            ],
        )
        if calendars.owners
        else '<p class="pm-empty">No open action item has an owner and a due day.</p>'
    )
    return {"calendars": site, "owners": owners}


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
