"""The badges and links the listing and owner pages look up (`catalog.common`) are what the
macros of `_common.html` write, called directly, from every page; and a site's override of
`_common.html` writes them, page by page.

Links are kept by their href and shared between pages at the same depth, so the pages here
are many, of every folder and depth, and with and without directory URLs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import listings, owners, templates, urls
from mkdocs_postmortems.site.catalog import Catalog

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "postmortems"
AS_OF = dt.date(2026, 11, 24)


def _catalog(use_directory_urls: bool = True) -> Catalog:
    taxonomy = taxonomy_module.load(KB / "taxonomy.yml")
    corpus = load_corpus([KB], taxonomy)
    assert corpus.ok, corpus.diagnostics
    return catalog_module.build(
        corpus.entries, taxonomy, AS_OF, use_directory_urls=use_directory_urls
    )


def _heres(catalog: Catalog) -> list[str]:
    """Pages of every kind that writes rows, and pages linked to (a postmortem's own)."""
    found = [urls.BROWSE, urls.OWNERS, urls.TAGS, "index.md"]
    found += [urls.owner(slug) for slug in catalog.owners.values()]
    found += [urls.term_index(kind) for kind in urls.KINDS]
    found += [urls.term(kind, key) for kind in urls.KINDS for key in catalog.by[kind]]
    found += [urls.tag(tag) for tag in listings.by_tag(catalog)]
    found += [item.src_uri for item in catalog.items[:5]]
    return found


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_each_badge_and_link_is_the_macros_own_from_every_page(use_directory_urls: bool) -> None:
    catalog = _catalog(use_directory_urls)
    common = catalog.common
    assert common.by_href  # the package's macros: links shared between pages
    c: Any = templates.environment(()).get_template("_common.html").module
    names = [None, "", "nobody@example.com", *catalog.owners]
    tickets = [None, ""] + [
        a.ticket for item in catalog.items for a in item.postmortem.action_items if a.ticket
    ]
    levels = [None, "P9", *catalog.taxonomy.severities]
    terms = [(kind, key) for kind in urls.KINDS for key in catalog.by[kind]]
    for level in levels:
        assert common.severity[level] == c.severity(catalog, level)
    for ticket in tickets:
        assert common.ticket[ticket] == c.ticket(catalog, ticket)
    for here in _heres(catalog):
        page = common.page(here)
        for item in catalog.items:
            assert page.postmortem[item.stem] == c.postmortem_link(catalog, here, item)
            assert page.href[item.src_uri] == catalog.links.rel(here, item.src_uri)
        for name in names:
            assert page.owner[name] == c.owner(catalog, here, name)
        for kind, key in terms:
            for label in (None, key):
                made = c.term(catalog, here, kind, key, label)
                assert page.term[kind, key, label] == made
        for tag in listings.by_tag(catalog):
            assert page.tag[tag] == catalog.links.rel(here, urls.tag(tag))
    # Shared indeed: one link per postmortem and depth, not one per page.
    links = [key for key in common.links if key[1] == "postmortem"]
    assert len(links) < len(catalog.items) * len(_heres(catalog)) / 4


def test_an_override_of_common_writes_every_link_page_by_page(tmp_path: Path) -> None:
    """An overridden `_common.html` may write `here` itself: each page gets its own."""
    package = Path(templates.__file__).parent / "templates"
    common = (package / "_common.html").read_text(encoding="utf-8")
    marked = common.replace(
        '<a href="{{ catalog.links.rel(here, item.src_uri) }}">',
        '<a data-here="{{ here }}" href="{{ catalog.links.rel(here, item.src_uri) }}">',
    ).replace(
        '<a class="pm-owner" href="{{ catalog.links.rel(here, page) }}">',
        '<a class="pm-owner" data-here="{{ here }}" href="{{ catalog.links.rel(here, page) }}">',
    )
    assert marked.count("data-here") == 2
    folder = tmp_path / "custom"
    (folder / templates.OVERRIDES).mkdir(parents=True)
    (folder / templates.OVERRIDES / "_common.html").write_text(marked, encoding="utf-8")
    catalog = _catalog()
    catalog.templates = (str(folder),)
    assert not catalog.common.by_href
    load = owners.Workload(catalog)
    pages = owners.pages(catalog, load)[1:] + [
        listings.term_page(catalog, kind, key, load)
        for kind in urls.KINDS
        for key in listings.terms(catalog, kind)
    ]
    rows = 0
    for page in pages:
        html = "\n".join(page.slots.values())
        heres = html.count('data-here="')
        rows += heres
        assert html.count(f'data-here="{page.src_uri}"') == heres, page.src_uri
    assert rows > len(pages)  # the action items of every owner and term page
