"""Real Chromium over a real build: the example site built once, served on 127.0.0.1.

Chromium is Debian's (`make test` installs it); Playwright only drives it, nothing is
downloaded. Every page a test opens is watched: a console error or an uncaught exception
fails the test, and requests to any host but 127.0.0.1 fail (the site loads nothing
from other hosts).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from e2e.support import CHROMIUM_ARGS, REPO, Site, Tab, chromium_executable, mkdocs_build, serve


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        reason = "Chromium not found: `apt-get install chromium` (`make test` does it)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repository's site, built once per session and served while the session runs."""
    root = tmp_path_factory.mktemp("example-site")
    mkdocs_build(REPO, root)
    with serve(root) as url:
        yield Site(root, url)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    watched = Tab(page)
    page.on("console", watched.on_console)
    page.on("pageerror", watched.on_page_error)
    try:
        yield watched
    finally:
        context.close()
    if watched.errors:
        pytest.fail("\n".join(watched.errors), pytrace=False)
