"""The badges and links of `_common.html`, each made once per distinct input in a build.

Listing and owner pages write thousands of rows, each with a severity badge, an owner link,
a postmortem link and a ticket; a Jinja2 macro call costs several times what it writes, and
so does a call of any Python function from a template. So templates look these up instead,
by subscript (`m.severity[level]` for `c.severity(catalog, level)`), in mappings that call
the macro the first time an input is asked for: a site's override of `_common.html` still
writes every badge and link.

A link depends on the page it is written on (`here`) only through the relative href of its
target, so with the package's `_common.html` a link is kept by that href and serves every
page at the same depth. An override could write `here` some other way: with one, links are
kept per page. Hrefs that no macro writes but every row does (a postmortem's, a tag's) are
kept per page (`Page`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from markupsafe import Markup

from mkdocs_postmortems.site import templates, urls

if TYPE_CHECKING:
    import jinja2

    from mkdocs_postmortems.site.catalog import Catalog

PACKAGE_COMMON = Path(templates.__file__).parent / "templates" / "_common.html"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Made(dict[K, V], Generic[K, V]):
    """A mapping that makes a value the first time its key is asked for: a template's
    subscript reaches it without the cost of a call."""

    def __init__(self, make: Callable[[K], V]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: K) -> V:
        value = self[key] = self.make(key)
        return value


class CommonMacros:
    """`_common.html`'s macros for one catalog and one template environment, remembered."""

    def __init__(self, catalog: Catalog, env: jinja2.Environment) -> None:
        self.catalog = weakref.ref(catalog)  # the catalog holds this: no cycle to collect
        self.env = env
        common = env.get_template("_common.html")
        self.macros: Any = common.module
        self.by_href = common.filename is not None and Path(common.filename) == PACKAGE_COMMON
        """Whether links may be kept by href: the package's macros use `here` only so."""
        self.links: dict[tuple[str | None, ...], Markup] = {}
        self.pages: dict[str, Page] = {}
        self.severity: Made[str | None, Markup] = Made(self._severity)
        """Level -> `c.severity(catalog, level)`."""
        self.ticket: Made[str | None, Markup] = Made(self._ticket)
        """Ticket id -> `c.ticket(catalog, id)`."""

    def _catalog(self) -> Catalog:
        catalog = self.catalog()
        assert catalog is not None  # pages are made while their catalog lives
        return catalog

    def _severity(self, level: str | None) -> Markup:
        return Markup(self.macros.severity(self._catalog(), level))

    def _ticket(self, ticket: str | None) -> Markup:
        return Markup(self.macros.ticket(self._catalog(), ticket))

    def page(self, here: str) -> Page:
        """The links of the page `here`."""
        found = self.pages.get(here)
        if found is None:
            found = self.pages[here] = Page(self, here)
        return found

    def _where(self, here: str, target: str | None) -> tuple[str | None]:
        """What of `here` a link to `target` depends on: its href, or with an override the
        page itself."""
        if not self.by_href:
            return (here,)
        return (self._catalog().links.rel(here, target) if target else None,)

    def keep(
        self, here: str, target: str | None, key: tuple[str | None, ...], make: Callable[[], str]
    ) -> Markup:
        """The link from `here` to `target` that `make` writes, made once per `key` and what
        the link depends on of `here`."""
        full = self._where(here, target) + key
        found = self.links.get(full)
        if found is None:
            found = self.links[full] = Markup(make())
        return found


class Page:
    """The links of one page, by subscript: `p.postmortem[item.stem]`, `p.owner[name]`,
    `p.term[(kind, key, label)]` (the macros of `_common.html`), `p.href[src_uri]` and
    `p.tag[name]` (hrefs)."""

    def __init__(self, common: CommonMacros, here: str) -> None:
        self.common = common
        self.here = here
        self.postmortem: Made[str, Markup] = Made(self._postmortem)
        """A postmortem's stem -> `c.postmortem_link(catalog, here, item)`."""
        self.owner: Made[str | None, Markup] = Made(self._owner)
        """An owner -> `c.owner(catalog, here, name)`."""
        self.term: Made[tuple[str, str, str | None], Markup] = Made(self._term)
        """(kind, key, label) -> `c.term(catalog, here, kind, key, label)`."""
        self.href: Made[str, str] = Made(self._href)
        """A page's src_uri -> its href from here."""
        self.tag: Made[str, str] = Made(self._tag)
        """A tag -> the href of its page from here."""

    def _postmortem(self, stem: str) -> Markup:
        common = self.common
        catalog = common._catalog()
        item = catalog.items[catalog.ranks[stem]]
        return common.keep(
            self.here,
            item.src_uri,
            ("postmortem", stem),
            lambda: common.macros.postmortem_link(catalog, self.here, item),
        )

    def _owner(self, name: str | None) -> Markup:
        common = self.common
        catalog = common._catalog()
        return common.keep(
            self.here,
            catalog.owner_page(name),
            ("owner", name),
            lambda: common.macros.owner(catalog, self.here, name),
        )

    def _term(self, term: tuple[str, str, str | None]) -> Markup:
        common = self.common
        kind, key, label = term
        return common.keep(
            self.here,
            urls.term(kind, key),
            ("term", kind, key, label),
            lambda: common.macros.term(common._catalog(), self.here, kind, key, label),
        )

    def _href(self, target: str) -> str:
        return self.common._catalog().links.rel(self.here, target)

    def _tag(self, name: str) -> str:
        return self.common._catalog().links.rel(self.here, urls.tag(name))
