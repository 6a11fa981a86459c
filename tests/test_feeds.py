"""The Atom feeds, read with feedparser from real builds and checked against the knowledge
base's files as PyYAML reads them: exactly the published postmortems in each feed, newest
first, with stable ids and dates; the same bytes from two builds; hostile text intact and
inert; every page's head announcing its feeds."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.structure.files import File

from mkdocs_postmortems.site import feeds, urls
from subscriptions_kb import (
    FACTOR_LABEL,
    HOSTILE_POSTMORTEMS,
    SITE_NAME,
    Built,
    analytics_kb,
    changed,
    example_site,
    hostile_kb,
)

__all__ = ["analytics_kb", "example_site", "hostile_kb"]  # session fixtures, shared

SERVED = "https://kb.test/a%20b/"
"""Where a site without `site_url` is served in these tests: its feeds' relative links
resolve against the feed's own address."""
ATOM = "{http://www.w3.org/2005/Atom}"
TERM_FIELDS = {
    "severity": "severity",
    "services": "services",
    "teams": "teams",
    "factors": "contributing_factors",
}


def _served(built: Built, path: str) -> str:
    return (built.site_url or SERVED) + path


def parse(built: Built, path: str) -> Any:
    """A feed as a reader fetching it from the site gets it."""
    data = (built.site / path).read_bytes()
    parsed = feedparser.parse(
        data,
        response_headers={
            "content-location": _served(built, path),
            "content-type": "application/atom+xml; charset=utf-8",
        },
    )
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


def on_disk(built: Built, url: str) -> Path:
    """The file of the site that an absolute URL leads to, as a static server finds it."""
    base = built.site_url or SERVED
    assert url.startswith(base), url
    path = unquote(urlsplit(url).path)[len(unquote(urlsplit(base).path)) :]
    file = built.site / posixpath.normpath(path + "index.html" if path.endswith("/") else path)
    assert file.is_file(), url
    return file


def _terms(built: Built) -> dict[str, set[str]]:
    """The keys with a feed: the taxonomy's, and any a postmortem but a draft uses."""
    taxonomy = built.taxonomy()
    keys = {
        "severity": set(taxonomy["severities"]),
        "services": set(taxonomy.get("services") or []),
        "teams": set(taxonomy.get("teams") or []),
        "factors": set(taxonomy.get("contributing_factors") or {}),
    }
    for front in built.fronts():
        if front.get("status") != "draft":
            for kind, name in TERM_FIELDS.items():
                value = front.get(name) or []
                keys[kind].update([value] if isinstance(value, str) else value)
    return keys


def _expected(built: Built, kind: str | None, key: str | None) -> list[dict[str, Any]]:
    """The published postmortems a feed holds, newest first (ties by id)."""
    chosen = []
    for front in built.fronts():
        if front.get("status") != "published":
            continue
        if kind is not None:
            value = front.get(TERM_FIELDS[kind]) or []
            if key not in ([value] if isinstance(value, str) else value):
                continue
        chosen.append(front)
    return sorted(chosen, key=lambda f: (-changed(f).timestamp(), f["id"]))


def _every_feed(built: Built) -> list[tuple[str | None, str | None, str]]:
    found: list[tuple[str | None, str | None, str]] = [(None, None, feeds.SITE_FEED)]
    for kind, keys in _terms(built).items():
        found += [(kind, key, feeds.feed_path(kind, key)) for key in sorted(keys)]
    return found


def check_feeds(built: Built) -> int:
    """Every feed of the site against the files; how many entries were checked."""
    written = sorted(p.relative_to(built.site).as_posix() for p in built.site.glob("feed*.xml"))
    expected_paths = sorted(path for _, _, path in _every_feed(built))
    assert [p for p in written if p.endswith(".xml")] == expected_paths
    checked = 0
    for kind, key, path in _every_feed(built):
        parsed = parse(built, path)
        fronts = _expected(built, kind, key)
        assert [e.id for e in parsed.entries] == [
            f"{feeds.TAG}postmortem:{f['id']}" for f in fronts
        ], path
        for entry, front in zip(parsed.entries, fronts, strict=True):
            assert entry.title == front["title"]
            assert entry.updated == changed(front).strftime("%Y-%m-%dT%H:%M:%SZ")
            assert front["severity"] in entry.summary
            assert (front.get("summary") or "") in entry.summary
            categories = {(t.scheme, t.term) for t in entry.tags}
            assert (f"{feeds.TAG}severity", front["severity"]) in categories
            for service in front.get("services") or []:
                assert (f"{feeds.TAG}services", service) in categories
            assert [a.name for a in entry.authors] == front["authors"]
            page = on_disk(built, entry.link)
            assert page.parent.name == front["_stem"]
            checked += 1
        newest = fronts[0] if fronts else None
        assert parsed.feed.updated == (
            changed(newest).strftime("%Y-%m-%dT%H:%M:%SZ") if newest else "1970-01-01T00:00:00Z"
        )
        assert on_disk(built, parsed.feed.links[0].href) == built.site / path  # rel=self
        alternate = [link.href for link in parsed.feed.links if link.rel == "alternate"]
        assert len(alternate) == 1 and on_disk(built, alternate[0]).is_file()
        assert parsed.feed.id.startswith(feeds.TAG)
    return checked


def test_feeds_hold_exactly_the_published_postmortems(analytics_kb: tuple[Built, Built]) -> None:
    first, _ = analytics_kb
    statuses = [front["status"] for front in first.fronts()]
    assert {"draft", "in-review", "published"} <= set(statuses)  # the fixture has them all
    assert check_feeds(first) > statuses.count("published") * 3


def test_feeds_of_a_site_with_a_url_link_absolutely(example_site: Built) -> None:
    assert example_site.site_url is not None
    assert check_feeds(example_site) > 20
    text = (example_site.site / feeds.SITE_FEED).read_text("utf-8")
    assert "xml:base" not in text
    assert f'href="{example_site.site_url}postmortems/' in text


def test_feeds_without_a_url_resolve_against_their_own_address(
    analytics_kb: tuple[Built, Built],
) -> None:
    """A reader without xml:base support still gets the page's path from the site's root."""
    first, _ = analytics_kb
    root = ET.parse(first.site / feeds.feed_path("services", "edge")).getroot()
    # At the site's root, a feed's relative links need no xml:base.
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") is None
    links = [e.find(f"{ATOM}link") for e in root.iter(f"{ATOM}entry")]
    hrefs = [link.get("href", "") for link in links if link is not None]
    assert hrefs and all(h.startswith("postmortems/") for h in hrefs)
    resolved = urljoin(SERVED + feeds.feed_path("services", "edge"), hrefs[0])
    assert resolved.startswith(SERVED + "postmortems/")


def test_two_builds_give_the_same_bytes(analytics_kb: tuple[Built, Built]) -> None:
    one, two = analytics_kb
    for pattern in ("feed*.xml", "calendars/**/*.*"):
        files = sorted(p.relative_to(one.site) for p in one.site.glob(pattern))
        assert files == sorted(p.relative_to(two.site) for p in two.site.glob(pattern))
        assert len(files) > 5
        for name in files:
            assert (one.site / name).read_bytes() == (two.site / name).read_bytes(), name


def test_hostile_text_reaches_the_feed_intact_and_inert(hostile_kb: Built) -> None:
    assert check_feeds(hostile_kb) >= 4
    published = [f for f in HOSTILE_POSTMORTEMS.values() if f["status"] == "published"]
    for path in [feeds.SITE_FEED, feeds.feed_path("factors", "odd-factor")]:
        root = ET.parse(hostile_kb.site / path).getroot()  # a strict XML parser
        entries = list(root.iter(f"{ATOM}entry"))
        assert len(entries) == len(published)
        titles = {e.findtext(f"{ATOM}title") for e in entries}
        assert titles == {f["title"] for f in published}
        assert all(e.find(f"{ATOM}title").get("type") is None for e in entries)  # type: ignore[union-attr]
        assert root.findtext(f"{ATOM}author/{ATOM}name") == SITE_NAME
        by_id = {f"{feeds.TAG}postmortem:{f['id']}": f for f in published}
        for entry in entries:
            front = by_id[entry.findtext(f"{ATOM}id") or ""]
            assert front["summary"] in (entry.findtext(f"{ATOM}summary") or "")
            labels = [c.get("label") for c in entry.iter(f"{ATOM}category")]
            assert f"P1 · {FACTOR_LABEL}" in labels or "P3 · Minor" in labels
            assert FACTOR_LABEL in labels
        assert b"<script" not in (hostile_kb.site / path).read_bytes()


def test_text_xml_cannot_hold_is_replaced_not_written() -> None:
    """U+FFFE, U+FFFF and controls cannot be in an XML document at all."""
    hostile = "a\x00b\x1fc\ufffe\uffffd\x85e<&>\"'\t\n"
    element = ET.fromstring(f'<t a="{feeds.attr(hostile)}">{feeds.text(hostile)}</t>')
    assert element.text == "a\ufffdb\ufffdc\ufffd\ufffdd\x85e<&>\"'\t\n"
    assert element.get("a") == element.text  # tabs and line breaks kept in attributes


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alternates: list[dict[str, str | None]] = []
        self.in_head = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_head = False
        elif tag == "link" and self.in_head and dict(attrs).get("rel") == "alternate":
            self.alternates.append(dict(attrs))


def _head_feeds(page: Path, site: Path) -> dict[str, str]:
    parser = _Head()
    parser.feed(page.read_text("utf-8"))
    found = {}
    for attrs in parser.alternates:
        assert attrs["type"] == "application/atom+xml"
        href = attrs["href"] or ""
        assert "://" not in href  # relative, as every link of the site
        target = posixpath.normpath(
            posixpath.join(page.parent.relative_to(site).as_posix(), unquote(href))
        )
        assert (site / target).is_file(), (page, href)
        found[target] = attrs["title"] or ""
    return found


@pytest.mark.parametrize("which", ["analytics", "example", "hostile"])
def test_every_page_announces_its_feeds(
    which: str, analytics_kb: tuple[Built, Built], example_site: Built, hostile_kb: Built
) -> None:
    built = {"analytics": analytics_kb[0], "example": example_site, "hostile": hostile_kb}[which]
    pages = [p for p in built.site.rglob("*.html") if p.name != "404.html"]
    term_pages = 0
    for page in pages:
        found = _head_feeds(page, built.site)
        assert feeds.SITE_FEED in found, page
        folder = page.parent.relative_to(built.site).parts
        if len(folder) == 2 and folder[0] in TERM_FIELDS:
            kind, name = folder
            key = name[:-1] if name in ("index_", "README_") else name
            assert feeds.feed_path(kind, key) in found, page
            assert len(found) == 2
            term_pages += 1
        else:
            assert len(found) == 1, page
    assert term_pages == sum(len(keys) for keys in _terms(built).values())


def test_ids_do_not_depend_on_the_site_url_or_the_build_day(tmp_path: Path) -> None:
    """The same postmortems, built with and without a URL and on other days."""
    from subscriptions_kb import build, write_hostile_kb

    project = tmp_path / "kb"
    write_hostile_kb(project, site_url="https://elsewhere.example/kb/")
    build(project, tmp_path / "site", env={"POSTMORTEMS_AS_OF": "2031-01-01"})
    moved = feedparser.parse((tmp_path / "site" / feeds.SITE_FEED).read_bytes())
    ids = [(e.id, e.updated) for e in moved.entries]
    assert ids and all(e.link.startswith("https://elsewhere.example/kb/") for e in moved.entries)
    published = sorted(
        (f for f in HOSTILE_POSTMORTEMS.values() if f["status"] == "published"),
        key=lambda f: (-changed(f).timestamp(), f["id"]),
    )
    assert ids == [
        (f"{feeds.TAG}postmortem:{f['id']}", changed(f).strftime("%Y-%m-%dT%H:%M:%SZ"))
        for f in published
    ]
    assert moved.feed.updated == ids[0][1]
    assert dt.datetime.fromisoformat(ids[0][1]) < dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_drafts_and_reviews_stay_out_where_the_site_shows_them(hostile_kb: Built) -> None:
    """`mkdocs serve` and `include_drafts: true` put drafts in the catalog: not in feeds."""
    from mkdocs_postmortems.core import taxonomy as taxonomy_module
    from mkdocs_postmortems.core.corpus import load_corpus
    from mkdocs_postmortems.site import catalog

    taxonomy = taxonomy_module.load(hostile_kb.folder / "taxonomy.yml")
    corpus = load_corpus([hostile_kb.folder], taxonomy)
    shown = catalog.build(corpus.entries, taxonomy, dt.date(2026, 11, 24), include_drafts=True)
    assert {item.postmortem.status for item in shown.items} == {"draft", "in-review", "published"}
    made = dict(feeds.make(shown, feeds.About()).files())
    published = {f"{feeds.TAG}postmortem:{f['id']}" for f in _expected(hostile_kb, None, None)}
    for path, data in made.items():
        ids = {e.id for e in feedparser.parse(data).entries}
        assert ids <= published and (ids or path != feeds.SITE_FEED), path
    assert {e.id for e in feedparser.parse(made[feeds.SITE_FEED]).entries} == published


_NAME = st.text(st.characters(codec="utf-8", blacklist_characters="/\x00"), min_size=1)
"""A taxonomy key as hostile as a file name can be (the taxonomy refuses most of these)."""


@given(st.sampled_from(urls.KINDS), _NAME, st.booleans())
def test_a_head_link_is_encoded_and_leads_to_the_feed(kind: str, key: str, directory: bool) -> None:
    src_uri = urls.term(kind, key)
    page = File(src_uri, src_dir=None, dest_dir="/site", use_directory_urls=directory)
    path = feeds.feed_path(kind, key)
    head = feeds.HeadLinks(
        ("site <&>", urls.href(feeds.SITE_FEED)), {src_uri: ("t", urls.href(path))}
    )
    html = head.html(src_uri, page.url)
    parser = _Head()
    parser.feed(f"<head>{html}</head>")
    hrefs = [attrs["href"] or "" for attrs in parser.alternates]
    assert len(hrefs) == 2
    for href, target in zip(hrefs, [feeds.SITE_FEED, path], strict=True):
        assert re.fullmatch(r"(?:[A-Za-z0-9_.~/-]|%[0-9A-F]{2})+", href), href
        resolved = urlsplit(urljoin(SERVED + page.url, href))
        assert unquote(resolved.path) == unquote(urlsplit(SERVED).path) + target
    assert (
        head.insert("<html><head><title>x</title></head><body></head>", src_uri, page.url).count(
            html
        )
        == 1
    )
