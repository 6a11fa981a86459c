"""Helpers of the browser tests: build a site, serve it on 127.0.0.1, watch a page."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-24"
"""The example knowledge base has overdue action items on this day."""
RunCli = Callable[..., subprocess.CompletedProcess[str]]
"""The `run_cli` fixture of tests/conftest.py."""
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Nothing leaves the machine: every host but the test server fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_executable() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def mkdocs_build(project: Path, site: Path) -> None:
    """`mkdocs build --strict` of a project, as of AS_OF, whatever the caller's environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("POSTMORTEMS_") and key != "SOURCE_DATE_EPOCH"
    }
    env.update(POSTMORTEMS_AS_OF=AS_OF, NO_MKDOCS_2_WARNING="1", PYTHONUTF8="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a page's dozen assets on one connection

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser dropping a connection is not a test failure


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 at a free port; yields the base URL, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Site:
    root: Path
    """The built site on disk."""
    url: str
    """Where it is served, ending in '/'."""

    def data(self) -> dict[str, Any]:
        """The site's own export of every published postmortem."""
        loaded: dict[str, Any] = json.loads(
            (self.root / "data" / "postmortems.json").read_text(encoding="utf-8")
        )
        return loaded


@dataclass
class Tab:
    """A page in a fresh browser context, with every console error and page error kept."""

    page: Page
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def open(self, url: str) -> Page:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        self.visited.append(url)
        return self.page

    def allow(self, pattern: str) -> None:
        """Tolerate console errors matching `pattern` (a test that expects them says why)."""
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(pattern.search(text) for pattern in self.allowed):
            return
        location = message.location.get("url", "") if message.location else ""
        self.errors.append(f"console error on {self.page.url}: {text} ({location})")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"page error on {self.page.url}: {error}")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
