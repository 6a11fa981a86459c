"""Atom feeds (RFC 4287) of the published postmortems: one for the whole site and one for
each severity, service, team and contributing factor, and the `<link rel="alternate">` tags
that lead a page's readers to them.

Only `status: published` postmortems are in a feed: drafts and those in review never are.
Nothing in a feed depends on the build: ids are `tag:` URIs of the postmortem's id and dates
are the postmortem's own, so the same knowledge base gives the same bytes whenever it is
built, and a feed reader never shows an old postmortem as new. Feeds are written as text in
one pass: each entry once, shared by every feed that holds it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import term_label
from mkdocs_postmortems.site.html import esc
from mkdocs_postmortems.site.listings import KIND_NOUN, terms

TAG = "tag:mkdocs-postmortems.invalid,2026:"
"""The start of every feed and entry id (RFC 4151): fixed, so ids survive a move of the site
(`site_url`) and any rebuild. `.invalid` is a reserved name that nobody owns."""
DOMAIN = "mkdocs-postmortems.invalid"
"""The same name, after the `@` of calendar UIDs."""
SITE_FEED = "feed.xml"
"""Feeds live at the site's root, beside `sitemap.xml`: Material's instant navigation fetches
`sitemap.xml` from the folder of every `<link rel="alternate">` of a page, so a feed in a
folder of its own would cost every page a request for a file that does not exist."""
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""`updated` of a feed with no entry yet, and of a postmortem with no date at all."""
ATOM = "application/atom+xml"


SCHEMES = {kind: f"{TAG}{kind}" for kind in urls.KINDS}
"""The `scheme` of each kind's categories: a team and a service may share a key."""


def feed_path(kind: str, key: str) -> str:
    """`feed-services-checkout.xml`: the feed of one key of a kind (`urls.KINDS`), at the
    root like `SITE_FEED`; no kind holds a `-`, so no two kinds' names meet. A file, not a
    page, so `index` and `README` need not move aside as their pages do."""
    return f"feed-{kind}-{key}.xml"


@dataclass(frozen=True)
class About:
    """What the site's configuration tells its feeds and calendars."""

    name: str = "Postmortems"
    url: str | None = None
    """`site_url`: links are absolute when it is set, relative to the site's root if not."""

    @functools.cached_property
    def base(self) -> str | None:
        """`site_url` as a link prefix, ending in `/`, encoded as configured URLs are."""
        return urls.edit_url(self.url.rstrip("/") + "/", "") if self.url else None

    def href(self, url: str) -> str:
        """A link to `url` (a path from the site's root, already encoded): absolute under
        `site_url` when it is set, else as it is."""
        base = self.base
        return base + url if base is not None else url


def moment(pm: Postmortem) -> dt.datetime:
    """When a postmortem last changed, by its own data: the later of its `date` (at midnight
    UTC) and `resolved_at`, else `started_at`. Never the build's time, so a rebuild changes
    nothing; feeds and calendars share it (`updated`, `DTSTAMP`)."""
    found = []
    if pm.date is not None:
        found.append(dt.datetime.combine(pm.date, dt.time(), dt.UTC))
    if pm.resolved_at is not None:
        found.append(pm.resolved_at.astimezone(dt.UTC))
    if not found and pm.started_at is not None:
        found.append(pm.started_at.astimezone(dt.UTC))
    return max(found, default=EPOCH)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all, even as references (U+FFFE, U+FFFF, controls)."""
_BLANKS = str.maketrans({"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


def text(value: str) -> str:
    """Text as XML character data: escaped (`<`, `&`, quotes), and what XML cannot hold
    replaced by U+FFFD, so no text from a postmortem can break a feed."""
    return esc(_NOT_XML.sub("\ufffd", value))


def attr(value: str) -> str:
    """Text as an XML attribute value: as `text`, with tabs and line breaks as references,
    which a parser would otherwise turn into spaces."""
    return text(value).translate(_BLANKS)


def part(value: str) -> str:
    """A name as one segment of an id or a UID: percent-encoded, `/` included."""
    return urls.href(value).replace("/", "%2F")


def entry_id(item: Published) -> str:
    """A postmortem's entry id: its `id`, else its file's stem (a name of its own kind)."""
    pm = item.postmortem
    return TAG + (f"postmortem:{part(pm.id)}" if pm.id else f"file:{part(item.stem)}")


def _severity(catalog: Catalog, level: str | None) -> str | None:
    """`P1 (Major)`."""
    if level is None:
        return None
    info = catalog.taxonomy.severities.get(level)
    return f"{level} ({info.label})" if info else level


def _keys(pm: Postmortem) -> dict[str, Iterable[str]]:
    """The keys of each kind that a postmortem names, once each (as `catalog.build`)."""
    return {
        "severity": [pm.severity] if pm.severity else [],
        "services": dict.fromkeys(pm.services),
        "teams": dict.fromkeys(pm.teams),
        "factors": dict.fromkeys(pm.contributing_factors),
    }


def entry(catalog: Catalog, item: Published, updated: dt.datetime, about: About) -> str:
    """One postmortem as an Atom entry: title, link, summary (severity first), authors and a
    category per severity, service, team and factor. `updated` is its `moment`."""
    pm = item.postmortem
    href = about.href(catalog.links.url(item.src_uri))
    severity = _severity(catalog, pm.severity)
    summary = " ".join(
        part
        for part in (
            f"Severity {severity}." if severity else "",
            f"Services: {', '.join(pm.services)}." if pm.services else "",
            pm.summary or "",
        )
        if part
    )
    lines = [
        "<entry>",
        f"<id>{text(entry_id(item))}</id>",
        f"<title>{text(item.title)}</title>",
        f'<link rel="alternate" type="text/html" href="{attr(href)}"/>',
        f"<updated>{rfc3339(updated)}</updated>",
    ]
    lines.extend(f"<author><name>{text(author)}</name></author>" for author in pm.authors or ())
    for kind, keys in _keys(pm).items():
        scheme = SCHEMES[kind]
        for key in keys:
            label = term_label(catalog, kind, key)
            said = f' label="{attr(label)}"' if label != key else ""  # a label that says more
            lines.append(f'<category term="{attr(key)}" scheme="{scheme}"{said}/>')
    lines.append(f"<summary>{text(summary)}</summary>")
    lines.append("</entry>\n")
    return "\n".join(lines)


@dataclass(frozen=True)
class Feed:
    path: str
    title: str
    alternate: str
    """The page the feed is the feed of (a `src_uri`)."""
    ident: str
    kind: str | None = None
    """The kind (`urls.KINDS`) and key of a term's feed; None for the site's."""
    key: str | None = None
    entries: list[tuple[dt.datetime, str]] = field(default_factory=list)
    """(updated, entry XML), newest first."""

    def xml(self, catalog: Catalog, about: About) -> bytes:
        """The feed. Without `site_url`, its links are paths from the site's root, and its
        `xml:base` leads from the feed's own folder back to that root."""
        depth = self.path.count("/")
        relative = "" if about.base or not depth else f' xml:base="{"../" * depth}"'
        updated = self.entries[0][0] if self.entries else EPOCH
        self_href = about.href(urls.href(self.path))
        page = about.href(catalog.links.url(self.alternate))
        head = "\n".join(
            [
                '<?xml version="1.0" encoding="utf-8"?>',
                f'<feed xmlns="http://www.w3.org/2005/Atom"{relative}>',
                f"<id>{text(self.ident)}</id>",
                f"<title>{text(self.title)}</title>",
                f"<updated>{rfc3339(updated)}</updated>",
                f'<link rel="self" type="{ATOM}" href="{attr(self_href)}"/>',
                f'<link rel="alternate" type="text/html" href="{attr(page)}"/>',
                f"<author><name>{text(about.name)}</name></author>",
                "<generator>mkdocs-postmortems</generator>\n",
            ]
        )
        return (head + "".join(xml for _, xml in self.entries) + "</feed>\n").encode()


def site_title(about: About) -> str:
    return f"{about.name}: published postmortems"


def term_title(catalog: Catalog, about: About, kind: str, key: str) -> str:
    return f"{about.name}: {KIND_NOUN[kind]} {term_label(catalog, kind, key)}"


@dataclass(frozen=True)
class HeadLinks:
    """The `<link rel="alternate">` tags of each page: every page has the site's feed, and a
    severity, service, team or factor page the feed of its own key too."""

    site: tuple[str, str]
    """(title, encoded path from the site's root) of the site's feed."""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    """The same for each term page, by its `src_uri`."""

    def html(self, src_uri: str, page_url: str) -> str:
        """The tags for the page at `page_url` (MkDocs' `Page.url`, encoded), with hrefs
        relative to it, as every link of the site is."""
        folder = page_url.rsplit("/", 1)[0] if "/" in page_url else ""
        own = self.pages.get(src_uri)
        return "".join(
            f'<link rel="alternate" type="{ATOM}" title="{esc(title)}" '
            f'href="{esc(urls.relpath(path, folder))}">'
            for title, path in ((self.site, own) if own else (self.site,))
        )

    def insert(self, output: str, src_uri: str, page_url: str) -> str:
        """A rendered page with its tags at the end of its head. The first `</head>` is the
        head's: nothing before it holds unescaped text of a postmortem."""
        end = output.find("</head>")
        if end == -1:
            return output
        return output[:end] + self.html(src_uri, page_url) + output[end:]


@dataclass
class Feeds:
    head: HeadLinks
    feeds: list[Feed]
    """Every feed, the site's first, then by kind (`urls.KINDS`) and key (`terms`)."""
    catalog: Catalog
    about: About

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Each feed's path and bytes, made as they are asked for: a postmortem is in
        several feeds, so together they weigh several times its entries."""
        for feed in self.feeds:
            yield feed.path, feed.xml(self.catalog, self.about)


def make(catalog: Catalog, about: About) -> Feeds:
    """Every feed of the site. Entries newest first (`moment`), ties by id."""
    published = sorted(
        (
            (moment(item.postmortem), item)
            for item in catalog.items
            if item.postmortem.status == "published"
        ),
        key=lambda pair: (-pair[0].timestamp(), pair[1].id),
    )
    site = Feed(SITE_FEED, site_title(about), urls.BROWSE, TAG + "feed")
    by_kind: dict[str, dict[str, Feed]] = {}
    for kind in urls.KINDS:
        by_kind[kind] = {
            key: Feed(
                feed_path(kind, key),
                term_title(catalog, about, kind, key),
                urls.term(kind, key),
                f"{TAG}feed:{kind}/{part(key)}",
                kind,
                key,
            )
            for key in terms(catalog, kind)
        }
    for updated, item in published:
        pm = item.postmortem
        made = (updated, entry(catalog, item, updated, about))
        site.entries.append(made)
        for kind, keys in _keys(pm).items():
            for key in keys:
                by_kind[kind][key].entries.append(made)
    feeds = [site, *(feed for kind in urls.KINDS for feed in by_kind[kind].values())]
    head = HeadLinks(
        (site.title, urls.href(site.path)),
        {feed.alternate: (feed.title, urls.href(feed.path)) for feed in feeds[1:]},
    )
    return Feeds(head, feeds, catalog, about)
