"""The analytics pages and quarterly reports in a real Chromium: charts that render, numbers
that agree with `data/stats.json`, navigation, print and a phone-sized screen.

Every expectation is read from the same build's `data/stats.json` and `data/postmortems.json`,
never written down by hand. Screenshots are kept in test-artifacts/screenshots/, the printed
report in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page

from e2e.support import AS_OF, SCREENSHOTS, Site, Tab
from e2e.test_browser import OVERFLOW

pytestmark = pytest.mark.browser

Stats = dict[str, Any]
ANALYTICS = {
    "overview": "analytics/",
    "severity": "analytics/severity/",
    "durations": "analytics/durations/",
    "factors": "analytics/factors/",
    "action-items": "analytics/action-items/",
}
CHARTED = ("severity", "durations", "factors", "action-items")
"""The analytics pages that draw at least one chart (the overview shows figures only)."""
REPORTS = "reports/"
ARTIFACTS = SCREENSHOTS.parent


# --- what the data says -------------------------------------------------------------------


@pytest.fixture(scope="module")
def stats(example_site: Site) -> Stats:
    loaded: Stats = json.loads(
        (example_site.root / "data" / "stats.json").read_text(encoding="utf-8")
    )
    assert loaded["as_of"] == AS_OF
    assert loaded["quarters"], "the example knowledge base has no quarter to report on"
    return loaded


def quarters_of(stats: Stats) -> list[str]:
    """The quarters with postmortems, oldest first."""
    return sorted(stats["quarters"])


def quarter_of(instant: str) -> str:
    """The quarter of an instant, in UTC, as the site reckons it."""
    utc = dt.datetime.fromisoformat(instant).astimezone(dt.UTC)
    return f"{utc.year}-Q{(utc.month - 1) // 3 + 1}"


def quarter_index(quarter: str) -> int:
    match = re.fullmatch(r"(\d{4})-Q([1-4])", quarter)
    assert match, f"not a quarter: {quarter!r}"
    return int(match[1]) * 4 + int(match[2]) - 1


def path_of(site: Site, relative: str) -> str:
    return urlsplit(site.url + relative).path


# --- what the page shows ------------------------------------------------------------------

CHARTS = """() => [...document.querySelectorAll("article .pm-chart")].map(chart => {
  const figure = chart.querySelector(":scope > figure");
  const img = figure && figure.querySelector("img");
  const caption = figure && figure.querySelector("figcaption");
  const numbers = figure && figure.nextElementSibling;
  const table = numbers && numbers.matches(".pm-chart__numbers")
    ? numbers.querySelector(":scope > .pm-table-wrap > table.pm-numbers") : null;
  return {
    src: img ? img.getAttribute("src") : null,
    complete: img ? img.complete : false,
    width: img ? img.naturalWidth : 0,
    height: img ? img.naturalHeight : 0,
    shown: img ? img.checkVisibility() && img.getBoundingClientRect().width > 0 : false,
    alt: img ? (img.getAttribute("alt") || "").trim() : "",
    caption: caption ? caption.textContent.trim() : "",
    rows: table && table.tBodies.length ? table.tBodies[0].rows.length : 0,
  };
})"""
"""Every chart of the article: its image as loaded, its alt text, its caption, and how many
rows the numbers table right after the figure has (0 if there is no such table)."""


def open_loaded(tab: Tab, url: str) -> Page:
    """Open a page and wait until every image has finished loading, or failed to."""
    page = tab.open(url)
    page.wait_for_load_state("load")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    return page


def check_charts(page: Page, where: str) -> list[dict[str, Any]]:
    charts: list[dict[str, Any]] = page.evaluate(CHARTS)
    for chart in charts:
        src = chart["src"]
        assert src, f"{where}: a chart without an image"
        assert chart["complete"] and chart["width"] > 0 and chart["height"] > 0, (
            f"{where}: {src} did not render"
        )
        assert chart["shown"], f"{where}: {src} is not displayed"
        assert chart["alt"], f"{where}: {src} has no alt text"
        assert chart["caption"], f"{where}: {src} has no caption"
        assert chart["rows"] >= 1, f"{where}: {src} has no numbers table after it"
    # Every image of the article is a chart's (none stray outside the layout checked here).
    images = page.locator("article img").count()
    assert images == len(charts), f"{where}: {images} images, {len(charts)} charts"
    return charts


def cell_texts(page: Page, table: str) -> list[list[str]]:
    rows: list[list[str]] = page.eval_on_selector_all(
        f"{table} tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.replace(/\\s+/g, ' ').trim()))",
    )
    return rows


# --- (1) every page loads and every chart renders -------------------------------------------


@pytest.mark.parametrize("name", list(ANALYTICS))
def test_analytics_pages_load_and_their_charts_render(
    tab: Tab, example_site: Site, name: str
) -> None:
    page = open_loaded(tab, example_site.url + ANALYTICS[name])
    assert page.locator("article h1").count() == 1
    charts = check_charts(page, ANALYTICS[name])
    if name in CHARTED:
        assert charts, f"{ANALYTICS[name]}: no chart"
    tab.screenshot(f"analytics-{name}")


def test_every_report_loads_with_its_charts_and_postmortems(
    tab: Tab, example_site: Site, stats: Stats
) -> None:
    records = example_site.data()["postmortems"]
    on_disk = sorted(p.parent.name for p in (example_site.root / REPORTS).glob("*/index.html"))
    assert on_disk == quarters_of(stats), "one report per quarter with postmortems"
    for quarter in quarters_of(stats):
        where = f"{REPORTS}{quarter}/"
        page = open_loaded(tab, example_site.url + where)
        assert page.locator("article h1").inner_text() == f"{quarter} trend report"
        assert len(check_charts(page, where)) >= 1, f"{where}: no chart"

        count = stats["quarters"][quarter]["count"]
        assert page.locator("h2#this-quarter").inner_text().endswith(f"({count})"), where
        listed: list[str] = page.eval_on_selector_all(
            "article .pm-report-postmortems a.pm-summary__title",
            "links => links.map(a => new URL(a.href).pathname)",
        )
        expected = [
            path_of(example_site, r["url"])
            for r in records
            if quarter_of(r["started_at"]) == quarter
        ]
        assert listed == expected, where
        assert len(listed) == count, where
    tab.screenshot("report-latest")


# --- (2) the overdue action items ------------------------------------------------------------


def test_the_overdue_table_lists_the_overdue_items_of_stats_json(
    tab: Tab, example_site: Site, stats: Stats
) -> None:
    overdue = stats["overdue_action_items"]
    items = stats["action_items"]
    assert overdue, "the example knowledge base has no overdue action item as of AS_OF"
    assert items["overdue"] == len(overdue)
    urls = {r["id"]: r["url"] for r in example_site.data()["postmortems"]}

    page = open_loaded(tab, example_site.url + ANALYTICS["action-items"])
    table = "article table.pm-overdue-items"
    rows = cell_texts(page, table)
    assert [row[:2] for row in rows] == [[o["postmortem"], o["title"]] for o in overdue]
    for row, item in zip(rows, overdue, strict=True):
        days = item["days_overdue"]
        assert row[2] == (item["owner"] or "\u2013"), row
        assert row[3] == item["due"], row
        assert row[4] == f"{days} day{'s' * (days != 1)}", row
        assert row[5] == item["status"], row
    hrefs: list[str] = page.eval_on_selector_all(
        f"{table} tbody tr td:first-child a", "links => links.map(a => new URL(a.href).pathname)"
    )
    assert hrefs == [path_of(example_site, urls[o["postmortem"]]) for o in overdue]

    # The counts the page states agree with the table and with stats.json.
    assert page.locator("h2#overdue").inner_text() == f"Overdue ({len(overdue)})"
    lede = page.locator("article h1 + p")
    assert lede.locator("strong").nth(1).inner_text() == str(len(overdue))
    text = lede.inner_text()
    assert text.startswith(f"{items['total']} action items: "), text
    for count, label in (
        (items["done"], "done"),
        (items["in_progress"], "in progress"),
        (items["open"], "open"),
        (items["wont_do"], "won't do"),
    ):
        assert f"{count} {label}" in text, (label, text)
    assert f"Completion: {round(items['completion_rate'] * 100)}%" in text, text
    assert f"as of {AS_OF}" in text, text

    # The overview shows the same figure.
    overview = tab.open(example_site.url + ANALYTICS["overview"])
    figure = overview.locator(".pm-figure", has_text="overdue action items")
    assert figure.locator(".pm-figure__value").inner_text() == str(len(overdue))


# --- (3) severity per quarter ----------------------------------------------------------------


def test_severity_numbers_match_stats_json_per_quarter(
    tab: Tab, example_site: Site, stats: Stats
) -> None:
    page = open_loaded(tab, example_site.url + ANALYTICS["severity"])
    table = "article .pm-chart table.pm-numbers"
    header: list[str] = page.eval_on_selector_all(
        f"{table} thead th", "cells => cells.map(c => c.textContent.trim())"
    )
    assert header[0] == "Quarter" and header[-1] == "Total", header
    levels = [label.split(" ")[0] for label in header[1:-1]]
    assert set(stats["by_severity"]) <= set(levels), (levels, stats["by_severity"])

    # The running quarter reads "2026-Q4 (partial)" (tests/e2e/test_report_layout.py).
    rows = [[row[0].removesuffix(" (partial)"), *row[1:]] for row in cell_texts(page, table)]
    shown = [row[0] for row in rows]
    known = quarters_of(stats)
    # Consecutive quarters, gaps included, up to the latest with postmortems.
    assert [quarter_index(q) for q in shown] == list(
        range(quarter_index(shown[0]), quarter_index(shown[0]) + len(shown))
    ), shown
    assert shown[-1] == known[-1]
    assert [q for q in known if q >= shown[0]] == [q for q in shown if q in stats["quarters"]]

    totals = {}
    for row in rows:
        quarter, counts, total = row[0], [int(c) for c in row[1:-1]], int(row[-1])
        figures = stats["quarters"].get(quarter, {"count": 0, "by_severity": {}})
        assert total == figures["count"], quarter
        assert counts == [figures["by_severity"].get(level, 0) for level in levels], quarter
        assert sum(counts) == total, quarter
        totals[quarter] = total
    assert all(totals[q] == 0 for q in shown if q not in stats["quarters"])

    # The quarters with postmortems link to their report; the empty ones link nowhere.
    linked: list[str] = page.eval_on_selector_all(
        f"{table} tbody td:first-child a", "links => links.map(a => new URL(a.href).pathname)"
    )
    assert linked == [path_of(example_site, f"{REPORTS}{q}/") for q in shown if totals[q]]


# --- (4) in the navigation, and the reports index --------------------------------------------


def nav_link(page: Page, path: str) -> Locator:
    """The left navigation's link to a path, however the page spells it."""
    links = page.locator(".md-sidebar--primary nav.md-nav--primary a.md-nav__link")
    paths: list[str] = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert path in paths, f"no link to {path} in the navigation of {page.url}"
    return links.nth(paths.index(path))


def test_analytics_and_reports_are_in_the_navigation(
    tab: Tab, example_site: Site, stats: Stats
) -> None:
    page = tab.open(example_site.url)
    nav = page.locator(".md-sidebar--primary nav.md-nav--primary")
    assert nav.is_visible()
    links: list[str] = nav.locator("a.md-nav__link").evaluate_all(
        "links => links.filter(a => a.checkVisibility()).map(a => new URL(a.href).pathname)"
    )
    wanted = [path_of(example_site, p) for p in [*ANALYTICS.values(), REPORTS]]
    missing = [p for p in wanted if p not in links]
    assert missing == [], f"not in the left navigation: {missing}"
    assert nav.locator("label.md-nav__link", has_text=re.compile(r"^\s*Analytics\s*$")).count()

    # Following the navigation reaches each page.
    for target in ANALYTICS.values():
        nav_link(page, path_of(example_site, target)).click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == path_of(example_site, target)
        nav = page.locator(".md-sidebar--primary nav.md-nav--primary")
        active = nav.locator("a.md-nav__link--active")
        assert active.evaluate("a => new URL(a.href).pathname") == path_of(example_site, target)
    nav_link(page, path_of(example_site, REPORTS)).click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == path_of(example_site, REPORTS)

    # The reports index links to every quarter's report, oldest first (as every table of
    # quarters); a running quarter's link reads "2026-Q4 (partial)".
    reports: list[str] = page.eval_on_selector_all(
        "article a[href]", "links => links.map(a => new URL(a.href).pathname)"
    )
    pattern = re.compile(re.escape(path_of(example_site, REPORTS)) + r"(\d{4}-Q[1-4])/$")
    quarters = list(dict.fromkeys(m[1] for p in reports if (m := pattern.fullmatch(p))))
    assert quarters == quarters_of(stats)
    tab.screenshot("reports")

    latest = quarters[-1]
    page.locator("article").get_by_role(
        "link", name=re.compile(rf"^{re.escape(latest)}( \(partial\))?$")
    ).first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == path_of(example_site, f"{REPORTS}{latest}/")
    assert page.locator("article h1").inner_text() == f"{latest} trend report"


# --- (5) print -------------------------------------------------------------------------------

SHOWN = "el => el.checkVisibility() && el.getBoundingClientRect().width > 0"
DISPLAY = "el => getComputedStyle(el).display"


PRINT_LAYOUT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll(
      "article .pm-chart, article .pm-chart figure, article table")) {
    if (getComputedStyle(el).breakInside !== "avoid") bad.push(`${el.tagName} ${el.className}`);
  }
  for (const wrap of document.querySelectorAll("article .pm-table-wrap")) {
    if (getComputedStyle(wrap).overflowX !== "visible") bad.push(`scrolls: ${wrap.className}`);
  }
  return bad;
}"""
"""In print, what a page break could cut (charts, their figures and tables must be kept whole)
or paper could not scroll (a table wrap must not clip its table)."""


def is_shown(page: Page, selector: str) -> bool:
    shown: bool = page.locator(selector).first.evaluate(SHOWN)
    return shown


def test_the_latest_report_prints_without_the_site_around_it(
    tab: Tab, example_site: Site, stats: Stats
) -> None:
    latest = quarters_of(stats)[-1]
    page = open_loaded(tab, example_site.url + f"{REPORTS}{latest}/")
    assert is_shown(page, ".md-header"), "the header is on screen (else printing proves nothing)"
    charts = page.locator("article .pm-chart")
    assert charts.count() >= 1

    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer"):
        element = page.locator(chrome).first
        assert element.evaluate(DISPLAY) == "none" or not is_shown(page, chrome), chrome
    assert is_shown(page, "article h1")
    assert page.locator("article h1").inner_text() == f"{latest} trend report"
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.evaluate(SHOWN), f"chart {index} hidden in print"
        assert chart.locator("img").evaluate(SHOWN), f"chart {index}'s image hidden in print"
        assert chart.locator("table.pm-numbers").evaluate(SHOWN), f"chart {index}'s numbers"
    assert is_shown(page, "article .pm-report-postmortems")
    assert page.evaluate(PRINT_LAYOUT) == []
    tab.screenshot(f"report-{latest}-print")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"report-{latest}.pdf"
    pdf.unlink(missing_ok=True)
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.is_file()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 20_000, f"{pdf}: only {len(data)} bytes"


def test_analytics_pages_print_without_the_navigation(tab: Tab, example_site: Site) -> None:
    page = open_loaded(tab, example_site.url + ANALYTICS["severity"])
    # On screen the navigation is there; in print it is not, and the chart still is.
    assert is_shown(page, ".md-sidebar--primary nav.md-nav--primary")
    assert is_shown(page, ".md-header")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        assert not is_shown(page, chrome), chrome
    assert is_shown(page, "article h1")
    assert is_shown(page, "article .pm-chart img")
    assert is_shown(page, "article .pm-chart table.pm-numbers")
    assert page.evaluate(PRINT_LAYOUT) == []
    tab.screenshot("analytics-severity-print")


# --- (6) a phone ---------------------------------------------------------------------------

WRAPS = """() => [...document.querySelectorAll("article .pm-table-wrap")]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => ({overflow: getComputedStyle(w).overflowX, width: w.getBoundingClientRect().width}))"""
"""The table wraps whose table is wider than they are: how they overflow, and how wide."""


@pytest.mark.parametrize("where", [*ANALYTICS.values(), REPORTS, "latest-report"])
def test_analytics_pages_fit_a_phone(
    tab: Tab, example_site: Site, stats: Stats, where: str
) -> None:
    if where == "latest-report":
        where = f"{REPORTS}{quarters_of(stats)[-1]}/"
    width = 390
    tab.page.set_viewport_size({"width": width, "height": 900})
    page = open_loaded(tab, example_site.url + where)
    client: int = page.evaluate("document.documentElement.clientWidth")
    layout = page.evaluate(OVERFLOW)
    assert layout["page"] <= client + 1, f"{where} at {width}px: {layout}"
    assert layout["wide"] == [], f"{where} at {width}px: {layout}"
    # A table wider than the phone scrolls inside its own wrap, which fits the page.
    for wrap in page.evaluate(WRAPS):
        assert wrap["overflow"] in ("auto", "scroll"), f"{where}: {wrap}"
        assert wrap["width"] <= client + 1, f"{where}: {wrap}"
    name = "phone-" + (where.strip("/").replace("/", "-") or "home")
    tab.screenshot(name)
