"""`mkdocs serve` makes an edited postmortem's page alone first, then rebuilds the site
(`adapters.fast_edit`): a real server in a subprocess, real files, pages fetched over HTTP
and read from its site folder.

The server runs with the follow-up rebuild an hour away (`FOLLOW_UP_SECONDS`), so that the
order is certain, not a race: the page made alone is checked while the rest of the site is
still the old one, and the rebuild is then asked for by touching mkdocs.yml. Every wait has
a deadline, so a server that hangs fails the test instead of blocking it.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs_postmortems.adapters import fast_edit

ROOT = Path(__file__).resolve().parents[1]
CORE_DNS = "2026/2026-02-17-coredns-forward-zone-outage.md"
PAGE = "postmortems/2026-02-17-coredns-forward-zone-outage/index.html"
BUILDING = "Building documentation"
"""Logged as each full build starts (MkDocs drops a repeated "Documentation built in")."""
WAIT = 120.0

MKDOCS_YML = """\
site_name: Fast edits
theme:
  name: material
  font: false
plugins:
  - search
  - postmortems:
      dir: postmortems
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""

RUNNER = """\
import sys
from mkdocs_postmortems.adapters import fast_edit
fast_edit.FOLLOW_UP_SECONDS = float(sys.argv.pop(1))
from mkdocs.__main__ import cli
cli(prog_name="mkdocs")
"""
"""`mkdocs serve` with the follow-up rebuild's delay given first."""


def _project(tmp_path: Path) -> Path:
    """The example knowledge base's postmortems under a small site (builds in seconds)."""
    project = tmp_path / "kb"
    shutil.copytree(ROOT / "postmortems", project / "postmortems")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Fast edits\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return project


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A running `mkdocs serve`: its log lines as they come, its site folder."""

    def __init__(self, process: subprocess.Popen[str], temp: Path, base: str) -> None:
        self.process = process
        self.temp = temp
        self.base = base
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait(self, test: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not test():
            assert self.process.poll() is None, f"serve ended: {self.log()}"
            assert time.monotonic() < deadline, f"no {what}: {self.log()}"
            time.sleep(0.1)

    def wait_builds(self, count: int) -> None:
        """Until `count` full builds have ended: the first before serving, each other before
        browsers are told to reload."""

        def done() -> bool:
            lines = list(self.lines)
            started = [n for n, line in enumerate(lines) if BUILDING in line]
            if len(started) < count:
                return False
            end = "Serving on" if count == 1 else "Reloading browsers"
            return any(end in line for line in lines[started[count - 1] :])

        self.wait(done, f"build {count}")

    def site(self) -> Path:
        """Serve's site folder: the only `mkdocs_*` folder in its temporary folder."""
        (found,) = self.temp.glob("mkdocs_*")
        return found

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as reply:
                text: str = reply.read().decode("utf-8")
                return text
        except urllib.error.HTTPError as error:
            return error.read().decode("utf-8", errors="replace")

    def log(self) -> str:
        return "\n".join(self.lines[-40:])


@contextmanager
def _served(project: Path, tmp_path: Path, port: int, follow_up: float) -> Iterator[Server]:
    temp = tmp_path / f"temp-{len(list(tmp_path.glob('temp-*')))}"
    temp.mkdir()
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "TMPDIR": str(temp),  # serve's site folder is made here
        "POSTMORTEMS_AS_OF": "2026-11-24",
        "SOURCE_DATE_EPOCH": "1781566200",
    }
    command = [sys.executable, "-c", RUNNER, str(follow_up), "serve"]
    process = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    server = Server(process, temp, f"http://127.0.0.1:{port}/")
    try:
        server.wait(lambda: server.count("Serving on") == 1, "server")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server._reader.join(timeout=10)
    assert "Traceback" not in "\n".join(server.lines), server.log()


def _copy_site(server: Server, to: Path) -> Path:
    shutil.copytree(server.site(), to)
    return to


def _differences(one: Path, other: Path) -> list[str]:
    """Files only in one tree, or with different bytes, by relative path."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in compared.left_only + compared.right_only)
        found.extend(prefix + name for name in compared.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(
            compared.left, compared.right, compared.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in compared.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(one, other), "")
    return sorted(found)


def test_an_edited_postmortem_shows_before_the_rebuild_which_then_equals_a_cold_build(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    source = project / "postmortems" / CORE_DNS
    text = source.read_text(encoding="utf-8")
    edited = (
        text.replace("title: Cluster DNS", "title: Renamed DNS", 1).replace(
            "severity: P1", "severity: P2", 1
        )
        + "\nA sentence added while the site was served.\n"
    )
    port = _free_port()
    with _served(project, tmp_path, port, follow_up=3600) as server:
        server.wait_builds(1)
        page = server.site() / PAGE
        assert "Cluster DNS" in page.read_text(encoding="utf-8")

        source.write_text(edited, encoding="utf-8")
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 1, "page made alone")
        # The page is new, on disk and served; the rest of the site is not rebuilt yet.
        assert server.count(BUILDING) == 1
        alone = page.read_bytes()
        for html in (alone.decode("utf-8"), server.get(PAGE.removesuffix("index.html"))):
            assert "Renamed DNS" in html and "Cluster DNS" not in html
            assert "A sentence added while the site was served." in html
            assert "pm-problems" not in html
        assert "Cluster DNS" in server.get("postmortems/")  # the index: the old title still

        source.write_text(edited + "And one more.\n", encoding="utf-8")  # again, alone
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 2, "page made alone again")
        assert server.count(BUILDING) == 1
        alone = page.read_bytes()
        assert b"And one more." in alone

        os.utime(project / "mkdocs.yml")  # any change: the rebuild, as the timer would ask
        server.wait_builds(2)
        assert server.count(fast_edit.MESSAGE) == 2  # the follow-up is the full rebuild
        listing = server.get("postmortems/")
        assert "Renamed DNS" in listing and "Cluster DNS" not in listing
        # The page made alone is the page the full build makes.
        assert page.read_bytes() == alone
        rebuilt = _copy_site(server, tmp_path / "rebuilt")

    with _served(project, tmp_path, port, follow_up=fast_edit.FOLLOW_UP_SECONDS) as cold:
        cold.wait_builds(1)
        fresh = _copy_site(cold, tmp_path / "cold")
    assert _differences(rebuilt, fresh) == []


def _new_build(server: Server, change: Callable[[], object]) -> None:
    """Make `change`, then wait for the full rebuild it must cause (no page made alone)."""
    builds, alone = server.count(BUILDING), server.count(fast_edit.MESSAGE)
    change()
    server.wait_builds(builds + 1)
    assert server.count(fast_edit.MESSAGE) == alone, server.log()


def test_other_changes_take_the_full_rebuild(tmp_path: Path) -> None:
    """An invalid edit (shown on the pages as before), the edit that fixes it (the file
    had problems), the taxonomy, mkdocs.yml, a new file, a deleted one, two at once: each
    rebuilds the site at once. Another file's edit meanwhile is made alone, with the banner
    of the problems the last build showed; so is a plain edit at the end."""
    project = _project(tmp_path)
    folder = project / "postmortems"
    source = folder / CORE_DNS
    good = source.read_text(encoding="utf-8")
    other = next(path for path in (folder / "2025").glob("*.md"))
    added = folder / "2026" / "2026-12-01-added.md"
    with _served(project, tmp_path, _free_port(), follow_up=3600) as server:
        server.wait_builds(1)
        place = PAGE.removesuffix("index.html")

        _new_build(
            server,
            lambda: source.write_text(good.replace("severity: P1", "severity: P9", 1), "utf-8"),
        )
        shown = server.get(place)
        assert "Not published" in shown and "severity: expected one of" in shown
        assert "pm-problems" in server.get("")

        # Another file, while this one is invalid: made alone, under the same banner.
        other_page = server.site() / "postmortems" / other.stem / "index.html"
        other.write_text(other.read_text("utf-8") + "\nThree.\n", "utf-8")
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 1, "page made alone")
        alone = other_page.read_text("utf-8")
        assert "Three." in alone and "pm-problems" in alone
        _new_build(server, lambda: os.utime(project / "mkdocs.yml"))  # the follow-up
        assert other_page.read_text("utf-8") == alone

        _new_build(server, lambda: source.write_text(good, "utf-8"))
        assert "Cluster DNS" in server.get(place) and "pm-problems" not in server.get("")

        taxonomy = folder / "taxonomy.yml"
        _new_build(
            server, lambda: taxonomy.write_text(taxonomy.read_text("utf-8") + "\n# more\n", "utf-8")
        )
        config = project / "mkdocs.yml"
        _new_build(
            server, lambda: config.write_text(config.read_text("utf-8") + "\n# more\n", "utf-8")
        )
        copy = good.replace("id: PM-2026-001", "id: PM-2026-901", 1)
        _new_build(server, lambda: added.write_text(copy, "utf-8"))
        assert "PM-2026-901" in server.get("postmortems/2026-12-01-added/")
        _new_build(server, added.unlink)

        def two() -> None:
            source.write_text(good + "\nOne.\n", "utf-8")
            other.write_text(other.read_text("utf-8") + "\nTwo.\n", "utf-8")

        _new_build(server, two)

        source.write_text(good.replace("title: Cluster DNS", "title: Again DNS", 1), "utf-8")
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 2, "page made alone")
        assert "Again DNS" in server.get(place)


def test_the_snapshot_tells_one_rewritten_file_by_its_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    (folder / "2026").mkdir(parents=True)
    one, two = folder / "2026" / "one.md", folder / "two.md"
    one.write_text("one", encoding="utf-8")
    two.write_text("two", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", encoding="utf-8")
    roots = [str(folder), str(config), str(tmp_path / "missing")]
    before = fast_edit.snapshot(roots)
    assert sorted(before) == sorted(map(str, (one, two, config)))

    stat = one.stat()
    one.write_text("uno", encoding="utf-8")
    os.utime(one, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    assert fast_edit.changed(before, fast_edit.snapshot(roots)) == [str(one)]
    os.utime(two)  # touched, not changed
    assert fast_edit.changed(before, fast_edit.snapshot(roots)) == [str(one)]
    two.unlink()
    (folder / "three.md").write_text("three", encoding="utf-8")
    after = fast_edit.snapshot(roots)
    assert fast_edit.changed(before, after) == sorted(map(str, (one, folder / "three.md", two)))
