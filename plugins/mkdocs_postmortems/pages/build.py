"""Every generated page and file of the site, from the validated corpus."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from mkdocs_postmortems import colours
from mkdocs_postmortems.analytics import stats
from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.diagnostics import Diagnostic
from mkdocs_postmortems.pages import analytics, exports, listings, postmortem, reports, urls
from mkdocs_postmortems.pages.catalog import Catalog
from mkdocs_postmortems.pages.common import Page
from mkdocs_postmortems.pages.context import Context

ASSETS = ("postmortems.css", "browse.js")
ASSET_DIR = "assets/postmortems"


@dataclass
class Site:
    catalog: Catalog
    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Other files by their path in the site: data exports, charts and assets."""
    figures: dict[str, Any] = field(default_factory=dict)
    """The analytics figures, as `/data/stats.json` holds them."""

    @property
    def problems(self) -> list[Diagnostic]:
        return self.catalog.problems


def asset(name: str) -> bytes:
    return resources.files("mkdocs_postmortems").joinpath("assets", name).read_bytes()


def generate(catalog: Catalog, frames: Frames, *, postmortem_pages: bool = True) -> Site:
    """Every page and file of the site, from the catalog (`catalog.build`) of the corpus
    and its analytics tables (`analytics.frames.build`, drafts always left out).

    Without `postmortem_pages`, the caller makes each one when it is needed
    (`postmortem.page`): thousands of pages of HTML need not wait in memory together."""
    site = Site(catalog)
    # The exports first: their records, a dict per postmortem, are freed before the pages
    # are built, so that the two never take memory at once.
    records = exports.records(catalog)
    site.files[exports.JSON_PATH] = exports.to_json(catalog, records).encode()
    site.files[exports.CSV_PATH] = exports.to_csv(records).encode()
    del records
    if postmortem_pages:
        site.pages.extend(postmortem.page(catalog, item) for item in catalog.items)
    site.pages.append(listings.browse(catalog))
    for kind in urls.KINDS:
        site.pages.append(listings.term_index(catalog, kind))
        site.pages.extend(
            listings.term_page(catalog, kind, key) for key in listings.terms(catalog, kind)
        )
    figures = site.figures = stats.stats(frames)
    context = Context(catalog, frames, figures, files=site.files)
    site.pages.extend(analytics.pages(context))
    site.pages.extend(reports.pages(context))
    site.files[stats.JSON_PATH] = stats.to_json(figures).encode()
    for name in ASSETS:
        site.files[f"{ASSET_DIR}/{name}"] = asset(name)
    site.files[f"{ASSET_DIR}/postmortems.css"] += colours.severity_css().encode()
    return site
