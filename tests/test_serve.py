"""`mkdocs serve` on a real project, fetched over HTTP: it answers, rebuilds, shows the
knowledge base's problems on the pages whatever `strict` says, never hangs, and keeps
watching the postmortems folder when it is moved away and back.

Every fetch has a timeout and every wait a deadline, so a server that hangs fails the test
instead of blocking it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<img src=x onerror=alert(1)>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(project: Path, port: int, *options: str) -> subprocess.Popen[str]:
    """`mkdocs serve` of `project` on 127.0.0.1:`port`, its output collected for the end."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *options],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@contextmanager
def _served(project: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The server's base URL while it runs; at the end, it is stopped and its output
    checked for tracebacks."""
    port = _free_port()
    server = _serve(project, port, *options)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "Traceback" not in output, output[-3000:]


def _project(tmp_path: Path) -> Path:
    """A copy of the example knowledge base (its mkdocs.yml says `strict: true`)."""
    project = tmp_path / "kb"
    project.mkdir()
    for name in ("docs", "postmortems"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def test_serve_shows_the_home_page() -> None:
    with _served(ROOT) as (base, server):
        page = _wait_for(f"{base}/", "Incident postmortems", server, 60)
        assert "<title>Postmortems</title>" in page
        assert "Incident postmortems" in page
        assert "pm-problems" not in page  # a valid knowledge base has no banner


def _get(url: str) -> str:
    """The page at `url` (an error status's too); empty when nothing answers in time."""
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            text: str = reply.read().decode("utf-8")
            return text
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _wait_until(
    url: str, test: Callable[[str], bool], server: subprocess.Popen[str], seconds: float
) -> str:
    """The page at `url` once `test` holds for it; the last answer if it never does."""
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline and server.poll() is None:
        page = _get(url)
        if test(page):
            return page
        time.sleep(0.3)
    return page


def _wait_for(url: str, needle: str, server: subprocess.Popen[str], seconds: float) -> str:
    return _wait_until(url, lambda page: needle in page, server, seconds)


def test_serve_shows_drafts_and_rebuilds_when_a_postmortem_changes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    source = next((project / "postmortems" / "2026").glob("*coredns*"))
    draft = next(p for p in project.rglob("*.md") if "status: draft" in p.read_text())
    with _served(project) as (base, server):
        url = f"{base}/postmortems/{source.stem}/"
        assert "Cluster DNS" in _wait_for(url, "Cluster DNS", server, 90)
        assert "pm-draft" in _get(f"{base}/postmortems/{draft.stem}/")
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("title: Cluster DNS", "title: Renamed DNS"), "utf-8")
        assert "Renamed DNS" in _wait_for(url, "Renamed DNS", server, 90)


def _break(source: Path, value: str) -> tuple[str, int, int]:
    """Give `source` an invalid severity; the place of the value, as a diagnostic names it."""
    lines = source.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines) if text.startswith("severity:"))
    lines[line] = f"severity: {value}"
    source.write_text("\n".join(lines), encoding="utf-8")
    return source.relative_to(source.parents[2]).as_posix(), line + 1, len("severity: ") + 1


def test_serve_with_strict_shows_an_invalid_postmortem_on_the_pages_until_it_is_fixed(
    tmp_path: Path,
) -> None:
    """`strict: true` in mkdocs.yml and `--strict` too: MkDocs alone would stop serving
    (an invalid file at the start) or hang every request (one made invalid later)."""
    project = _project(tmp_path)
    assert "strict: true" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    source = next((project / "postmortems" / "2026").glob("*coredns*"))
    good = source.read_text(encoding="utf-8")
    path, line, column = _break(source, f"'{HOSTILE}'")
    where = f"{path}:{line}:{column}"
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    with _served(project, "--strict") as (base, server):
        home = _wait_for(f"{base}/", where, server, 90)
        assert 'class="admonition failure pm-problems"' in home
        assert where in home and escaped in home
        errors = _get(f"{base}/postmortems/_errors/")
        assert where in errors and "severity: expected one of" in errors and escaped in errors
        # Its own place says why it is not there; other pages carry the banner.
        place = _get(f"{base}/postmortems/{source.stem}/")
        assert "Not published" in place and where in place
        other = _get(f"{base}/analytics/")
        assert "The knowledge base has 1 error" in other and "_errors/" in other
        for page in (home, errors, place, other):
            assert HOSTILE not in page

        source.write_text(good, encoding="utf-8")
        url = f"{base}/postmortems/{source.stem}/"
        fixed = _wait_until(url, lambda page: "Cluster DNS" in page, server, 90)
        assert "Not published" not in fixed and "pm-problems" not in fixed
        assert "pm-problems" not in _get(f"{base}/")
        assert "No problems" in _get(f"{base}/postmortems/_errors/")

        # Made invalid while served: the next rebuild shows it, and nothing hangs.
        _break(source, "P9")
        assert where in _wait_for(f"{base}/", where, server, 90)
        assert server.poll() is None


def test_serve_shows_a_failed_rebuild_in_the_browser_and_recovers(tmp_path: Path) -> None:
    """A rebuild that raises (an invalid plugin option) shows its error instead of leaving
    every request waiting, and the next good rebuild brings the site back."""
    project = _project(tmp_path)
    config = project / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    with _served(project) as (base, server):
        assert "Incident postmortems" in _wait_for(f"{base}/", "Incident postmortems", server, 90)
        config.write_text(good.replace("dir: postmortems", "dir: postmortems\n      as_of: soon"))
        failed = _wait_for(f"{base}/", "could not be built", server, 90)
        assert (
            "could not be built" in failed
            and "expected a date YYYY-MM-DD, got &#x27;soon&#x27;" in failed
        )
        assert "could not be built" in _get(f"{base}/postmortems/")  # every address says so
        config.write_text(good, encoding="utf-8")
        assert "Incident postmortems" in _wait_for(f"{base}/", "Incident postmortems", server, 90)


def test_serve_keeps_watching_the_folder_moved_away_and_back(tmp_path: Path) -> None:
    project = _project(tmp_path)
    folder = project / "postmortems"
    away = tmp_path / "elsewhere"
    source = next((folder / "2026").glob("*coredns*"))
    with _served(project) as (base, server):
        url = f"{base}/postmortems/{source.stem}/"
        assert "Cluster DNS" in _wait_for(url, "Cluster DNS", server, 90)
        folder.rename(away)
        errors = _wait_for(f"{base}/postmortems/_errors/", "postmortems:1:1", server, 90)
        assert "postmortems:1:1" in errors  # the folder's going rebuilt the site
        away.rename(folder)
        assert "Cluster DNS" in _wait_for(url, "Cluster DNS", server, 90)
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("title: Cluster DNS", "title: Moved DNS"), "utf-8")
        assert "Moved DNS" in _wait_for(url, "Moved DNS", server, 90)
