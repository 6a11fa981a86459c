"""The site's lists (browse, term, owner and tag pages, feeds, calendars, exports), made in
a forked worker while MkDocs reads the postmortem pages.

The build registers their pages from a plan before they are made, and the worker writes
the feeds, calendars and exports itself: the plan must be the pages made, and the worker
must give what this process gives.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from mkdocs_postmortems.adapters import background, lists_build
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site.feeds import About
from test_analytics_build import AS_OF, FIXTURES
from test_analytics_build import CORPORA as ANALYTICS_CORPORA

CORPORA = {
    **ANALYTICS_CORPORA,  # the example's drafts, owners and tags among them
    # Owners and terms whose names collide once made into file names, markup in every label.
    "hostile": (FIXTURES / "kb-hostile" / "postmortems", "taxonomy.yml"),
}
ABOUT = About("Knowledge base", "https://kb.example/")
LINUX = sys.platform.startswith("linux")


def _catalog(name: str, *, include_drafts: bool = False) -> Any:
    folder, taxonomy_file = CORPORA[name]
    tax = taxonomy.load(folder / taxonomy_file)
    corpus = load_corpus([folder], tax, as_of=AS_OF)
    return catalog_module.build(corpus.entries, tax, AS_OF, include_drafts=include_drafts)


@pytest.mark.parametrize("include_drafts", [False, True])
@pytest.mark.parametrize("name", list(CORPORA))
def test_the_plan_is_the_pages_made(name: str, include_drafts: bool) -> None:
    catalog = _catalog(name, include_drafts=include_drafts)
    made = site_build.lists(catalog, postmortem_pages=False)
    plan = site_build.lists_plan(catalog)
    assert len(plan) == len(set(plan))
    assert sorted(plan) == sorted((page.src_uri, page.in_nav) for page in made.pages)


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
@pytest.mark.parametrize("name", ["example", "hostile"])
def test_the_worker_makes_and_writes_what_this_process_does(name: str, tmp_path: Path) -> None:
    catalog = _catalog(name)
    here = lists_build.make((catalog, ABOUT, str(tmp_path / "here")))
    assert background.forks()
    there = background.start(lists_build.make, (catalog, ABOUT, str(tmp_path / "there")))()
    assert there.pages == here.pages and there.pages
    assert there.files == here.files
    assert there.head_links == here.head_links
    assert there.written == here.written and "data/postmortems.json" in here.written
    for path in here.written:
        assert (tmp_path / "there" / path).read_bytes() == (tmp_path / "here" / path).read_bytes()


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
def test_a_build_forks_the_lists_and_takes_them_when_waited_for(tmp_path: Path) -> None:
    catalog = _catalog("example")
    pending = lists_build.Pending(catalog, ABOUT, str(tmp_path))
    assert pending._wait is not None, "made in a worker where workers fork"
    made = pending.made()
    assert pending.made() is made
    assert sorted(pending.plan) == sorted((page.src_uri, page.in_nav) for page in made.pages)
    assert background.running() == 0


def test_where_workers_do_not_fork_the_lists_are_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "forks", lambda: False)
    monkeypatch.setattr(background, "start", _no_worker)
    catalog = _catalog("example")
    pending = lists_build.Pending(catalog, ABOUT, str(tmp_path))
    assert pending._wait is None
    assert (tmp_path / "data" / "postmortems.json").is_file()  # written before it returns
    assert pending.made().pages


def test_a_worker_that_dies_leaves_the_lists_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dead(*_: object, **__: object) -> Any:
        def wait() -> None:
            raise background.WorkerError("Killed")

        return wait

    monkeypatch.setattr(background, "workers", lambda: 1)
    monkeypatch.setattr(background, "forks", lambda: True)
    monkeypatch.setattr(background, "start", dead)
    catalog = _catalog("example")
    made = lists_build.Pending(catalog, ABOUT, str(tmp_path)).made()
    expected = lists_build.make((catalog, ABOUT, str(tmp_path / "again")))
    assert made.pages == expected.pages
    assert (tmp_path / "data" / "postmortems.json").read_bytes() == (
        tmp_path / "again" / "data" / "postmortems.json"
    ).read_bytes()


def _no_worker(*_: object, **__: object) -> Any:
    raise AssertionError("no worker is started where workers do not fork")
