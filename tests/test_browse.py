"""The browse table, the index pages and the tag pages, rendered from real knowledge bases.

Counts and orders are worked out here from the validated files, never from `listings`; the
hostile knowledge base (tests/fixtures/kb-hostile) checks that nothing an author writes
becomes markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import Entry, load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import listings, urls
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import Page

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "postmortems"
HOSTILE = REPO / "tests" / "fixtures" / "kb-hostile" / "postmortems"
AS_OF = dt.date(2026, 11, 24)


def _entries(folder: Path) -> list[Entry]:
    corpus = load_corpus([folder], taxonomy_module.load(folder / "taxonomy.yml"))
    assert corpus.ok, [str(p) for p in corpus.diagnostics][:5]
    return corpus.entries


def _catalog(folder: Path, *, drafts: bool = False) -> Catalog:
    taxonomy = taxonomy_module.load(folder / "taxonomy.yml")
    return catalog_module.build(_entries(folder), taxonomy, AS_OF, include_drafts=drafts)


class Parsed(HTMLParser):
    """Elements (tag, attributes), the text, and each table's rows of (cell attrs, text)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.rows: list[list[tuple[dict[str, str], str]]] = []
        self.row_attrs: list[dict[str, str]] = []
        self._cell: tuple[dict[str, str], list[str]] | None = None
        self._in_body = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.elements.append((tag, found))
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
            self.row_attrs.append(found)
        elif tag == "td" and self._in_body:
            self._cell = (found, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            attrs, text = self._cell
            self.rows[-1].append((attrs, " ".join("".join(text).split())))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell[1].append(data)

    def handle_comment(self, data: str) -> None:
        assert data in ("nosearch", "/nosearch"), data


def html_of(page: Page) -> str:
    return "\n".join(page.slots.values())


SAFE_TAGS = {
    "a", "p", "h1", "span", "time", "code", "div", "table", "thead", "tbody", "tr", "th", "td",
    "button", "ul", "li", "form", "label", "select", "option", "input", "output",
    "section", "h2", "h3", "strong", "em", "br",  # the open work of term pages (site.owners)
}  # fmt: skip


def assert_only_our_markup(page: Page) -> Parsed:
    """The page holds only the elements and attributes the templates write."""
    parsed = Parsed(html_of(page))
    for tag, attrs in parsed.elements:
        assert tag in SAFE_TAGS, (page.src_uri, tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (page.src_uri, tag, name)
            if name == "href":
                assert not value.lower().startswith(("javascript:", "data:", "//")), value
                assert " " not in value and "<" not in value and '"' not in value, value
    return parsed


# --- the browse table ------------------------------------------------------------------


@pytest.mark.parametrize("drafts", [False, True])
def test_browse_rows_statuses_and_tags(drafts: bool) -> None:
    entries = _entries(EXAMPLE)
    shown = [e for e in entries if drafts or not e.postmortem.is_draft]
    catalog = _catalog(EXAMPLE, drafts=drafts)
    parsed = assert_only_our_markup(listings.browse(catalog))
    assert len(parsed.rows) == len(shown)
    by_id = {e.postmortem.id: e.postmortem for e in shown}
    for attrs, cells in zip(parsed.row_attrs, parsed.rows, strict=True):
        labels = {cell_attrs["data-label"]: text for cell_attrs, text in cells}
        pm = by_id[labels["Id"]]
        assert attrs["data-status"] == pm.status == labels["Status"]
        assert attrs["data-tags"].split() == pm.tags
        for tag in pm.tags:
            assert tag in labels["Title"].split()
    statuses = Counter(e.postmortem.status for e in shown)
    options = {
        attrs["value"]
        for tag, attrs in parsed.elements
        if tag == "option" and attrs["value"] in ("published", "in-review", "draft")
    }
    assert options == set(statuses)
    assert ("draft" in statuses) == drafts  # drafts only when asked (`mkdocs serve`)
    text = "".join(parsed.text)
    for status, n in statuses.items():
        assert f"{n} {status}" in text


def test_browse_filters_and_their_url_parameters() -> None:
    parsed = Parsed(html_of(listings.browse(_catalog(EXAMPLE))))
    names = [attrs["data-filter"] for _, attrs in parsed.elements if "data-filter" in attrs]
    # The URL interface: the old names stay, the free text is `text` (not Material's q or h).
    assert names == ["severity", "status", "services", "teams", "factors", "tags", "text"]
    tags = sorted(
        {t for e in _entries(EXAMPLE) if not e.postmortem.is_draft for t in e.postmortem.tags}
    )
    in_select = []
    current = None
    for tag, attrs in parsed.elements:
        if tag == "select":
            current = attrs["data-filter"]
        elif tag == "option" and current == "tags" and attrs["value"]:
            in_select.append(attrs["value"])
    assert in_select == tags


def test_browse_js_reads_no_parameter_of_the_theme() -> None:
    script = (REPO / "plugins/mkdocs_postmortems/site/assets/browse.js").read_text()
    assert '"q"' not in script and "'q'" not in script
    assert '"h"' not in script


# --- index pages -----------------------------------------------------------------------


def _index_rows(page: Page) -> list[tuple[str, int, int]]:
    parsed = assert_only_our_markup(page)
    rows = []
    for cells in parsed.rows:
        texts = [text for _, text in cells]
        rows.append((texts[0], int(texts[1]), int(texts[2])))
    return rows


@pytest.mark.parametrize("kind", ["services", "teams", "factors", "severity", "tags"])
@pytest.mark.parametrize("folder", [EXAMPLE, HOSTILE], ids=["example", "hostile"])
def test_index_counts_and_order(kind: str, folder: Path) -> None:
    """Counts and overdue items per term, worked out from the files; most first, then name."""
    taxonomy = taxonomy_module.load(folder / "taxonomy.yml")
    published = [e.postmortem for e in _entries(folder) if not e.postmortem.is_draft]
    field = {"factors": "contributing_factors", "severity": "severity"}.get(kind, kind)
    counts: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for pm in published:
        value = getattr(pm, field)
        keys = set([value] if isinstance(value, str) else value)
        late = sum(
            1
            for a in pm.action_items
            if a.status in ("open", "in-progress") and a.due is not None and a.due < AS_OF
        )
        for key in keys:
            counts[key] += 1
            overdue[key] += late
    declared: list[str] = {
        "severity": list(taxonomy.severities),
        "services": list(taxonomy.services or []),
        "teams": list(taxonomy.teams or []),
        "factors": list(taxonomy.contributing_factors or {}),
        "tags": [],
    }[kind]
    keys = set(declared) | set(counts)

    def label(key: str) -> str:
        if kind == "factors" and key in (taxonomy.contributing_factors or {}):
            return (taxonomy.contributing_factors or {})[key].label
        if kind == "severity" and key in taxonomy.severities:
            return f"{key} · {taxonomy.severities[key].label}"
        return key

    expected = sorted(
        ((" ".join(label(k).split()), counts[k], overdue[k]) for k in keys),
        key=lambda row: (-row[1], row[0].casefold()),
    )
    catalog = _catalog(folder)
    page = listings.tag_index(catalog) if kind == "tags" else listings.term_index(catalog, kind)
    assert _index_rows(page) == expected
    if kind == "tags":
        assert page.src_uri == urls.TAGS == "tags/index.md"


def test_index_tables_are_sortable_and_stack() -> None:
    catalog = _catalog(EXAMPLE)
    for page in [listings.browse(catalog), listings.tag_index(catalog)] + [
        listings.term_index(catalog, kind) for kind in urls.KINDS
    ]:
        parsed = Parsed(html_of(page))
        tables = [attrs for tag, attrs in parsed.elements if tag == "table"]
        assert len(tables) == 1
        assert "data-pm-sortable" in tables[0] and "pm-stack" in tables[0]["class"].split()
        headers = [attrs for tag, attrs in parsed.elements if tag == "th"]
        assert all(h["aria-sort"] in ("none", "descending") for h in headers)
        # Every cell says what it sorts by and what a phone shows beside it.
        for cells in parsed.rows:
            assert all("data-value" in a and a.get("data-label") for a, _ in cells)


# --- tag pages and term pages ----------------------------------------------------------


def test_tag_pages_list_their_postmortems() -> None:
    entries = [e for e in _entries(EXAMPLE) if not e.postmortem.is_draft]
    catalog = _catalog(EXAMPLE)
    pages = listings.tag_pages(catalog)
    assert pages[0].src_uri == urls.TAGS
    tags = Counter(t for e in entries for t in set(e.postmortem.tags))
    assert sorted(p.src_uri for p in pages[1:]) == sorted(urls.tag(t) for t in tags)
    for page in pages[1:]:
        tag = page.title.removeprefix("Tag: ")
        parsed = assert_only_our_markup(page)
        links = [a["href"] for _, a in parsed.elements if a.get("class") == "pm-summary__title"]
        expected = [e for e in entries if tag in e.postmortem.tags]
        assert len(links) == len(expected) == tags[tag]
        for entry in expected:
            assert f"../../postmortems/{Path(entry.path).stem}/" in links
        # Every tag shown links to its own page, from this page.
        for _, a in parsed.elements:
            if a.get("class") == "pm-tag":
                assert a["href"] == "./" or a["href"].startswith("../")


def test_a_tag_named_like_the_index_has_its_own_page() -> None:
    assert urls.tag("index") == "tags/index_.md" != urls.TAGS
    links = urls.Urls()
    assert links.rel(urls.TAGS, urls.tag("index")) == "index_/"


@pytest.mark.parametrize("tag", ["../up", "<b>x</b>", "a b", "Tag", "", "true"])
def test_a_tag_that_is_not_a_slug_is_refused(tmp_path: Path, tag: str) -> None:
    """Tags become file names and URLs: the schema lets only slugs through."""
    source = next(p for p in sorted(EXAMPLE.rglob("*.md")))
    text = source.read_text(encoding="utf-8")
    start = text.index("\ntags:")
    end = text.index("\n", start + 1)
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "taxonomy.yml").write_bytes((EXAMPLE / "taxonomy.yml").read_bytes())
    quoted = '"' + tag.replace('"', '\\"') + '"'
    (folder / source.name).write_text(
        text[:start] + f"\ntags: [{quoted}]" + text[end:], encoding="utf-8"
    )
    corpus = load_corpus([folder], taxonomy_module.load(folder / "taxonomy.yml"))
    assert not corpus.ok
    assert any("tags" in str(problem) for problem in corpus.diagnostics)


def test_hostile_knowledge_base_stays_text() -> None:
    """Titles, summaries, labels and descriptions full of markup read as text everywhere."""
    entries = _entries(HOSTILE)
    catalog = _catalog(HOSTILE, drafts=True)
    pages = [listings.browse(catalog), *listings.tag_pages(catalog)]
    for kind in urls.KINDS:
        pages.append(listings.term_index(catalog, kind))
        pages.extend(listings.term_page(catalog, kind, k) for k in listings.terms(catalog, kind))
    text = {page.src_uri: "".join(assert_only_our_markup(page).text) for page in pages}
    browse = " ".join(text[urls.BROWSE].split())
    for entry in entries:
        title = entry.postmortem.title or ""
        assert " ".join(title.split()) in browse, title[:60]
    taxonomy = catalog.taxonomy
    for key, factor in (taxonomy.contributing_factors or {}).items():
        if key in catalog.by["factors"]:
            page_text = text[urls.term("factors", key)]
            assert factor.description in page_text
    for level, info in taxonomy.severities.items():
        assert info.label in text[urls.term("severity", level)]


def test_a_site_overrides_the_index_template(tmp_path: Path) -> None:
    folder = tmp_path / "theme" / "postmortems" / "listings"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        "<h1>{{ title }}</h1>{% for row in rows %}<i>{{ row.label }}</i>{% endfor %}",
        encoding="utf-8",
    )
    catalog = dataclasses.replace(_catalog(HOSTILE), templates=(str(tmp_path / "theme"),))
    html = html_of(listings.term_index(catalog, "factors"))
    assert html.startswith("<h1>Contributing factors</h1><i>")
    assert "<script" not in html  # the override is autoescaped as the package's templates
