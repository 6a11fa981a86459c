"""Where each generated page lives, and relative links between them.

Links are relative so the site works under any base path, and they are computed here,
not by MkDocs, because slot HTML is inserted after MkDocs has resolved Markdown links.
"""

from __future__ import annotations

BROWSE = "postmortems/index.md"
KINDS = ("severity", "services", "teams", "factors")


def postmortem(stem: str) -> str:
    return f"postmortems/{stem}.md"


def term(kind: str, key: str) -> str:
    """`services/checkout.md`; a key named `index` moves aside for the kind's own index."""
    return f"{kind}/{key}_.md" if key == "index" else f"{kind}/{key}.md"


def term_index(kind: str) -> str:
    return f"{kind}/index.md"


def relpath(target: str, base: str) -> str:
    """`posixpath.relpath(target or ".", base or ".")` for the clean relative paths of a
    site, without its trips through the working directory: pages link to many pages."""
    to = [part for part in target.split("/") if part]
    start = [part for part in base.split("/") if part]
    common = 0
    for mine, theirs in zip(to, start, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


class Urls:
    """Page URLs as MkDocs makes them, with or without directory URLs."""

    def __init__(self, use_directory_urls: bool = True) -> None:
        self.directory = use_directory_urls

    def url(self, src_uri: str) -> str:
        if not src_uri.endswith(".md"):
            return src_uri
        stem = src_uri[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            folder = stem[: -len("index")]
            return folder if self.directory else folder + "index.html"
        return stem + "/" if self.directory else stem + ".html"

    def rel(self, from_src: str, to_src: str) -> str:
        """The href from one page (or file) to another."""
        here = self.url(from_src)
        target = self.url(to_src)
        base = here.rsplit("/", 1)[0] if "/" in here else ""
        relative = relpath(target, base)
        if target.endswith("/") or target == "":
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
