"""The corpus goes before the pages are rendered: nothing a page made keeps it alive.

At 10,000 postmortems the corpus is a few hundred MiB, and the build's peak comes at its end,
when search writes its index; what outlives the catalog (per-process caches of links and
templates) must hold strings and places, never the postmortems themselves.
"""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from mkdocs_postmortems.adapters.plugin import PostmortemsPlugin
from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import postmortem
from mkdocs_postmortems.site.catalog import Published
from test_build import _project
from test_scale import synth

AS_OF = dt.date(2026, 11, 1)


def test_pages_made_keep_neither_the_catalog_nor_its_postmortems(tmp_path: Path) -> None:
    synth.generate(120, tmp_path)
    taxonomy = taxonomy_module.load(tmp_path / synth.TAXONOMY_FILENAME)
    corpus = load_corpus([tmp_path], taxonomy, as_of=AS_OF)
    catalog = catalog_module.build(corpus.entries, taxonomy, AS_OF)
    pages = [postmortem.page(catalog, item) for item in catalog.items]
    recurrence = [html for page in pages for _, html in page.after if "pm-recurrence" in html]
    assert recurrence, "no recurrence block: the test would prove little"
    held = weakref.ref(catalog)
    del catalog, corpus, pages
    gc.collect()
    assert held() is None
    mine = str(tmp_path)  # other tests' fixtures may hold their own catalogs
    kept = [
        thing
        for thing in gc.get_objects()
        if isinstance(thing, Published) and thing.entry.path.startswith(mine)
    ]
    assert not kept


class _Spy(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Sees the pages between their conversion and their rendering, as other plugins do."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[str, str | None] = {}
        self.data_files: list[str] = []

    @event_priority(-200)
    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        self.waiting = {f.src_uri: f.page.content for f in files.documentation_pages() if f.page}
        self.data_files = [f.src_uri for f in files if f.src_uri.startswith("data/postmortems.")]
        return env


def test_pages_wait_as_utf8_and_exports_are_not_held(tmp_path: Path) -> None:
    """A page of ours waits for its rendering as UTF-8 in the plugin, not as MkDocs' string;
    the exports are written when made, not held in MkDocs' files to the build's end. The
    site is the same: the golden and byte-identity tests hold the pages, this the memory."""
    project = _project(tmp_path)
    (project / "docs" / "index.md").write_text("# KB\n\nÜber ☑ the home page.\n", "utf-8")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    spy = _Spy()
    config.plugins["spy"] = spy
    plugin = config.plugins["postmortems"]
    assert isinstance(plugin, PostmortemsPlugin)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)

    postmortems = [uri for uri in spy.waiting if uri.startswith("postmortems/")]
    assert len(postmortems) >= 5
    assert all(spy.waiting[uri] == "" for uri in postmortems)  # held by the plugin instead
    assert "Über ☑" in (spy.waiting["index.md"] or "")  # an author's page is not touched
    assert not plugin.held  # every page was given back and rendered
    assert not spy.data_files
    for name in ("postmortems.json", "postmortems.csv"):
        assert (tmp_path / "site" / "data" / name).stat().st_size > 1000
    page = (tmp_path / "site" / postmortems[0].removesuffix(".md") / "index.html").read_text()
    assert page.count('class="pm-') > 10  # its sections, given back in time


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_freezing_what_the_pages_hold_frees_young_garbage_first() -> None:
    """While the pages are read the plugin freezes what lives (`_freeze_what_lives`), out of
    the collector's full scans; garbage in a cycle made just before is freed, not frozen."""
    from mkdocs_postmortems.adapters import plugin

    kept = _Node()
    garbage, partner = _Node(), _Node()
    garbage.other, partner.other = partner, garbage  # a cycle: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage, partner
    before = gc.get_freeze_count()
    try:
        plugin._freeze_what_lives()
        assert gone() is None
        assert gc.get_freeze_count() > before and gc.is_tracked(kept)
    finally:
        gc.unfreeze()


def test_a_build_unfreezes_what_it_froze_and_its_shutdown_freezes_all(tmp_path: Path) -> None:
    """After a build (`on_post_build`) the collector sees everything again: a host that goes
    on frees the build's cycles. The invocation's last event (`on_shutdown`, right before
    MkDocs' process exits) freezes all, so that the exit's collection walks nothing."""
    project = _project(tmp_path)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    gc.unfreeze()
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
        assert gc.get_freeze_count() == 0
        kept = _Node()
        config.plugins.on_shutdown()
        assert gc.get_freeze_count() > 0 and gc.is_tracked(kept)
        assert kept not in gc.get_objects(generation=2)  # frozen, not among the collected
    finally:
        gc.unfreeze()
