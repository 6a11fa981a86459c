"""The 404 page, in Chromium, served for a missing address as a static host serves it (GitHub
Pages, Netlify: the site's 404.html with status 404, at the address asked for): it loads
with the theme, opens search, and every way in it offers leads to a page.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser

from e2e.support import SCREENSHOTS, Site, Tab
from e2e.test_search import search

pytestmark = pytest.mark.browser

MISSING = "no/such/page/"
WAYS = ["/", "/postmortems/", "/services/", "/owners/", "/analytics/", "/reports/"]
"""Ways in the 404 page must offer (the example site has all of them)."""


class _NotFoundHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: a missing file gets the site's 404.html, with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def static_host(root: Path) -> Iterator[str]:
    handler = functools.partial(_NotFoundHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def host(example_site: Site) -> Iterator[str]:
    with static_host(example_site.root) as url:
        yield url


def test_a_missing_page_offers_the_ways_in_and_they_lead_somewhere(tab: Tab, host: str) -> None:
    tab.allow(r"status of 404")  # the page asked for is missing: that is the point
    page = tab.page
    response = page.goto(host + MISSING, wait_until="load")
    assert response is not None and response.status == 404
    assert page.locator("h1#not-found").inner_text() == "Page not found"
    # The theme's assets load from the site's root, whatever the address.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in (
        "sticky",
        "fixed",
    )
    hrefs = page.eval_on_selector_all(".pm-404__ways a", "links => links.map(a => a.href)")
    paths = [href.removeprefix(host.rstrip("/")) for href in hrefs]
    for way in WAYS:
        assert way in paths, f"the 404 page has no link to {way}: {paths}"
    for href in hrefs:
        assert page.request.get(href).status == 200, href
    page.locator(".pm-404__ways a", has_text="Browse all postmortems").click()
    page.wait_for_load_state("load")
    assert page.url == urljoin(host, "postmortems/")


def test_search_opens_from_the_404_page(tab: Tab, host: str, example_site: Site) -> None:
    tab.allow(r"status of 404")
    page = tab.page
    page.goto(host + MISSING, wait_until="load")
    button = page.locator(".pm-404__search label[for='__search']")
    assert button.is_visible()
    button.click()
    field = page.locator("input.md-search__input")
    field.wait_for(state="visible")
    assert page.evaluate("document.getElementById('__search').checked")
    record = example_site.data()["postmortems"][0]
    paths = search(page, record["id"])
    assert paths and paths[0] == "/" + record["url"]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_404_page_fits_and_is_kept_as_a_screenshot(
    browser: Browser, host: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(host + MISSING, wait_until="load")
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the 404 page scrolls sideways by {wide} px at {width} px"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"404-{width}.png"), full_page=True)
    finally:
        context.close()


def test_the_search_key_opens_search_from_the_404_page(tab: Tab, host: str) -> None:
    """Keyboard readers: the page says `/` opens search, and it does."""
    tab.allow(r"status of 404")
    page = tab.page
    page.goto(host + MISSING, wait_until="load")
    assert "/" in page.locator(".pm-404__search + p kbd").inner_text()
    page.keyboard.press("/")
    page.wait_for_function("document.getElementById('__search').checked")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
