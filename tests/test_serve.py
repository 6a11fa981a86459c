"""`mkdocs serve` on the example knowledge base answers with the home page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(project: Path, port: int) -> subprocess.Popen[str]:
    """`mkdocs serve` of `project` on 127.0.0.1:`port`, its output collected for the end."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def test_serve_shows_the_home_page() -> None:
    port = _free_port()
    server = _serve(ROOT, port)
    try:
        deadline = time.monotonic() + 60
        page = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    page = reply.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.3)
        assert "<title>Postmortems</title>" in page
        assert "Incident postmortems" in page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "Traceback" not in output


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            text: str = reply.read().decode("utf-8")
            return text
    except OSError:
        return ""


def _wait_for(url: str, needle: str, server: subprocess.Popen[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline and server.poll() is None:
        page = _get(url)
        if needle in page:
            return page
        time.sleep(0.3)
    return page


def test_serve_shows_drafts_and_rebuilds_when_a_postmortem_changes(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "kb"
    project.mkdir()
    for name in ("docs", "postmortems"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    source = next((project / "postmortems" / "2026").glob("*coredns*"))
    draft = next(p for p in project.rglob("*.md") if "status: draft" in p.read_text())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(project, port)
    try:
        url = f"{base}/postmortems/{source.stem}/"
        assert "Cluster DNS" in _wait_for(url, "Cluster DNS", server, 90)
        assert "pm-draft" in _get(f"{base}/postmortems/{draft.stem}/")
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("title: Cluster DNS", "title: Renamed DNS"), "utf-8")
        assert "Renamed DNS" in _wait_for(url, "Renamed DNS", server, 90)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "Traceback" not in output
