"""Owner pages (`/owners/`, `/owners/<slug>/`) and the open-work section of term pages.

Expected groups and counts are worked out here from the front matter, by the documented rule
(overdue: open or in progress and due before the as-of day), not by the code under test.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from markupsafe import escape

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import calendars, feeds, listings, owners, urls
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.owner_slugs import owner_slugs

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "postmortems"
AS_OF = dt.date(2026, 11, 24)


def _esc(text: str) -> str:
    """As the templates escape (Jinja2's autoescape)."""
    return str(escape(text))


def _catalog(folder: Path, as_of: dt.date = AS_OF) -> Catalog:
    tax = taxonomy_module.load(folder / "taxonomy.yml")
    corpus = load_corpus([folder], tax)
    assert corpus.ok, corpus.diagnostics
    return catalog_module.build(corpus.entries, tax, as_of)


@pytest.fixture(scope="module")
def example() -> Catalog:
    return _catalog(KB)


def _expected(catalog: Catalog) -> dict[str, Counter[str]]:
    """owner -> counts of overdue, open (not overdue), done and wont-do, from the raw model."""
    counts: dict[str, Counter[str]] = {}
    for item in catalog.items:
        for action in item.postmortem.action_items:
            if not action.owner:
                continue
            active = action.status in ("open", "in-progress")
            if active and action.due is not None and action.due < catalog.as_of:
                group = "overdue"
            elif active:
                group = "open"
            else:
                group = action.status
            counts.setdefault(action.owner, Counter())[group] += 1
    return counts


def test_every_owner_has_their_items_grouped(example: Catalog) -> None:
    expected = _expected(example)
    assert len(expected) >= 5  # the example names many owners
    found = owners.collect(example)
    assert {o.name for o in found} == set(expected)
    for owner in found:
        want = expected[owner.name]
        assert len(owner.overdue) == want["overdue"], owner.name
        assert len(owner.open) == want["open"], owner.name
        assert len(owner.done) == want["done"], owner.name
        assert len(owner.dropped) == want["wont-do"], owner.name
        assert all(w.action.owner == owner.name for w in owner.overdue + owner.open + owner.done)
        days = [w.days_overdue or 0 for w in owner.overdue]
        assert days == sorted(days, reverse=True)  # most overdue first
        for work in owner.overdue:
            assert work.action.due is not None
            assert work.days_overdue == (example.as_of - work.action.due).days
    # Neediest first: by overdue count, then open count.
    keys = [(-len(o.overdue), -len(o.open)) for o in found]
    assert keys == sorted(keys)


class _Rows(HTMLParser):
    """The cells' text of each row of the first table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_the_index_counts_each_owner(example: Catalog) -> None:
    pages = owners.pages(example)
    index = pages[0]
    assert index.src_uri == urls.OWNERS and index.in_nav
    assert all(not page.in_nav for page in pages[1:])
    parser = _Rows()
    parser.feed(index.slots["owners"])
    rows = [row for row in parser.rows if row]
    expected = _expected(example)
    assert len(rows) == len(expected)
    for name, overdue, still_open, done, _most in rows:
        want = expected[name]
        assert (int(overdue), int(still_open), int(done)) == (
            want["overdue"],
            want["open"],
            want["done"],
        ), name
    # Each name links to the page with that owner's slug.
    slugs = owner_slugs(expected)
    for (name, *_), href in zip(rows, [h for h in parser.links if h], strict=True):
        assert href == f"{slugs[name]}/"


def test_an_owner_page_shows_each_group_with_its_postmortem(example: Catalog) -> None:
    found = {o.name: o for o in owners.collect(example)}
    name = max(found, key=lambda n: len(found[n].overdue))
    owner = found[name]
    page = owners.owner_page(example, owner)
    assert page.src_uri == f"owners/{example.owners[name]}.md"
    assert not page.in_nav
    for heading in ("## Overdue", "## Open", "## Done"):
        assert heading in page.markdown
    overdue = page.slots["overdue"]
    for work in owner.overdue:
        assert _esc(work.action.title) in overdue
        href = example.links.rel(page.src_uri, work.item.src_uri)
        assert f'href="{href}"' in overdue
        assert _esc(work.item.id) in overdue
        assert f"{work.days_overdue} day" in overdue
        if work.action.ticket:
            url = example.ticket_url(work.action.ticket)
            assert url and f'href="{_esc(url)}"' in overdue
    for work in owner.open:
        assert _esc(work.action.title) in page.slots["open"]
        assert _esc(work.action.title) not in overdue
    assert "calendars/owners/" in page.slots["head"]


def test_owner_pages_and_calendars_share_one_slug(example: Catalog) -> None:
    made = calendars.make(example, feeds.About())
    calendar_of = {owner: path for owner, path, _ in made.owners}
    assert calendar_of
    by_name = {o.name: o for o in owners.collect(example)}
    for name, path in calendar_of.items():
        assert path == f"calendars/owners/{example.owners[name]}.ics"
        assert by_name[name].calendar == path
    # An owner page links a calendar only when there is one.
    for owner in by_name.values():
        assert (owner.calendar is not None) == (owner.name in calendar_of), owner.name


def _write_kb(folder: Path, owners_due: list[tuple[str, str, str]], tickets: bool = True) -> None:
    folder.mkdir(parents=True)
    taxonomy = textwrap.dedent(
        """\
        severities:
          P1: {label: Major, description: "Bad."}
        """
    )
    if tickets:
        taxonomy += 'tickets:\n  url: "https://tracker.example.com/browse/{ticket}?x=1"\n'
    (folder / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    items = "".join(
        textwrap.indent(
            textwrap.dedent(
                f"""\
                - title: "Fix {index}"
                  type: prevent
                  owner: '{owner.replace("'", "''")}'
                  due: {due}
                  priority: high
                  status: {status}
                  ticket: '{ticket}'
                """
            ),
            "  ",
        )
        for index, ((owner, due, status), ticket) in enumerate(
            zip(
                owners_due,
                ["../x", "a b", '"><script>', "?q=1#x", "..", "T-1", "T-2"],
                strict=False,
            )
        )
    )
    (folder / "2026-01-01-hostile.md").write_text(
        textwrap.dedent(
            """\
            ---
            id: PM-2026-001
            title: Hostile owners
            severity: P1
            status: published
            date: 2026-01-02
            authors: [a]
            services: [web]
            started_at: 2026-01-01T10:00:00+00:00
            detected_at: 2026-01-01T10:05:00+00:00
            resolved_at: 2026-01-01T11:00:00+00:00
            contributing_factors: [config-change]
            action_items:
            """
        )
        + items
        + "---\nBody.\n",
        encoding="utf-8",
    )


HOSTILE = [
    ("<img src=x onerror=alert(1)>", "2026-01-10", "open"),
    ("../..", "2026-12-31", "open"),
    ("Ana Silva", "2026-01-10", "in-progress"),
    ("ana.silva", "2026-01-10", "done"),
    ("index", "2026-12-31", "open"),
    ('"quoted" & <b>', "2026-01-10", "wont-do"),
]


def test_hostile_owner_names_are_escaped_and_kept_apart(tmp_path: Path) -> None:
    _write_kb(tmp_path / "kb", HOSTILE)
    catalog = _catalog(tmp_path / "kb", dt.date(2026, 6, 1))
    assert not catalog.problems
    assert set(catalog.owners) == {name for name, _, _ in HOSTILE}
    slugs = list(catalog.owners.values())
    assert len(set(slugs)) == len(slugs)  # Ana Silva and ana.silva: two pages
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)
    pages = owners.pages(catalog)
    uris = [page.src_uri for page in pages]
    assert len(set(uris)) == len(uris)
    assert all(uri.startswith("owners/") and ".." not in uri for uri in uris)
    assert urls.owner(catalog.owners["index"]) == "owners/index_.md"  # not the index's place
    everything = "\n".join(html for page in pages for html in page.slots.values())
    everything += "\n".join(page.markdown for page in pages)
    assert "<img" not in everything and "<b>" not in everything and "<script>" not in everything
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything
    # Term pages list the open work, with owners linked and escaped too.
    term = listings.term_page(catalog, "services", "web")
    section = term.slots["open-work"]
    assert "<img" not in section and "&lt;img" in section
    for name, _due, status in HOSTILE:
        if status in ("open", "in-progress"):
            href = catalog.links.rel(term.src_uri, urls.owner(catalog.owners[name]))
            assert f'href="{_esc(href)}"' in section, name
    # Ticket ids are encoded whole: no id can leave its path segment or add a query.
    links = re.findall(r'class="pm-ticket" href="([^"]*)"', everything)
    assert links
    for link in links:
        url = html.unescape(link)
        assert url.startswith("https://tracker.example.com/browse/") and url.endswith("?x=1")
        ticket = url.removeprefix("https://tracker.example.com/browse/").removesuffix("?x=1")
        assert not set(ticket) & set('/?#"<> '), ticket
    assert "%2E%2E" not in everything and "browse/..?" not in everything  # `..` is not linked


def test_open_work_counts_the_term_pages_items(example: Catalog) -> None:
    service = max(example.by["services"], key=lambda key: len(example.by["services"][key]))
    items = example.by["services"][service]
    found = owners.Workload(example).open_of(items)
    section = owners.open_work(example, urls.term("services", service), found)
    overdue = [
        a
        for item in items
        for a in item.postmortem.action_items
        if a.status in ("open", "in-progress") and a.due is not None and a.due < AS_OF
    ]
    still_open = [
        a
        for item in items
        for a in item.postmortem.action_items
        if a.status in ("open", "in-progress") and a not in overdue
    ]
    assert overdue, "the example's busiest service has overdue items"
    assert f"Overdue ({len(overdue)})" in section
    assert f"Open, not overdue ({len(still_open)})" in section
    for action in overdue + still_open:
        assert _esc(action.title) in section
    page = listings.term_page(example, "services", service)
    assert page.slots["open-work"] == section


def test_the_workload_groups_each_terms_open_items_as_sorting_them_would(
    example: Catalog,
) -> None:
    """`Workload` sorts the catalog's open items once; each term's and each owner's are
    those, filtered: the same list, in the same order, as sorting their own by urgency."""
    load = owners.Workload(example)
    for kind in urls.KINDS:
        grouped = load.open_by(kind)
        assert set(grouped) <= set(example.by[kind])
        for key, items in example.by[kind].items():
            own = [w for w in owners.works(example, items) if w.open]
            own.sort(key=lambda w: owners._by_urgency(example, w))
            expected = [(w.item.stem, w.place) for w in own]
            assert [(w.item.stem, w.place) for w in grouped.get(key, [])] == expected
            assert [(w.item.stem, w.place) for w in load.open_of(items)] == expected
    every = [w for w in owners.works(example, example.items) if w.open]
    for owner in owners.collect(example, load):
        for group, overdue in ((owner.overdue, True), (owner.open, False)):
            own = [w for w in every if w.action.owner == owner.name and w.overdue == overdue]
            own.sort(key=lambda w: owners._by_urgency(example, w))
            assert [(w.item.stem, w.place) for w in group] == [(w.item.stem, w.place) for w in own]


# A real build of the example site: the owner pages exist, are in the sitemap, and a reader
# gets from a postmortem to its owner's page, and from there to the owner's open items.


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (href, class, text)
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            self._open = (values.get("href") or "", values.get("class") or "")
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((*self._open, "".join(self._text).strip()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def _links(page: Path) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def _follow(site: Path, page: Path, href: str) -> Path:
    """The file a relative link of `page` leads to, as a static server would serve it."""
    base = "/" + page.relative_to(site).as_posix()
    path = unquote(urlsplit(urljoin(base, href)).path)
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("owners-site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMORTEMS_")}
    env.update(POSTMORTEMS_AS_OF=AS_OF.isoformat(), NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return site


def test_the_built_site_reaches_open_work_in_two_clicks(built: Path, example: Catalog) -> None:
    index = built / "owners" / "index.html"
    assert index.is_file()
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "/owners/</loc>" in sitemap
    expected = _expected(example)
    for name, slug in example.owners.items():
        assert (built / "owners" / slug / "index.html").is_file(), name
        assert f"/owners/{slug}/</loc>" in sitemap
    # The nav has the owners index, not each owner's page.
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "By owner" in home
    assert not any(f'href="owners/{slug}/"' in home for slug in example.owners.values())
    # Click 1: a postmortem page with an overdue item -> its owner's page.
    item = next(i for i in example.items if i.overdue)
    action, _days = item.overdue[0]
    assert action.owner is not None
    pm_page = built / urls.site_path(item.src_uri) / "index.html"
    owner_links = [
        href for href, cls, text in _links(pm_page) if "pm-owner" in cls and text == action.owner
    ]
    assert owner_links, f"{pm_page} links {action.owner} to their page"
    owner_page = _follow(built, pm_page, owner_links[0])
    assert owner_page == built / "owners" / example.owners[action.owner] / "index.html"
    # Click 2: the owner page lists the item, with its postmortem linked.
    text = owner_page.read_text(encoding="utf-8")
    overdue = text[text.index('id="overdue"') : text.index('id="open"')]
    assert _esc(action.title) in overdue
    targets = {_follow(built, owner_page, href) for href, _, _ in _links(owner_page)}
    assert pm_page in targets
    assert f"{expected[action.owner]['overdue']} overdue" in re.sub(r"<[^>]+>", "", text)
    # The owner's calendar link leads to the file the calendars wrote.
    calendar = [href for href, cls, _ in _links(owner_page) if "pm-owner-calendar" in cls]
    assert calendar and _follow(built, owner_page, calendar[0]).is_file()
    # Every link of every owner page leads somewhere that exists.
    for page in (built / "owners").rglob("index.html"):
        for href, _, _ in _links(page):
            if href.startswith(("http:", "https:", "#", "mailto:")) or not href:
                continue
            target = _follow(built, page, href.split("#")[0] or "./")
            assert target.exists(), (page, href)


def test_the_analytics_catalog_keeps_the_owner_pages(example: Catalog) -> None:
    """The analytics pages are made from `build.thin` (in another process): their owner
    links need the slugs."""
    from mkdocs_postmortems.site import build

    thin = build.thin(example)
    assert thin.owners == example.owners and thin.owners
    for name in example.owners:
        assert thin.owner_page(name) == example.owner_page(name) == urls.owner(thin.owners[name])
