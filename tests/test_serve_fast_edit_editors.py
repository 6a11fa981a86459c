"""Editors' saves under `mkdocs serve` are one postmortem's edit (`adapters.fast_edit`):
vim rewrites its swap file `.name.swp` with each save, Emacs makes a backup `name~` on its
first save and removes its lock link `.#name`. The walk of postmortems never reads those,
so the edited page is still made alone first; files in the docs folder still count."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.config import load_config

from mkdocs_postmortems.adapters import fast_edit
from test_serve_fast_edit import BUILDING, CORE_DNS, PAGE, _free_port, _project, _served


def test_an_editors_swap_lock_and_backup_files_leave_the_edit_made_alone(tmp_path: Path) -> None:
    project = _project(tmp_path)
    source = project / "postmortems" / CORE_DNS
    text = source.read_text(encoding="utf-8")
    swap = source.with_name(f".{source.name}.swp")
    lock = source.with_name(f".#{source.name}")
    swap.write_bytes(b"vim swap, buffer unchanged")
    os.symlink("author@host.4242:1700000000", lock)  # Emacs: a dangling link
    with _served(project, tmp_path, _free_port(), follow_up=3600) as server:
        server.wait_builds(1)
        page = server.site() / PAGE

        swap.write_bytes(b"vim swap, buffer written")  # vim's save
        source.write_text(text + "\nSaved by vim.\n", encoding="utf-8")
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 1, "page made alone")
        assert "Saved by vim." in page.read_text(encoding="utf-8")

        source.with_name(source.name + "~").write_text(text, encoding="utf-8")  # Emacs' save
        source.write_text(text + "\nSaved by Emacs.\n", encoding="utf-8")
        lock.unlink()
        server.wait(lambda: server.count(fast_edit.MESSAGE) == 2, "page made alone again")
        assert "Saved by Emacs." in page.read_text(encoding="utf-8")
        assert server.count(BUILDING) == 1


def test_editors_files_count_in_the_docs_folder(tmp_path: Path) -> None:
    """MkDocs copies `name~` from the docs folder: a postmortems folder inside the docs is
    read whole, and nothing in it is passed by; one beside it passes editors' files by."""
    docs = tmp_path / "docs"
    inside, beside = docs / "postmortems", tmp_path / "postmortems"
    for folder in (inside, beside):
        (folder / ".git").mkdir(parents=True)
        (folder / ".git" / "HEAD").write_text("ref", encoding="utf-8")
        for name in ("a.md", "a.md~", ".a.md.swp"):
            (folder / name).write_text(name, encoding="utf-8")
        os.symlink("elsewhere.md", folder / "b.md~")  # a link: the walk checks it
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    names = ("a.md", "a.md~", ".a.md.swp", ".git/HEAD", "b.md~")

    session = fast_edit.Session()
    session.begin(config, [str(inside)])
    assert session.building is not None
    assert {str(inside / name) for name in names} <= set(session.building.hashes)

    session.begin(config, [str(beside)])
    assert session.building is not None
    hashed = {str(beside / name) for name in names} & set(session.building.hashes)
    assert hashed == {str(beside / "a.md"), str(beside / "b.md~")}


def test_the_snapshot_never_waits_on_a_fifo(tmp_path: Path) -> None:
    """A named pipe in the postmortems folder (the walk reports it) is not opened for its
    bytes: opening one waits for a writer, and serve with it, before its first build."""
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "a.md").write_text("a", encoding="utf-8")
    fifo = folder / "b.md"
    os.mkfifo(fifo)
    found: list[fast_edit.Hashes] = []
    taking = threading.Thread(target=lambda: found.append(fast_edit.snapshot([str(folder)])))
    taking.start()
    taking.join(timeout=30)
    if taking.is_alive():  # let it go: open the pipe's other end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        taking.join(timeout=30)
    assert found, "the snapshot waited on the pipe"
    assert sorted(found[0]) == [str(folder / "a.md"), str(fifo)]
    assert found[0][str(fifo)] == b""


def test_saves_in_a_row_keep_the_first_saves_follow_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that autosaves every second must not put the full rebuild off for good: a
    page made alone while a follow-up is pending leaves that follow-up as it is."""
    monkeypatch.setattr(fast_edit, "FOLLOW_UP_SECONDS", 0.2)
    asked: list[str] = []
    session = fast_edit.Session()
    session._follow_up(lambda: asked.append("first save"))
    first = session._timer
    session._follow_up(lambda: asked.append("second save"))  # before the first's deadline
    assert first is not None and session._timer is first
    first.join(10)
    assert asked == ["first save"]
    session._follow_up(lambda: asked.append("a later save"))  # after it: one of its own
    later = session._timer
    assert later is not None and later is not first
    later.join(10)
    assert asked == ["first save", "a later save"]
    session.stop()


class _Server:
    """What `Session.install` uses of MkDocs' server: its builder."""

    def __init__(self, build: Callable[[], None]) -> None:
        self.builder: Callable[..., None] = build


def test_a_build_that_never_reaches_the_plugin_forgets_the_last_one() -> None:
    """A broken mkdocs.yml fails the rebuild before any plugin runs, and serve's guard cleans
    the site folder: the next edit must not be made alone on the last good build's basis
    (restoring mkdocs.yml byte for byte would otherwise pass for no change)."""
    session = fast_edit.Session()
    basis = object()
    session.edit = lambda renderer: False  # type: ignore[method-assign]
    completes = _Server(lambda: session.complete(None))
    session.last = basis  # type: ignore[assignment]
    session.install(completes, renderer=None, rebuild=lambda: None)  # type: ignore[arg-type]
    completes.builder()
    assert session.last is basis  # a build that completed keeps what it recorded
    fails = _Server(lambda: None)  # the guard swallowed the error
    session.install(fails, renderer=None, rebuild=lambda: None)  # type: ignore[arg-type]
    fails.builder()
    assert session.last is None
