"""Owner pages in Chromium: /owners/ and an owner's page fit 1280 px and 390 px without
sideways scrolling (item tables become cards on a phone), the index sorts, and a reader gets
from a postmortem to its owner's open work in two clicks. Screenshots:
test-artifacts/screenshots/owners-*.png."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2e.support import Site, Tab

pytestmark = pytest.mark.browser

FITS = """() => {
  const root = document.scrollingElement;
  const column = (document.querySelector("article") || document.body).getBoundingClientRect();
  const wide = [];
  for (const el of document.querySelectorAll("article *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > column.right + 1) wide.push(`${el.tagName}.${el.className}`);
  }
  const tables = [...document.querySelectorAll("article table")]
    .filter((t) => t.scrollWidth > t.clientWidth + 1
      || t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)
    .map((t) => t.className);
  return {page: root.scrollWidth <= root.clientWidth, wide: wide.slice(0, 5), tables};
}"""


def _busiest_owner_page(site: Site) -> str:
    """The owner page with the most HTML: the longest tables."""
    pages = list((site.root / "owners").glob("*/index.html"))
    assert pages
    largest = max(pages, key=lambda p: (p.stat().st_size, p.as_posix()))
    return largest.parent.relative_to(site.root).as_posix() + "/"


@pytest.mark.parametrize("width", [1280, 390])
def test_owner_pages_fit_without_sideways_scroll(tab: Tab, example_site: Site, width: int) -> None:
    tab.page.set_viewport_size({"width": width, "height": 900})
    for name, path in (("index", "owners/"), ("owner", _busiest_owner_page(example_site))):
        tab.open(example_site.url + path)
        tab.page.wait_for_selector("table")
        tab.screenshot(f"owners-{name}-{width}")
        assert tab.page.evaluate(FITS) == {"page": True, "wide": [], "tables": []}, (path, width)
        if name == "owner":
            display = tab.page.eval_on_selector(
                "table.pm-work tbody tr", "row => getComputedStyle(row).display"
            )
            assert (display == "table-row") == (width == 1280), display  # cards on a phone


def test_the_owners_index_sorts(tab: Tab, example_site: Site) -> None:
    page = tab.open(example_site.url + "owners/")
    table = "table.pm-owners"
    page.wait_for_selector(f"{table}[data-pm-sort-ready]")

    def column(index: int) -> list[str]:
        values: list[str] = page.eval_on_selector_all(
            f"{table} tbody tr",
            f"rows => rows.map(r => r.cells[{index}].getAttribute('data-value'))",
        )
        return values

    overdue = [int(v) for v in column(1)]
    assert overdue == sorted(overdue, reverse=True)  # neediest first as built
    page.click(f"{table} thead th:nth-child(1) button")
    names = column(0)
    assert names == sorted(names)
    page.click(f"{table} thead th:nth-child(4) button")  # done, ascending
    done = [int(v) for v in column(3)]
    assert done == sorted(done)


def test_a_postmortem_reaches_its_owners_open_work_in_two_clicks(
    tab: Tab, example_site: Site
) -> None:
    exported = json.loads((example_site.root / "data" / "stats.json").read_text("utf-8"))
    overdue = exported.get("overdue_action_items") or []
    assert overdue, "the example has overdue items as of the build's day"
    first = overdue[0]
    owner = first["owner"]
    pm_pages = [
        p
        for p in (example_site.root / "postmortems").glob("*/index.html")
        if f">{first['postmortem']}<" in p.read_text("utf-8") and owner in p.read_text("utf-8")
    ]
    assert pm_pages
    pm_path = pm_pages[0].parent.relative_to(example_site.root).as_posix() + "/"
    page = tab.open(example_site.url + pm_path)
    # Click 1: the owner's name.
    page.click(f"a.pm-owner >> text='{owner}'")
    page.wait_for_url("**/owners/**")
    assert page.locator("h1").first.inner_text() == owner
    section = page.locator("#overdue ~ div table.pm-work").first
    assert first["title"] in section.inner_text()
    # Click 2: the item's postmortem.
    row = section.locator("tr", has_text=first["title"]).first
    row.locator("td.pm-work__pm a").first.click()
    page.wait_for_url(f"**/{pm_path}")
    assert Path(pm_path).name in page.url
