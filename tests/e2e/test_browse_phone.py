"""Browsing on a laptop and on a phone, in Chromium: filters from a shared link, sortable
index pages, stacked cards at 390 px, and nothing wider than the screen.

Expected rows come from the build's own `data/postmortems.json`; the hostile knowledge base
(tests/fixtures/kb-hostile: long ids, titles and labels) is built too, to check the layout
against text nobody would choose. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page

from e2e.support import AS_OF, REPO, Site, Tab, mkdocs_build, serve
from mkdocs_postmortems.core import taxonomy

pytestmark = pytest.mark.browser

Record = dict[str, Any]
BROWSE = "postmortems/"
WIDTHS = (1280, 390)
PHONE = 390


@pytest.fixture(scope="module")
def records(example_site: Site) -> list[Record]:
    data = example_site.data()
    assert data["as_of"] == AS_OF
    found: list[Record] = data["postmortems"]
    return found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """tests/fixtures/kb-hostile built as it is (its refused/ files left aside)."""
    project = tmp_path_factory.mktemp("hostile-browse")
    source = REPO / "tests" / "fixtures" / "kb-hostile"
    for name in ("mkdocs.yml", "docs", "postmortems"):
        if (source / name).is_dir():
            shutil.copytree(source / name, project / name)
        elif (source / name).exists():
            shutil.copy(source / name, project / name)
    root = project / "site"
    mkdocs_build(project, root)
    with serve(root) as url:
        yield Site(root, url)


def search_text(record: Record, kb: taxonomy.Taxonomy) -> str:
    factors = kb.contributing_factors or {}
    labels = [factors[k].label if k in factors else k for k in record["contributing_factors"]]
    parts = [record["id"], record["title"], record["summary"] or "", *record["services"]]
    parts += [*record["teams"], *record["tags"], *labels]
    return " ".join(parts).lower()


def visible_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "#pm-browse tbody tr",
        "rows => rows.filter(r => r.checkVisibility())"
        ".map(r => r.cells[0].getAttribute('data-value'))",
    )
    return ids


def search_is_closed(page: Page) -> bool:
    """Material's search overlay is shut: its toggle unchecked, no results shown."""
    toggle: bool = page.evaluate("() => document.getElementById('__search').checked")
    output = page.locator(".md-search__output")
    return not toggle and not (output.count() and output.first.is_visible())


def open_at(tab: Tab, site: Site, path: str, width: int) -> Page:
    tab.page.set_viewport_size({"width": width, "height": 900})
    return tab.open(site.url + path)


# --- filters from a shared link ------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_a_shared_link_restores_status_tag_and_text_without_search(
    tab: Tab, example_site: Site, records: list[Record], width: int
) -> None:
    kb = taxonomy.load(REPO / "postmortems" / "taxonomy.yml")
    tags = Counter(t for r in records for t in r["tags"])
    tag = min((t for t, n in tags.items() if n > 1), key=lambda t: (-tags[t], t))
    tagged = [r for r in records if tag in r["tags"]]
    status = Counter(r["status"] for r in tagged).most_common(1)[0][0]
    words = Counter(
        w
        for r in tagged
        if r["status"] == status
        for w in set(re.findall(r"[a-z]{5,}", r["title"].lower()))
    )
    word = sorted(words, key=lambda w: (-words[w], w))[0]

    def keep(r: Record) -> bool:
        return r["status"] == status and tag in r["tags"] and word in search_text(r, kb)

    expected = [r["id"] for r in records if keep(r)]
    assert expected
    query = f"?status={quote(status)}&tags={quote(tag)}&text={quote(word.upper())}"
    page = open_at(tab, example_site, BROWSE + query, width)
    page.wait_for_selector("form[data-pm-browse][data-pm-ready]")
    assert page.locator("select[data-filter=status]").input_value() == status
    assert page.locator("select[data-filter=tags]").input_value() == tag
    assert page.locator("input[data-filter=text]").input_value() == word.upper()
    assert visible_ids(page) == expected
    assert page.locator("output.pm-count").inner_text() == (
        f"{len(expected)} of {len(records)} postmortems"
    )
    assert search_is_closed(page)
    page.wait_for_timeout(300)  # Material opens its search a tick after load, if it does
    assert search_is_closed(page)

    # Changing a filter rewrites the address, and the rewritten address restores it.
    page.locator("select[data-filter=tags]").select_option("")
    assert parse_qs(urlsplit(page.url).query) == {"status": [status], "text": [word.upper()]}
    page.reload(wait_until="load")
    page.wait_for_selector("form[data-pm-browse][data-pm-ready]")
    assert page.locator("select[data-filter=tags]").input_value() == ""
    assert visible_ids(page) == [
        r["id"] for r in records if r["status"] == status and word in search_text(r, kb)
    ]
    assert search_is_closed(page)


def test_a_tag_on_a_row_leads_to_its_page(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    record = next(r for r in records if r["tags"])
    tag = record["tags"][0]
    page = open_at(tab, example_site, BROWSE, 1280)
    row = page.locator("#pm-browse tbody tr").nth(records.index(record))
    row.locator("a.pm-tag", has_text=re.compile(f"^{re.escape(tag)}$")).click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == urlsplit(example_site.url + f"tags/{tag}/").path
    assert page.locator("h1").inner_text() == f"Tag: {tag}"
    titles = page.locator("a.pm-summary__title").all_inner_texts()
    assert titles == [r["title"] for r in records if tag in r["tags"]]


# --- sortable index pages ------------------------------------------------------------------


def cell_texts(page: Page, column: int) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        "table.pm-terms tbody tr",
        f"rows => rows.map(r => r.cells[{column}].innerText.trim())",
    )
    return texts


def sort_states(page: Page) -> list[str | None]:
    states: list[str | None] = page.eval_on_selector_all(
        "table.pm-terms thead th", "cells => cells.map(c => c.getAttribute('aria-sort'))"
    )
    return states


@pytest.mark.parametrize("index", ["services/", "teams/", "factors/", "severity/", "tags/"])
def test_index_pages_sort_by_any_column(tab: Tab, example_site: Site, index: str) -> None:
    page = open_at(tab, example_site, index, 1280)
    page.wait_for_selector("table.pm-terms[data-pm-sort-ready]")
    names = cell_texts(page, 0)
    counts = [int(n) for n in cell_texts(page, 1)]
    # The page opens by count, most first, then by name.
    assert list(zip(counts, names, strict=True)) == sorted(
        zip(counts, names, strict=True), key=lambda p: (-p[0], p[1].casefold())
    )
    assert sort_states(page) == ["none", "descending", "none", "none"]
    buttons = page.locator("table.pm-terms thead button.pm-sort")
    assert buttons.count() == 4

    buttons.nth(1).click()  # by count, fewest first; ties keep the page's order
    assert [int(n) for n in cell_texts(page, 1)] == sorted(counts)
    assert sort_states(page) == ["none", "ascending", "none", "none"]

    buttons.nth(0).focus()  # by name, from the keyboard
    page.keyboard.press("Enter")
    assert sort_states(page) == ["ascending", "none", "none", "none"]
    shown = cell_texts(page, 0)
    assert sorted(shown, key=str.casefold) == sorted(names, key=str.casefold)
    assert shown == sorted(shown, key=lambda s: s.casefold())
    page.keyboard.press("Space")
    assert sort_states(page) == ["descending", "none", "none", "none"]
    assert cell_texts(page, 0) == list(reversed(shown))

    buttons.nth(2).click()
    overdue = [int(n) for n in cell_texts(page, 2)]
    assert overdue == sorted(overdue)


# --- nothing wider than the screen ---------------------------------------------------------

WIDTH = """(skip) => {
  const root = document.scrollingElement;
  const tables = [...document.querySelectorAll("article table")]
    .filter(t => !skip || !t.matches(skip))
    .filter(t => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right
      > document.querySelector("article").getBoundingClientRect().right + 1)
    .map(t => `${t.className}: ${t.scrollWidth} > ${t.clientWidth}`);
  return {page: root.scrollWidth, view: root.clientWidth, tables};
}"""

SPLIT_WORDS = """() => {
  /* Words (between spaces, hyphens, slashes, commas and middle dots) of up to 20 letters
     that a line break cuts in two: a name broken mid-word. */
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.textContent.matchAll(/[^\\s\\-\\u00b7\\/,]{2,20}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
        .map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


def page_kinds(site: Site) -> dict[str, str]:
    """Browse, a term index, a term page, the tag index and a tag page of a built site."""
    data = site.data()["postmortems"]
    service = Counter(s for r in data for s in r["services"]).most_common(1)[0][0]
    tag = Counter(t for r in data for t in r["tags"]).most_common(1)[0][0]
    return {
        "browse": BROWSE,
        "services": "services/",
        "service": f"services/{quote(service)}/",
        "tags": "tags/",
        "tag": f"tags/{quote(tag)}/",
        "factors": "factors/",
        "severity": "severity/",
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["example", "hostile"])
def test_nothing_is_wider_than_the_screen(
    tab: Tab, example_site: Site, hostile_site: Site, which: str, width: int
) -> None:
    site = example_site if which == "example" else hostile_site
    problems = []
    for kind, path in page_kinds(site).items():
        page = open_at(tab, site, path, width)
        found = page.evaluate(WIDTH, "")
        if found["page"] > found["view"] or found["tables"]:
            problems.append(f"{kind} ({path}) at {width}px: {found}")
        if which == "example":
            split = page.evaluate(SPLIT_WORDS)
            if split:
                problems.append(f"{kind} ({path}) at {width}px breaks inside {split[:5]}")
        if which == "example" and kind in ("browse", "services", "service", "tags", "tag"):
            tab.screenshot(f"browse-{kind}-{width}")
        elif which == "hostile" and kind in ("browse", "services", "tags"):
            tab.screenshot(f"browse-hostile-{kind}-{width}")
    assert problems == []


def test_on_a_phone_rows_are_cards(tab: Tab, example_site: Site, records: list[Record]) -> None:
    page = open_at(tab, example_site, BROWSE, PHONE)
    page.wait_for_selector("form[data-pm-browse][data-pm-ready]")
    table = page.locator("#pm-browse")
    assert table.evaluate("t => getComputedStyle(t).display") == "block"
    first = page.locator("#pm-browse tbody tr").first
    cells = first.locator("td")
    labels = cells.evaluate_all(
        "cells => cells.map(c => [c.dataset.label, getComputedStyle(c, '::before').content])"
    )
    # Each cell shows its column's name, but the title, which heads the card.
    for label, shown in labels:
        assert shown == ("none" if label == "Title" else f'"{label}"'), label
    title_box = first.locator("td.pm-browse__title").bounding_box()
    id_box = cells.first.bounding_box()
    assert title_box and id_box and title_box["y"] < id_box["y"]
    # The header row is a bar of sort buttons that still sort.
    sort = page.locator("#pm-browse thead button.pm-sort", has_text=re.compile("^Id$"))
    assert sort.is_visible()
    before = page.eval_on_selector_all("#pm-browse tbody tr", "rows => rows.map(r => r.id)")
    sort.click()
    assert page.locator("#pm-browse thead th").first.get_attribute("aria-sort") == "ascending"
    ids: list[str] = page.eval_on_selector_all(
        "#pm-browse tbody tr", "rows => rows.map(r => r.cells[0].dataset.value)"
    )
    ordered: bool = page.evaluate(
        "ids => ids.every((id, i) => i === 0 || ids[i - 1].localeCompare(id) <= 0)", ids
    )
    assert ordered and len(ids) == len(records) and before
    # A filtered-out card is gone, not an empty box.
    page.locator("select[data-filter=status]").select_option("in-review")
    hidden = page.locator("#pm-browse tbody tr[hidden]")
    assert hidden.count() == sum(r["status"] != "in-review" for r in records)
    assert all(not hidden.nth(i).is_visible() for i in range(hidden.count()))
