"""Every generated page and file of the site, from the validated corpus.

The analytics pages need pandas and its tables; the rest of the site does not. A build can
so make the analytics elsewhere (`site_analytics.run`, given `AnalyticsJob`), while this
process registers their pages from `analytics_plan` and goes on with the postmortem pages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from mkdocs_postmortems.analytics.rows import Rows
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.site import (
    calendars,
    charts,
    colours,
    exports,
    feeds,
    listings,
    owners,
    postmortem,
    subscribe,
    urls,
)
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import Page

if TYPE_CHECKING:
    from mkdocs_postmortems.analytics.frames import Frames

ASSETS = (
    "postmortems.css",
    "postmortem.css",
    "listings.css",
    "owners.css",
    "analytics.css",
    "home.css",
    "browse.js",
)
"""Every page links them all: each stylesheet holds the styles of one kind of page."""
ASSET_DIR = "assets/postmortems"


@dataclass
class Site:
    catalog: Catalog
    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Other files by their path in the site: data exports, charts and assets."""
    figures: dict[str, Any] = field(default_factory=dict)
    """The analytics figures, as `/data/stats.json` holds them."""
    head_links: feeds.HeadLinks | None = None
    """The feeds each page announces in its head (`feeds.HeadLinks.insert`)."""
    streamed: Iterable[tuple[str, bytes]] = ()
    """Files made one at a time as the caller writes them, when `lists` is asked to
    (`stream`): the feeds and calendars, which hold every postmortem several times."""

    @property
    def problems(self) -> list[Diagnostic]:
        return self.catalog.problems


def asset(name: str) -> bytes:
    return resources.files("mkdocs_postmortems.site").joinpath("assets", name).read_bytes()


def generate(
    catalog: Catalog,
    frames: Frames,
    *,
    postmortem_pages: bool = True,
    about: feeds.About | None = None,
) -> Site:
    """Every page and file of the site, from the catalog (`catalog.build`) of the corpus
    and its analytics tables (`analytics.frames.build`, drafts always left out).

    Without `postmortem_pages`, the caller makes each one when it is needed
    (`postmortem.page`): thousands of pages of HTML need not wait in memory together."""
    from mkdocs_postmortems.site import site_analytics  # pandas: only where it is needed

    site = lists(catalog, postmortem_pages=postmortem_pages, about=about)
    made = site_analytics.make(catalog, frames)
    site.pages.extend(made.pages)
    site.files.update(made.files)
    site.figures = made.figures
    add_assets(site)
    return site


def lists(
    catalog: Catalog,
    *,
    postmortem_pages: bool = True,
    about: feeds.About | None = None,
    stream: bool = False,
) -> Site:
    """The site but its analytics pages, their charts and `/data/stats.json`, and assets.
    `about` is what the site's configuration tells the feeds and calendars (name, URL);
    with `stream`, those files and the exports are left to `Site.streamed` instead of
    `Site.files` (which a build holds to its end: some 50 MB at 10,000 postmortems)."""
    site = Site(catalog)
    # The exports first: their records, a dict per postmortem, are freed before the pages
    # are built, so that the two never take memory at once.
    records = exports.records(catalog)
    made_exports = {
        exports.JSON_PATH: exports.to_json(catalog, records).encode(),
        exports.CSV_PATH: exports.to_csv(records).encode(),
    }
    del records
    if postmortem_pages:
        site.pages.extend(postmortem.page(catalog, item) for item in catalog.items)
    site.pages.append(listings.browse(catalog))
    load = owners.Workload(catalog)  # the action items, for the term and owner pages
    for kind in urls.KINDS:
        site.pages.append(listings.term_index(catalog, kind))
        site.pages.extend(
            listings.term_page(catalog, kind, key, load) for key in listings.terms(catalog, kind)
        )
    site.pages.extend(owners.pages(catalog, load))
    site.pages.extend(listings.tag_pages(catalog))
    subscriptions(site, about or feeds.About(), stream=stream)
    if stream:
        site.streamed = itertools.chain(made_exports.items(), site.streamed)
    else:
        site.files.update(made_exports)
    return site


def subscriptions(site: Site, about: feeds.About, *, stream: bool = False) -> None:
    """The Atom feeds, the calendars and the page that lists them (`/subscribe/`)."""
    made_feeds = feeds.make(site.catalog, about)
    made_calendars = calendars.make(site.catalog, about)
    site.head_links = made_feeds.head
    site.pages.append(subscribe.page(site.catalog, made_feeds, made_calendars))
    made = itertools.chain(made_feeds.files(), made_calendars.files())
    if stream:
        site.streamed = made
    else:
        site.files.update(made)


def add_assets(site: Site) -> None:
    site.files.update(assets())


def assets() -> dict[str, bytes]:
    """The stylesheets and script every page links, by their path in the site."""
    made = {f"{ASSET_DIR}/{name}": asset(name) for name in ASSETS}
    made[f"{ASSET_DIR}/postmortems.css"] += colours.severity_css().encode()
    return made


def lists_plan(catalog: Catalog) -> list[tuple[str, bool]]:
    """The pages `lists` gives without the postmortem pages, as (src_uri, in the nav), in an
    order of their own: a build registers them before they are made (`adapters.lists_build`).
    The owner pages come in the catalog's order of owners, which needs no workload."""
    plan = [(urls.BROWSE, True)]
    for kind in urls.KINDS:
        plan.append((urls.term_index(kind), True))
        plan.extend((urls.term(kind, key), False) for key in listings.terms(catalog, kind))
    plan.append((urls.OWNERS, True))
    plan.extend((urls.owner(slug), False) for slug in catalog.owners.values())
    plan.append((urls.TAGS, True))
    plan.extend((urls.tag(tag), False) for tag in listings.by_tag(catalog))
    plan.append((subscribe.SUBSCRIBE, True))
    return plan


def analytics_plan(rows: Rows) -> list[tuple[str, bool]]:
    """The analytics and report pages `site_analytics.make` gives for these rows, in its
    order, as (src_uri, in the nav): a build registers them before they are made."""
    return [
        (urls.ANALYTICS, True),
        *((uri, True) for uri in urls.ANALYTICS_PAGES.values()),
        (urls.REPORTS, True),
        *((urls.report(quarter), False) for quarter in rows.quarters()),
    ]


@dataclass
class Made:
    """The analytics part of the site (`site_analytics.make`)."""

    pages: list[Page]
    files: dict[str, bytes]
    """Charts (placeholders, under `charts.deferred`) and `/data/stats.json`."""
    figures: dict[str, Any]
    jobs: list[charts.Job] = field(default_factory=list)
    """The charts still to draw, when made under `charts.deferred`."""


@dataclass(frozen=True)
class AnalyticsJob:
    """What `site_analytics.run` needs, small to pickle: the rows, and a catalog that holds
    only what the analytics pages read of it (`thin`)."""

    catalog: Catalog
    rows: Rows


@dataclass(frozen=True)
class Glance:
    """What the analytics pages read of a postmortem (the summaries of `listings`, `Published`)."""

    id: str | None
    title: str | None
    started_at: dt.datetime | None
    date: dt.date | None
    severity: str | None
    summary: str | None


def thin(catalog: Catalog) -> Catalog:
    """The catalog as the analytics pages read it: taxonomy, day, links, and a `Glance` at
    each postmortem. A whole model per postmortem would cost more to copy to the worker than
    the analytics cost to make; a model built with only these fields, about as much."""
    items = []
    for item in catalog.items:
        pm = item.postmortem
        glance = Glance(pm.id, pm.title, pm.started_at, pm.date, pm.severity, pm.summary)
        entry = Entry(item.entry.path, item.entry.source, cast(Postmortem, glance), "", 0)
        items.append(dataclasses.replace(item, entry=entry, durations={}, overdue=[]))
    return dataclasses.replace(catalog, items=items, by={}, problems=[])
