"""The badges and links of `_common.html`, each made once per distinct input in a build.

Listing and owner pages write thousands of rows, each with a severity badge, an owner link,
a postmortem link and a ticket; a Jinja2 macro call costs several times what it writes.
Templates call these methods instead of the macros (`catalog.common.severity(level)` for
`c.severity(catalog, level)`): each is the macro itself, called the first time its input is
seen, so a site's override of `_common.html` still writes every badge and link.

A link depends on the page it is written on (`here`) only through the relative href of its
target, so with the package's `_common.html` a link is kept by that href and serves every
page at the same depth. An override could write `here` some other way: with one, links are
kept per page. The hrefs of tag pages (`tag`), which no macro writes but every row of a list
does, are kept per page.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from mkdocs_postmortems.site import templates, urls

if TYPE_CHECKING:
    import jinja2

    from mkdocs_postmortems.site.catalog import Catalog, Published

PACKAGE_COMMON = Path(templates.__file__).parent / "templates" / "_common.html"


class CommonMacros:
    """`_common.html`'s macros for one catalog and one template environment, remembered."""

    def __init__(self, catalog: Catalog, env: jinja2.Environment) -> None:
        self.catalog = weakref.ref(catalog)  # the catalog holds this: no cycle to collect
        self.env = env
        common = env.get_template("_common.html")
        self.macros: Any = common.module
        self.by_href = common.filename is not None and Path(common.filename) == PACKAGE_COMMON
        """Whether links may be kept by href: the package's macros use `here` only so."""
        self.made: dict[tuple[str | None, ...], Markup] = {}
        self.tags: dict[tuple[str, str], str] = {}

    def _catalog(self) -> Catalog:
        catalog = self.catalog()
        assert catalog is not None  # pages are made while their catalog lives
        return catalog

    def _where(self, here: str, target: str | None) -> str | None:
        """What of `here` a link to `target` (None: no link) depends on: its href, or with
        an override the page itself."""
        if not self.by_href:
            return here
        return self._catalog().links.rel(here, target) if target else None

    def severity(self, level: str | None) -> Markup:
        """`c.severity(catalog, level)`."""
        key = ("severity", level)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = Markup(self.macros.severity(self._catalog(), level))
        return found

    def ticket(self, ticket: str | None) -> Markup:
        """`c.ticket(catalog, ticket)`."""
        key = ("ticket", ticket)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = Markup(self.macros.ticket(self._catalog(), ticket))
        return found

    def term(self, here: str, kind: str, key: str, label: str | None = None) -> Markup:
        """`c.term(catalog, here, kind, key, label)`."""
        memo = ("term", self._where(here, urls.term(kind, key)), kind, key, label)
        found = self.made.get(memo)
        if found is None:
            made = self.macros.term(self._catalog(), here, kind, key, label)
            found = self.made[memo] = Markup(made)
        return found

    def owner(self, here: str, name: str | None) -> Markup:
        """`c.owner(catalog, here, name)`."""
        catalog = self._catalog()
        page = catalog.owner_page(name)
        key = ("owner", self._where(here, page), name)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = Markup(self.macros.owner(catalog, here, name))
        return found

    def postmortem_link(self, here: str, item: Published) -> Markup:
        """`c.postmortem_link(catalog, here, item)`."""
        key = ("postmortem", self._where(here, item.src_uri), item.src_uri)
        found = self.made.get(key)
        if found is None:
            made = self.macros.postmortem_link(self._catalog(), here, item)
            found = self.made[key] = Markup(made)
        return found

    def tag(self, here: str, name: str) -> str:
        """The href of a tag's page from `here`: the browse table and the lists of
        postmortems link every row's tags, the same few on each page."""
        key = (here, name)
        found = self.tags.get(key)
        if found is None:
            found = self.tags[key] = self._catalog().links.rel(here, urls.tag(name))
        return found
