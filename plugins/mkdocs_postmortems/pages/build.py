"""Every generated page and file of the site, from the validated corpus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mkdocs_postmortems import colours
from mkdocs_postmortems.corpus import Entry
from mkdocs_postmortems.diagnostics import Diagnostic
from mkdocs_postmortems.pages import catalog as catalog_module
from mkdocs_postmortems.pages import exports, listings, postmortem, urls
from mkdocs_postmortems.pages.catalog import Catalog
from mkdocs_postmortems.pages.common import Page
from mkdocs_postmortems.taxonomy import Taxonomy

ASSETS = ("postmortems.css", "browse.js")
ASSET_DIR = "assets/postmortems"


@dataclass
class Site:
    catalog: Catalog
    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Other files by their path in the site: data exports and assets."""

    @property
    def problems(self) -> list[Diagnostic]:
        return self.catalog.problems


def asset(name: str) -> bytes:
    return resources.files("mkdocs_postmortems").joinpath("assets", name).read_bytes()


def generate(
    entries: list[Entry],
    taxonomy: Taxonomy,
    as_of: dt.date,
    *,
    include_drafts: bool = False,
    root: Path | None = None,
    use_directory_urls: bool = True,
) -> Site:
    catalog = catalog_module.build(
        entries,
        taxonomy,
        as_of,
        include_drafts=include_drafts,
        root=root,
        use_directory_urls=use_directory_urls,
    )
    site = Site(catalog)
    site.pages.extend(postmortem.page(catalog, item) for item in catalog.items)
    site.pages.append(listings.browse(catalog))
    for kind in urls.KINDS:
        site.pages.append(listings.term_index(catalog, kind))
        site.pages.extend(
            listings.term_page(catalog, kind, key) for key in listings.terms(catalog, kind)
        )
    site.files[exports.JSON_PATH] = exports.to_json(catalog).encode()
    site.files[exports.CSV_PATH] = exports.to_csv(catalog).encode()
    for name in ASSETS:
        site.files[f"{ASSET_DIR}/{name}"] = asset(name)
    site.files[f"{ASSET_DIR}/postmortems.css"] += colours.severity_css().encode()
    return site
