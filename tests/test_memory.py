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

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import postmortem
from mkdocs_postmortems.site.catalog import Published
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
