"""Material's search finds a postmortem by its id and by its hotfix tag, first.

Typed into the real search box of a real build of the example knowledge base, in Chromium:
readers paste `PM-2025-002` or `payments-api-v3.8.2` from a ticket or a chat and expect the
postmortem, not a report that mentions it. Every id and every hotfix tag of the knowledge
base is tried, read from the build's own `data/postmortems.json`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from e2e.support import Site, Tab

pytestmark = pytest.mark.browser

Record = dict[str, Any]


def search(page: Page, query: str) -> list[str]:
    """Type `query` into Material's search box; the paths of the result links, once shown.

    Every key typed starts a search, and the answers to `PM-2026-00` can arrive after the
    last key on a busy machine: all but the last character are put in the box first,
    without a key event, so the last key starts the only search, for the whole query."""
    field = page.locator("input.md-search__input")
    field.click()
    field.evaluate("(box, text) => { box.value = text; }", query[:-1])
    page.keyboard.type(query[-1])
    # Shown, and unchanged over five polls (half a second): the answer, not a first render.
    shown = page.wait_for_function(
        """() => {
          const now = [...document.querySelectorAll("a.md-search-result__link")]
            .map(a => a.href);
          const seen = window.__pmSeen || {list: "", polls: 0};
          seen.polls = now.length && now.join() === seen.list ? seen.polls + 1 : 0;
          seen.list = now.join();
          window.__pmSeen = seen;
          return seen.polls >= 5 ? now : null;
        }""",
        polling=100,
    )
    hrefs: list[str] = shown.json_value()
    return [urlsplit(href).path for href in hrefs]


def first_result_is(tab: Tab, site: Site, query: str, record: Record) -> None:
    page = tab.open(site.url)
    paths = search(page, query)
    target = urlsplit(site.url + record["url"]).path
    assert paths, f"no search result for {query!r}"
    assert paths[0] == target, f"{query!r}: expected {target} first, got {paths[:5]}"


@pytest.fixture(scope="module")
def records(example_site: Site) -> list[Record]:
    found: list[Record] = example_site.data()["postmortems"]
    assert len(found) >= 5
    return found


def test_every_id_finds_its_postmortem_first(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    for record in records:
        first_result_is(tab, example_site, record["id"], record)
    tab.screenshot("search-by-id")


def test_an_id_without_its_prefix_finds_its_postmortem_first(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    prefixed = [r for r in records if re.fullmatch(r"[A-Z]+-\d{4}-\d+", r["id"])]
    assert prefixed, "the example knowledge base has no id like PM-2025-002"
    for record in prefixed:
        first_result_is(tab, example_site, record["id"].split("-", 1)[1], record)


def test_every_hotfix_tag_finds_its_postmortem_first(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    tagged = [r for r in records if (r.get("hotfix") or {}).get("tag")]
    assert tagged, "the example knowledge base has no hotfix with a tag"
    for record in tagged:
        first_result_is(tab, example_site, record["hotfix"]["tag"], record)
