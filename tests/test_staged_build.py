"""`make build` (`staged_build`): a failed or interrupted build leaves the last good site
exactly as it was, and a good one replaces it whole, with no folder left beside it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mkdocs_postmortems.adapters import staged_build

ROOT = Path(__file__).resolve().parents[1]
MARK = "POSTMORTEMS_TEST_MARK"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "kb"
    project.mkdir()
    for name in ("docs", "postmortems"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def _environment(mark: str = "") -> dict[str, str]:
    return {
        **os.environ,
        MARK: mark,
        "NO_MKDOCS_2_WARNING": "1",
        "POSTMORTEMS_AS_OF": "2026-11-24",
    }


def _start(project: Path, mark: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs_postmortems.adapters.staged_build",
            "--site-dir",
            "site",
            "--strict",
        ],
        cwd=project,
        env=_environment(mark),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _build(project: Path) -> tuple[int, str]:
    run = _start(project)
    _, errors = run.communicate(timeout=300)
    return run.returncode, errors


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _beside(project: Path) -> list[str]:
    """What the project folder holds besides its own files and the site."""
    return sorted(
        p.name for p in project.iterdir() if p.name not in {"docs", "postmortems", "mkdocs.yml"}
    )


def _break(project: Path) -> None:
    source = next((project / "postmortems" / "2026").glob("*coredns*"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("severity: P", "severity: p", 1), encoding="utf-8")


def test_a_failed_build_leaves_the_last_good_site_and_a_good_one_replaces_it(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    code, errors = _build(project)
    assert code == 0, errors
    site = project / "site"
    assert (site / "index.html").is_file()
    assert _beside(project) == ["site"]
    mask = os.umask(0)
    os.umask(mask)
    assert (site.stat().st_mode & 0o777) == 0o777 & ~mask  # not mkdtemp's private 0700
    good = _files(site)

    _break(project)
    code, errors = _build(project)
    assert code == 1
    assert "expected one of P0, P1, P2, P3" in errors
    assert "left as it was" in errors
    assert _files(site) == good
    assert _beside(project) == ["site"]

    source = next((project / "postmortems" / "2026").glob("*coredns*"))
    shutil.copy(ROOT / "postmortems" / "2026" / source.name, source)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: Cluster DNS", "title: Staged DNS"), "utf-8")
    code, errors = _build(project)
    assert code == 0, errors
    page = site / "postmortems" / source.stem / "index.html"
    assert "Staged DNS" in page.read_text(encoding="utf-8")
    assert _beside(project) == ["site"]


def _marked(mark: str) -> list[int]:
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_build_leaves_the_last_good_site(tmp_path: Path, signum: int) -> None:
    project = _project(tmp_path)
    code, errors = _build(project)
    assert code == 0, errors
    good = _files(project / "site")
    mark = uuid.uuid4().hex
    run = _start(project, mark)
    try:
        deadline = time.monotonic() + 120
        # Interrupted once MkDocs is writing the new site beside the old one.
        while not any((p / "assets").exists() for p in project.glob(".site.building-*")):
            assert run.poll() is None, run.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        run.send_signal(signum)
        _, errors = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 128 + signum, errors
    assert "interrupted" in errors and "Traceback" not in errors
    assert _files(project / "site") == good
    assert _beside(project) == ["site"]
    deadline = time.monotonic() + 5
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(mark) == []


def test_swap_in_puts_the_new_folder_in_place(tmp_path: Path) -> None:
    site = tmp_path / "site"
    new = tmp_path / "new"
    new.mkdir()
    (new / "index.html").write_text("one")
    staged_build.swap_in(new, site)  # nothing there before
    assert (site / "index.html").read_text() == "one" and not new.exists()
    new.mkdir()
    (new / "index.html").write_text("two")
    staged_build.swap_in(new, site)
    assert (site / "index.html").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the old one is gone


def test_swap_in_without_an_atomic_exchange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot exchange two folders, the old site is renamed aside, the new
    one put in its place, then the old one deleted; if that fails, the old one goes back."""
    monkeypatch.setattr(staged_build, "_exchange", lambda one, other: False)
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    (site / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    staged_build.swap_in(new, site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    other = tmp_path / "other"
    other.mkdir()
    real_rename = os.rename

    def refuse(source: object, target: object) -> None:
        if Path(str(source)) == other:
            raise OSError("refused")
        real_rename(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(OSError, match="refused"):
        staged_build.swap_in(other, site)
    assert (site / "index.html").read_text() == "new"  # the old site is back in place


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_build_runs_the_staged_build() -> None:
    dry = subprocess.run(
        ["make", "-n", "build"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if dry.returncode != 0:
        pytest.skip(f"make -n build: {dry.stderr.strip()}")
    assert "-m mkdocs_postmortems.adapters.staged_build --site-dir site --strict" in dry.stdout
