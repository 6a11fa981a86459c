"""The site's lists, made in a forked worker while MkDocs reads the postmortem pages.

The browse, term, owner and tag pages, the subscriptions page, and the feeds, calendars and
exports need the catalog and nothing MkDocs gives, and nothing needs them before MkDocs
reads their pages, after the postmortems': about 0.8 s of the build's own process at 2,000
postmortems, while the second core waits for work. Where workers are forked
(`background.forks`), the worker has the catalog without pickling it, writes the feeds,
calendars and exports itself, and hands back the pages; the build registers them from
`site.build.lists_plan` meanwhile. A new interpreter would need the whole catalog pickled,
so elsewhere (and if the worker fails) they are made in this process, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from mkdocs.utils import write_file

from mkdocs_postmortems.adapters import background
from mkdocs_postmortems.site import build as site_module
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.feeds import About, HeadLinks

Order = tuple[Catalog, About, str]
"""The catalog, what the site's configuration tells the feeds, and the site's folder."""


@dataclass
class Made:
    pages: list[Page]
    files: dict[str, bytes]
    """Files for MkDocs to write (`lists` streams its own: none, today)."""
    head_links: HeadLinks | None
    written: list[str]
    """The feeds, calendars and exports, written to the site's folder already."""


def make(order: Order) -> Made:
    """The lists; their files are written as they are made, not held (some 50 MB at 10,000)."""
    catalog, about, site_dir = order
    site = site_module.lists(catalog, postmortem_pages=False, about=about, stream=True)
    written = []
    for path, content in site.streamed:
        write_file(content, os.path.join(site_dir, path))
        written.append(path)
    return Made(site.pages, site.files, site.head_links, written)


class Pending:
    """The lists being made; `made` waits for them."""

    def __init__(self, catalog: Catalog, about: About, site_dir: str) -> None:
        self.plan = site_module.lists_plan(catalog)
        self._order: Order | None = (catalog, about, site_dir)
        self._wait: Callable[[], Made] | None = None
        self._made: Made | None = None
        if background.workers() > 0 and background.forks():
            self._wait = background.start(make, self._order, later=True)
        else:
            self._made = make(self._order)
            self._order = None

    def made(self) -> Made:
        """The lists, made by now or waited for; their pages are those planned."""
        if self._made is None:
            assert self._order is not None  # dropped only once made
            try:
                assert self._wait is not None
                self._made = self._wait()
            except background.WorkerError:  # a worker that died (memory, say): made here
                self._made = make(self._order)
            self._order = None  # the catalog can go when the build lets it
            made = [(page.src_uri, page.in_nav) for page in self._made.pages]
            if sorted(made) != sorted(self.plan):  # the plan is tested; a guard
                raise RuntimeError("postmortems: the list pages made differ from those planned")
        return self._made
