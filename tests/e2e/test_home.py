"""The home page in Chromium, on a laptop and on a phone: the block's headings are in the
table of contents and lead to their sections, nothing scrolls sideways, and a screenshot of
each is kept (test-artifacts/screenshots/home-<width>.png).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from e2e.support import SCREENSHOTS, Site

pytestmark = pytest.mark.browser

HEADINGS = {
    "what-happened-lately": "What happened lately",
    "needs-attention": "Needs attention",
    "ways-in": "Ways in",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_home_reads_on_a_laptop_and_a_phone(
    browser: Browser, example_site: Site, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(example_site.url, wait_until="load")
        toc = page.eval_on_selector_all(
            "nav.md-nav--secondary a.md-nav__link",
            "links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])",
        )
        for anchor, title in HEADINGS.items():
            assert [f"#{anchor}", title] in toc, toc
            assert page.locator(f"h2#{anchor}").inner_text().strip() == title
        first = page.locator(".pm-home__latest a.pm-home__title").first
        assert first.is_visible()
        if width == 1280:  # the first incident is on the first screen of a laptop
            assert first.bounding_box()["y"] < 900  # type: ignore[index]
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the home page scrolls sideways by {wide} px at {width} px"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"home-{width}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []
