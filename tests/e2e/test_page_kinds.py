"""Every kind of page, at 1280 px and at 390 px: nothing wider than the viewport or its
column, no table that scrolls sideways, and a screenshot of each kept in
test-artifacts/screenshots/ (`kinds-<kind>-<width>.png`) for a reader to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2e.support import Site, Tab

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)

FIT = """() => {
  const root = document.scrollingElement;
  const article = document.querySelector("article") || document.body;
  const column = article.getBoundingClientRect();
  const tables = [];
  for (const table of document.querySelectorAll("article table")) {
    const box = table.parentElement;
    if (table.scrollWidth > table.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1) {
      tables.push(`${table.className || "table"}: ${table.scrollWidth} > ${box.clientWidth}`);
    }
  }
  const wide = new Set();
  for (const el of article.querySelectorAll("*")) {
    /* Material's table wrapper reaches into the article's padding on purpose (negative
       margins); what it holds must fit it, which the table check above sees. */
    if (el.closest(".md-typeset__scrollwrap")) continue;
    if (el.closest("pre, code")) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > column.right + 1) wide.add(`${el.tagName} ${el.className}`);
  }
  return {
    page: root.scrollWidth <= root.clientWidth,
    tables: tables.slice(0, 5),
    wide: [...wide].slice(0, 5),
  };
}"""
"""Whether the page fits its viewport, and which tables or elements reach past their column."""


def _first_page(root: Path, folder: str) -> str:
    """The first page (in name order) of a generated folder, as a URL path."""
    pages = sorted(
        p.parent.relative_to(root).as_posix()
        for p in (root / folder).glob("*/index.html")
        if p.parent.name != "index_"
    )
    assert pages, f"no page under /{folder}/"
    return pages[0] + "/"


KIND_NAMES = (
    "home",
    "browse",
    "severity-index",
    "severity",
    "services-index",
    "service",
    "teams-index",
    "team",
    "factors-index",
    "factor",
    "tags-index",
    "tag",
    "owners-index",
    "owner",
    "postmortem",
    "analytics",
    "analytics-severity",
    "analytics-durations",
    "analytics-factors",
    "analytics-action-items",
    "reports",
    "report",
    "subscribe",
    "schema",
    "writing",
    "not-found",
)


def _kinds(root: Path) -> dict[str, str]:
    """Where one page of each kind is, in this build."""
    kinds = {
        "home": "",
        "browse": "postmortems/",
        "severity-index": "severity/",
        "severity": _first_page(root, "severity"),
        "services-index": "services/",
        "service": _first_page(root, "services"),
        "teams-index": "teams/",
        "team": _first_page(root, "teams"),
        "factors-index": "factors/",
        "factor": _first_page(root, "factors"),
        "tags-index": "tags/",
        "tag": _first_page(root, "tags"),
        "owners-index": "owners/",
        "owner": _first_page(root, "owners"),
        "postmortem": _largest_postmortem(root),
        "analytics": "analytics/",
        "analytics-severity": "analytics/severity/",
        "analytics-durations": "analytics/durations/",
        "analytics-factors": "analytics/factors/",
        "analytics-action-items": "analytics/action-items/",
        "reports": "reports/",
        "report": _first_page(root, "reports"),
        "subscribe": "subscribe/",
        "schema": "schema/",
        "writing": "writing/",
        "not-found": "404.html",
    }
    assert tuple(kinds) == KIND_NAMES
    return kinds


def _largest_postmortem(root: Path) -> str:
    """The postmortem page with the most HTML: the longest tables and timeline."""
    pages = list((root / "postmortems").glob("*/index.html"))
    largest = max(pages, key=lambda p: (p.stat().st_size, p.as_posix()))
    return largest.parent.relative_to(root).as_posix() + "/"


@pytest.fixture(scope="module")
def kinds(example_site: Site) -> dict[str, str]:
    return _kinds(example_site.root)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_page_kind_fits_a_desktop_and_a_phone(
    tab: Tab, example_site: Site, kinds: dict[str, str], kind: str
) -> None:
    path = kinds[kind]
    for width in WIDTHS:
        tab.page.set_viewport_size({"width": width, "height": 900})
        url = example_site.url + path
        if kind == "not-found":
            tab.page.goto(url, wait_until="load")
        else:
            tab.open(url)
        tab.screenshot(f"kinds-{kind}-{width}")
        found = tab.page.evaluate(FIT)
        assert found == {"page": True, "tables": [], "wide": []}, f"/{path} at {width} px: {found}"
