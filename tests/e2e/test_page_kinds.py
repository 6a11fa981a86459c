"""Every kind of page, at 1280 px and at 390 px: nothing wider than the viewport or its
column, no table that scrolls sideways, no short word broken across lines, and a screenshot
of each kept in test-artifacts/screenshots/ for a reader to look at.

Two sites: the repository's example (`kinds-<kind>-<width>.png`) and
tests/fixtures/kb-long-tokens (`kinds-long-<kind>-<width>.png`), whose ids, owners, tags and
tickets are longer than any column, beside ordinary ones that must stay whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.support import REPO, Site, Tab, mkdocs_build, serve

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)

FIT = r"""() => {
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
  /* A long token may break, an ordinary one may not: a link whose text is one word of at
     most 24 characters (PM-2026-105, HOTFIX-231, ana.silva) sits on one line. */
  const broken = new Set();
  for (const link of article.querySelectorAll("a")) {
    const text = link.textContent.trim();
    if (!text || /\s/.test(text) || text.length > 24) continue;
    if (link.closest("pre, code, .md-nav, .headerlink")) continue;
    const lines = new Set([...link.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) broken.add(text);
  }
  return {
    page: root.scrollWidth <= root.clientWidth,
    tables: tables.slice(0, 5),
    wide: [...wide].slice(0, 5),
    broken: [...broken].slice(0, 5),
  };
}"""
"""Whether the page fits its viewport, which tables or elements reach past their column, and
which short link texts break across lines."""


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


LONG_TOKENS = REPO / "tests" / "fixtures" / "kb-long-tokens"


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """tests/fixtures/kb-long-tokens, built once per module and served."""
    root = tmp_path_factory.mktemp("long-tokens-site")
    mkdocs_build(LONG_TOKENS, root)
    with serve(root) as url:
        yield Site(root, url)


EXAMPLE_DOCS = ("schema", "writing")
"""Kinds that are pages of the example's own docs/ folder, which kb-long-tokens does not have."""
SITES = {"example": "kinds", "long": "kinds-long"}
"""Each site tested, and the prefix of its screenshots."""


@pytest.fixture(scope="module", params=tuple(SITES))
def site(request: pytest.FixtureRequest) -> tuple[str, Site, dict[str, str]]:
    """One site (its name, itself, where its page kinds are)."""
    name: str = request.param
    built: Site = request.getfixturevalue("example_site" if name == "example" else "long_site")
    return name, built, _kinds(built.root)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_page_kind_fits_a_desktop_and_a_phone(
    tab: Tab, site: tuple[str, Site, dict[str, str]], kind: str
) -> None:
    name, built, kinds = site
    if name == "long" and kind in EXAMPLE_DOCS:
        pytest.skip("a page of the example's docs/, not generated")
    path = kinds[kind]
    for width in WIDTHS:
        tab.page.set_viewport_size({"width": width, "height": 900})
        url = built.url + path
        if kind == "not-found":
            tab.page.goto(url, wait_until="load")
        else:
            tab.open(url)
        tab.screenshot(f"{SITES[name]}-{kind}-{width}")
        found = tab.page.evaluate(FIT)
        expected = {"page": True, "tables": [], "wide": [], "broken": []}
        assert found == expected, f"{name}: /{path} at {width} px: {found}"


HEADER_BAND = """() => [...document.querySelectorAll("#pm-browse thead th")].map((th) => {
  const label = th.querySelector("button") || th;
  const gap = th.getBoundingClientRect().bottom - parseFloat(getComputedStyle(th).paddingBottom)
    - label.getBoundingClientRect().bottom;
  return [th.textContent.trim(), Math.round(gap)];
}).filter(([, gap]) => gap > 2)"""
"""The browse headers whose label sits above an empty band (a header that wraps to two lines
makes the row taller; every other label must still sit on its bottom line, next to the rows)."""


def test_browse_headers_sit_on_the_bottom_line(
    tab: Tab, site: tuple[str, Site, dict[str, str]]
) -> None:
    name, built, _ = site
    for width in (1280, 1024):
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.open(built.url + "postmortems/")
        assert tab.page.evaluate(HEADER_BAND) == [], f"{name} at {width} px"


def test_every_postmortem_of_the_long_token_site_fits(tab: Tab, long_site: Site) -> None:
    """Not only the largest: each postmortem of kb-long-tokens has its own long token (an
    owner in the action items, a ticket, an id, a service name at a line's end)."""
    pages = sorted(p.parent.name for p in (long_site.root / "postmortems").glob("*/index.html"))
    assert len(pages) >= 4
    problems = []
    for width in WIDTHS:
        tab.page.set_viewport_size({"width": width, "height": 900})
        for stem in pages:
            tab.open(f"{long_site.url}postmortems/{stem}/")
            found = tab.page.evaluate(FIT)
            if found != {"page": True, "tables": [], "wide": [], "broken": []}:
                problems.append(f"{stem} at {width} px: {found}")
    assert problems == []
