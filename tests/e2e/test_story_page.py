"""A postmortem page in Chromium, at a laptop's width and a phone's: the story is within the
first screen, and nothing is wider than the screen or its column.

Two real builds: the example knowledge base (its postmortem with the most action items and
timeline entries) and the hostile one (tests/fixtures/kb-hostile), whose values are long,
unbroken and full of markup. Screenshots go to test-artifacts/screenshots/story-*.png.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.support import REPO, Site, Tab, mkdocs_build, serve

pytestmark = pytest.mark.browser

WIDTHS = {1280: 900, 390: 844}
"""Viewport width -> height: a laptop and a phone."""

MEASURE = """() => {
  const scroller = document.scrollingElement;
  const lede = document.querySelector('article .pm-lede');
  const inCode = (e) => e.closest('pre, .highlight');
  const wide = [...document.querySelectorAll('article *')]
    .filter((e) => !inCode(e) && e.getBoundingClientRect().right > innerWidth + 0.5)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
  const boxes = [...document.querySelectorAll('article table, article .pm-story-wrap')]
    .filter((e) => e.scrollWidth > e.clientWidth)
    .map((e) => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`);
  return {
    page: [scroller.scrollWidth, scroller.clientWidth],
    ledeTop: lede ? lede.getBoundingClientRect().top : null,
    height: innerHeight,
    wide: wide.slice(0, 10),
    boxes,
    tables: document.querySelectorAll('article table').length,
  };
}"""


def _records(site: Site) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = site.data()["postmortems"]
    return records


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("story-hostile")
    project = root / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "kb-hostile", project)
    shutil.rmtree(project / "refused")
    mkdocs_build(project, root / "site")
    with serve(root / "site") as url:
        yield Site(root / "site", url)


def _check(tab: Tab, url: str, name: str, *, first_screen: bool = True) -> None:
    page = tab.open(url)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)  # let layout settle after the resize
        found = page.evaluate(MEASURE)
        tab.screenshot(f"story-{name}-{width}")
        where = f"{name} at {width} px: {json.dumps(found)}"
        assert found["ledeTop"] is not None, where
        if first_screen:  # the summary, on the first screen
            assert 0 <= found["ledeTop"] < found["height"], where
        scroll_width, client_width = found["page"]
        assert scroll_width <= client_width, where
        assert found["wide"] == [], where
        assert found["boxes"] == [], where
        assert found["tables"] >= 2, where  # the timeline and the action items at least


def test_an_example_postmortem_reads_first_and_fits(tab: Tab, example_site: Site) -> None:
    record = max(
        _records(example_site),
        key=lambda r: (len(r["action_items"]), len(r.get("timeline", [])), r["id"]),
    )
    _check(tab, example_site.url + record["url"], "example")
    page = tab.page
    page.set_viewport_size({"width": 1280, "height": 900})
    # The header: title, then one line of severity, status and dates, then the summary.
    meta = page.locator("article p.pm-meta")
    assert meta.locator(".pm-sev").inner_text().startswith(record["severity"])
    assert meta.locator(".pm-status").inner_text() == record["status"]
    assert meta.locator("time").count() == 2
    assert page.locator("article p.pm-lede").inner_text() == record["summary"]
    # Owners link to their pages; each leads to one.
    owners = page.locator("table.pm-actions a.pm-owner")
    assert owners.count() > 0
    href = owners.first.get_attribute("href") or ""
    assert "/owners/" in page.evaluate("(a) => new URL(a, location.href).pathname", href)


@pytest.mark.parametrize(
    ("stem", "first_screen"),
    [
        # A formula and markup in the title; summary, timeline, items of every shape.
        ("2026-01-12-shapes", True),
        # Every value hundreds of characters of payload, the title too: it fills the first
        # screen by itself, so only the widths are checked.
        ("2026-01-05-every-field", False),
    ],
)
def test_a_hostile_postmortem_fits(
    tab: Tab, hostile_site: Site, stem: str, first_screen: bool
) -> None:
    _check(tab, f"{hostile_site.url}postmortems/{stem}/", stem, first_screen=first_screen)
