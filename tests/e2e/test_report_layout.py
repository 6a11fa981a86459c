"""The reports and analytics pages fit their column: at 1280 px, on a 390 px phone and in A4
print emulation (a 794 px viewport, the width of A4 at 96 dpi), no table or chart is wider
than its container and nothing is wider than the viewport; quarters run oldest first in
every chart and table, and the running quarter is marked partial.

Everything is read from the built site (example knowledge base, as of AS_OF); screenshots go
to test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from e2e.support import AS_OF, Site, Tab

pytestmark = pytest.mark.browser

ANALYTICS = [
    "analytics/",
    "analytics/severity/",
    "analytics/durations/",
    "analytics/factors/",
    "analytics/action-items/",
]
MODES = {"desktop": (1280, False), "phone": (390, False), "print": (794, True)}
QUARTER = re.compile(r"\b(\d{4})-Q([1-4])\b")
_AS_OF = dt.date.fromisoformat(AS_OF)
RUNNING = f"{_AS_OF.year}-Q{(_AS_OF.month - 1) // 3 + 1}"

FIT = """() => {
  const out = [];
  const viewport = document.documentElement.clientWidth;
  const article = document.querySelector("article");
  const shown = (el) => el.getClientRects().length > 0;
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
  for (const el of article.querySelectorAll("table, .pm-chart, .pm-chart img, figure")) {
    if (!shown(el)) continue;
    const container = el.parentElement;
    if (el.scrollWidth > container.clientWidth + 1)
      out.push(`${name(el)} scrollWidth ${el.scrollWidth} > container ${container.clientWidth}`);
    const box = el.getBoundingClientRect(), column = article.getBoundingClientRect();
    if (box.right > column.right + 1 || box.left < column.left - 1)
      out.push(`${name(el)} [${box.left}, ${box.right}] outside [${column.left}, ${column.right}]`);
    /* A scroll wrapper would hide the overflow: it must not scroll either. */
    for (let up = el.parentElement; up && up !== article; up = up.parentElement)
      if (up.scrollWidth > up.clientWidth + 1)
        out.push(`${name(up)} around ${name(el)} scrolls: ${up.scrollWidth} > ${up.clientWidth}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width > viewport + 1) out.push(`${name(el)} is ${box.width}px, viewport ${viewport}`);
  }
  if (document.documentElement.scrollWidth > viewport + 1)
    out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${viewport}`);
  return [...new Set(out)].slice(0, 12);
}"""
"""What does not fit: each table and chart against its container and the content column,
the wrappers around them (no sideways scrolling), and every element against the viewport."""


def _reports(site: Site) -> list[str]:
    return sorted(
        f"reports/{path.parent.name}/" for path in (site.root / "reports").glob("*-Q*/index.html")
    )


def _pages(site: Site) -> list[str]:
    return ["reports/", *_reports(site), *ANALYTICS]


def _show(page: Page, mode: str) -> None:
    width, printed = MODES[mode]
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(media="print" if printed else "screen")


@pytest.mark.parametrize("mode", list(MODES))
def test_tables_and_charts_fit_the_column(tab: Tab, example_site: Site, mode: str) -> None:
    pages = _pages(example_site)
    assert len(pages) > len(ANALYTICS) + 2, "the example has reports"
    problems = {}
    for path in pages:
        page = tab.open(example_site.url + path)
        _show(page, mode)
        page.wait_for_function("document.fonts.status === 'loaded'")
        found = page.evaluate(FIT)
        if found:
            problems[path] = found
    latest = _reports(example_site)[-1]
    for path, name in (
        (latest, f"layout-report-{mode}"),
        ("analytics/action-items/", f"layout-action-items-{mode}"),
    ):
        _show(tab.open(example_site.url + path), mode)
        tab.screenshot(name)
    assert not problems, "\n".join(f"{p}: {lines}" for p, lines in problems.items())


def _quarters(text: str) -> list[str]:
    return [f"{y}-Q{q}" for y, q in QUARTER.findall(text)]


def _ascending(labels: list[str]) -> bool:
    return all(a <= b for a, b in itertools.pairwise(labels))


def test_quarters_run_oldest_first_in_every_table_and_chart(tab: Tab, example_site: Site) -> None:
    """Every table column of quarters and every chart's quarter labels, on the built pages."""
    checked = 0
    for path in _pages(example_site):
        page = tab.open(example_site.url + path)
        # Where quarters key a table: its first column (one row per quarter) and its header
        # (one column per quarter); other columns (a factor's first and last quarter seen)
        # follow the rows' own order.
        sequences = page.evaluate(
            """() => [...document.querySelectorAll("article table")].flatMap((table) => [
                 [...table.querySelectorAll("tbody tr")].map((r) => r.cells[0].textContent),
                 [...table.querySelectorAll("thead th")].map((th) => th.textContent),
               ])"""
        )
        for cells in sequences:
            found = [q[0] for q in map(_quarters, cells) if len(q) == 1]
            if len(found) >= 2:
                assert _ascending(found), f"{path}: a table lists {found}"
                checked += 1
        for src in page.eval_on_selector_all(
            "article .pm-chart img", "(imgs) => imgs.map((i) => i.src)"
        ):
            svg = example_site.root / src.removeprefix(example_site.url)
            labels = _quarters(_svg_text(svg))
            if len(set(labels)) >= 2:
                assert _ascending(labels), f"{path}: chart {svg.name} lists {labels}"
                checked += 1
    assert checked >= 10, f"only {checked} quarter sequences found"


def _svg_text(svg: Path) -> str:
    """The SVG's <text> contents in drawing order (tick labels are drawn left to right, top
    to bottom)."""
    raw = svg.read_text(encoding="utf-8")
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", raw))


def test_the_running_quarter_is_marked_partial(tab: Tab, example_site: Site) -> None:
    """As of AS_OF the quarter is still running: its report row, its charts' labels, alt
    texts and tables say partial."""
    index = tab.open(example_site.url + "reports/")
    rows = index.locator("article table tbody tr").all_inner_texts()
    running = [row for row in rows if RUNNING in row]
    assert running and all("partial" in row for row in running), rows
    assert not [row for row in rows if RUNNING not in row and "partial" in row], rows
    for path in ("analytics/severity/", "analytics/action-items/", f"reports/{RUNNING}/"):
        page = tab.open(example_site.url + path)
        charts = page.locator("article .pm-chart").filter(has_text="partial")
        assert charts.count() >= 1, f"{path}: no chart marked partial"
        chart = charts.first
        assert "partial" in (chart.locator("img").get_attribute("alt") or "")
        assert "partial" in chart.locator("figcaption").inner_text()
        assert f"{RUNNING} (partial)" in chart.locator("table").inner_text()
        src = chart.locator("img").get_attribute("src") or ""
        svg = (example_site.root / path / src).resolve()
        assert "(partial)" in _svg_text(svg), f"{svg.name}: no partial label"
        assert "<pattern" in svg.read_text(encoding="utf-8"), f"{svg.name}: no hatching"
