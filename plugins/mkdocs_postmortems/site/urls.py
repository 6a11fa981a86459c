"""Where each generated page lives, and every URL the site writes to it.

Every URL leaves through `href`: a path as it is on disk, percent-encoded as MkDocs encodes
its page URLs (`File.url`), so a link agrees with the page MkDocs writes whatever a file
name or taxonomy key holds, and no name can end an attribute or start a scheme (`:` is
encoded). Links are relative so the site works under any base path, and they are computed
here, not by MkDocs, because slot HTML is inserted after MkDocs has resolved Markdown links.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from urllib.parse import quote, urlencode

BROWSE = "postmortems/index.md"
KINDS = ("severity", "services", "teams", "factors")
_FOLDER_PAGES = ("index", "README")
"""Stems MkDocs publishes as their folder's page (`README.md` is `index.html` too)."""


def href(path: str) -> str:
    """A site path (or a repository path) as it is spelt in a URL: everything but ASCII
    letters, digits, `_.-~` and `/` percent-encoded as UTF-8, exactly as MkDocs' `File.url`
    (`urllib.parse.quote`); so no quote, `<`, `&`, space, `%`, `#`, `?` or `:` survives."""
    return quote(path, safe="/")


_CONFIGURED_SAFE = "/:?#[]@!$&()*+,;=%~"
"""What stays as written in a URL from the site's configuration: its delimiters and its own
`%XX`. Quotes, `<`, `>`, spaces and non-ASCII are encoded (themes print edit links raw)."""


def edit_url(base: str, source: str) -> str:
    """The edit link of a postmortem: `base` (repository URL and edit URI, from the site's
    configuration) followed by the source file's path from the repository root, encoded."""
    return quote(base, safe=_CONFIGURED_SAFE) + href(source)


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url?key=value&...`, each key and value encoded whole (`/` and `&` included)."""
    return f"{url}?{urlencode(params, quote_via=quote)}" if params else url


def _page(folder: str, name: str) -> str:
    """`folder/name.md`; a name MkDocs would publish as the folder's own page (`index`,
    `README`) moves aside (`index_.md`) for the folder's index."""
    return f"{folder}/{name}_.md" if name in _FOLDER_PAGES else f"{folder}/{name}.md"


def postmortem(stem: str) -> str:
    return _page("postmortems", stem)


def term(kind: str, key: str) -> str:
    """`services/checkout.md`, for a key of the kind's vocabulary."""
    return _page(kind, key)


OWNERS = "owners/index.md"
TAGS = "tags/index.md"


def owner(slug: str) -> str:
    """`owners/<slug>.md`: one action item owner's work (`Catalog.owners` gives the slug)."""
    return _page("owners", slug)


def tag(name: str) -> str:
    """`tags/<tag>.md`: the postmortems with one tag."""
    return _page("tags", name)


def term_index(kind: str) -> str:
    return f"{kind}/index.md"


def relpath(target: str, base: str) -> str:
    """`posixpath.relpath(target or ".", base or ".")` for the clean relative paths of a
    site, without its trips through the working directory: pages link to many pages."""
    to = [part for part in target.split("/") if part and part != "."]
    start = [part for part in base.split("/") if part and part != "."]
    common = 0
    for mine, theirs in zip(to, start, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def site_path(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL path, not yet encoded, that MkDocs gives the file `src_uri` (its
    `File._get_dest_path` and `_get_url`): `a/b.md` -> `a/b/`, `a/index.md` -> `a/`."""
    if not src_uri.endswith(".md"):  # every page this plugin makes is a .md
        return src_uri
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]  # as MkDocs: `...md` has no extension
    name = "index" if stem == "README" else stem
    if name == "index":
        return (parent or ".") + "/" if use_directory_urls else posixpath.join(parent, "index.html")
    if not use_directory_urls:
        return posixpath.join(parent, name + ".html")
    return posixpath.join(parent, name) + "/"


class Urls:
    """Page URLs as MkDocs makes them, with or without directory URLs, and the relative
    hrefs between pages. Pages link to many pages: each URL is worked out once."""

    def __init__(self, use_directory_urls: bool = True) -> None:
        self.directory = use_directory_urls
        self._urls: dict[str, str] = {}

    def url(self, src_uri: str) -> str:
        """The page's URL from the site root, encoded: MkDocs' `File.url`, character for
        character."""
        url = self._urls.get(src_uri)
        if url is None:
            url = self._urls[src_uri] = href(site_path(src_uri, self.directory))
        return url

    def rel(self, from_src: str, to_src: str) -> str:
        """The href from one page (or file) to another, encoded."""
        here = self.url(from_src)
        target = self.url(to_src)
        relative = relpath(target, here.rsplit("/", 1)[0] if "/" in here else "")
        if target.endswith("/"):
            relative = "./" if relative == "." else relative + "/"
        return relative


ANALYTICS = "analytics/index.md"
ANALYTICS_PAGES = {
    "severity": "analytics/severity.md",
    "durations": "analytics/durations.md",
    "factors": "analytics/factors.md",
    "action-items": "analytics/action-items.md",
}
REPORTS = "reports/index.md"


def report(quarter: str) -> str:
    return f"reports/{quarter}.md"
