"""Owners, postmortems and severities on the analytics, report and subscribe pages of
tests/fixtures/analytics-kb: every owner name links to the owner's page, every severity is a
coloured badge, and the item lists stack into labelled cards on a phone (`data-label`).

Expected owners come from the fixture's files (see test_analytics.py's overdue list); slugs
from the catalog, which the owner pages and calendars share."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mkdocs_postmortems.analytics import frames
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.subscribe import SUBSCRIBE

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb"
AS_OF = dt.date(2026, 6, 15)
OVERDUE_OWNERS = [  # test_analytics.EXPECTED["overdue_action_items"], in order
    "li.wei",
    "søren.højlund",
    None,
    "priya.nair",
    "daniel.reyes",
    "marco.bianchi",
    "ana.silva",
]


@pytest.fixture(scope="module")
def made() -> tuple[Catalog, dict[str, str]]:
    """The catalog, and each page's HTML (its slots) by src_uri."""
    tax = taxonomy.load(KB / "postmortems" / "taxonomy.yml")
    corpus = load_corpus([KB / "postmortems"], tax)
    assert corpus.ok, corpus.diagnostics
    catalog = catalog_module.build(corpus.entries, tax, AS_OF, root=KB)
    site = site_build.generate(catalog, frames.build(corpus.entries, tax, AS_OF))
    return catalog, {page.src_uri: "\n".join(page.slots.values()) for page in site.pages}


class _Cells(HTMLParser):
    """The cells of one table (found by a class), each as its inner HTML's owner links
    (href, text), its text, and its data-label."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls, self.inside = cls, 0
        self.rows: list[list[dict[str, object]]] = []
        self.cell: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "table" and self.cls in (attr.get("class") or "").split():
            self.inside = 1
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = {"label": attr.get("data-label"), "text": "", "owners": [], "sev": 0}
            self.rows[-1].append(self.cell)
        elif self.cell is not None and tag == "a" and attr.get("class") == "pm-owner":
            self.cell["owners"].append(attr.get("href"))  # type: ignore[attr-defined]
        elif self.cell is not None and "pm-sev" in (attr.get("class") or "").split():
            self.cell["sev"] += 1  # type: ignore[operator]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cell = None
        elif tag == "table" and self.inside:
            self.inside = 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["text"] += data  # type: ignore[operator]


def _rows(html: str, cls: str) -> list[list[dict[str, object]]]:
    parser = _Cells(cls)
    parser.feed(html)
    return [row for row in parser.rows if row]  # the header row has no td


def _owner_href(catalog: Catalog, here: str, owner: str) -> str:
    return catalog.links.rel(here, urls.owner(catalog.owners[owner]))


def test_overdue_owners_link_to_their_pages(made: tuple[Catalog, dict[str, str]]) -> None:
    catalog, pages = made
    here = urls.ANALYTICS_PAGES["action-items"]
    rows = _rows(pages[here], "pm-overdue-items")
    assert [row[2]["text"] for row in rows] == [o or "\u2013" for o in OVERDUE_OWNERS]
    for row, owner in zip(rows, OVERDUE_OWNERS, strict=True):
        expected = [_owner_href(catalog, here, owner)] if owner else []
        assert row[2]["owners"] == expected, row
        assert row[6]["sev"] == 1, row  # the severity column holds one badge
        assert [cell["label"] for cell in row] == [
            "Postmortem",
            "Action item",
            "Owner",
            "Due",
            "Overdue by",
            "Status",
            "Severity",
        ]
    assert _owner_href(catalog, here, "søren.højlund") == "../../owners/soren-hojlund/"


def test_owner_counts_link_every_named_owner(made: tuple[Catalog, dict[str, str]]) -> None:
    catalog, pages = made
    here = urls.ANALYTICS_PAGES["action-items"]
    rows = _rows(pages[here], "pm-counts")
    owners = [row for row in rows if str(row[0]["text"]) in catalog.owners]
    assert {str(row[0]["text"]) for row in owners} >= {o for o in OVERDUE_OWNERS if o}
    for row in owners:
        assert row[0]["owners"] == [_owner_href(catalog, here, str(row[0]["text"]))]
    unnamed = [row for row in rows if str(row[0]["text"]).startswith("(")]
    assert all(row[0]["owners"] == [] for row in unnamed)


def test_a_reports_overdue_owners_link_to_their_pages(
    made: tuple[Catalog, dict[str, str]],
) -> None:
    catalog, pages = made
    here = urls.report("2026-Q1")
    rows = _rows(pages[here], "pm-overdue-at-end")
    # test_analytics_reports: 040 (li.wei), 001 (søren.højlund), 015 (priya.nair).
    assert [row[2]["text"] for row in rows] == ["li.wei", "søren.højlund", "priya.nair"]
    for row in rows:
        assert row[2]["owners"] == [_owner_href(catalog, here, str(row[2]["text"]))]


def test_subscribe_links_each_owner_beside_their_calendar(
    made: tuple[Catalog, dict[str, str]],
) -> None:
    catalog, pages = made
    rows = _rows(pages[SUBSCRIBE], "pm-calendars")
    owned = [row for row in rows if row[0]["owners"]]
    assert owned, "no owner calendar listed"
    for row in owned:
        name = str(row[0]["text"])
        assert row[0]["owners"] == [_owner_href(catalog, SUBSCRIBE, name)]
        assert row[2]["text"] == "iCalendar file", row


@pytest.mark.parametrize(
    "src_uri",
    [
        urls.ANALYTICS_PAGES["severity"],
        urls.ANALYTICS_PAGES["durations"],
        urls.ANALYTICS_PAGES["action-items"],
        urls.report("2026-Q1"),
        urls.REPORTS,
        SUBSCRIBE,
    ],
)
def test_severities_are_badges(made: tuple[Catalog, dict[str, str]], src_uri: str) -> None:
    """No severity shows as bare text in a table, list or heading: every `P0`..`P3` of the
    page's text sits in a `pm-sev` badge (the report's headline is a sentence)."""
    _, pages = made
    html = re.sub(r'<p class="pm-headline">.*?</p>', "", pages[src_uri], flags=re.DOTALL)
    badges = re.findall(r'<span class="pm-sev pm-sev-\d"[^>]*>(P\d)', html)
    assert badges, src_uri
    text = re.sub(r'<span class="pm-sev[^"]*"[^>]*>[^<]*</span>', " ", html)
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    assert not re.search(r"\bP[0-3]\b", text), re.findall(r".{30}\bP[0-3]\b.{30}", text)
