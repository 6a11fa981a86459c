"""The analytics part of the site, made in a worker from its rows and a thin catalog.

The build registers the analytics and report pages from a plan before they are made, and
hands the worker plain rows and a `Glance` at each postmortem instead of the corpus: each
shortcut must give what the full, in-process path gives.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mkdocs_postmortems.adapters import analytics_build, background
from mkdocs_postmortems.analytics import frames, report_data
from mkdocs_postmortems.analytics import rows as analytics_rows
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import charts, site_analytics

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
AS_OF = dt.date(2026, 6, 15)
CORPORA = {
    # Three quarters, overdue and closed items, recurring factors.
    "analytics-kb": (FIXTURES / "analytics-kb" / "postmortems", "taxonomy.yml"),
    # The example knowledge base: drafts, undated postmortems, every template's fields.
    "example": (REPO / "postmortems", "taxonomy.yml"),
    # Every valid fixture, against the fixtures' taxonomy.
    "valid": (FIXTURES / "valid", "../taxonomy.yml"),
}


def _catalog(name: str, *, include_drafts: bool = False) -> tuple[Any, Any, Any]:
    folder, taxonomy_file = CORPORA[name]
    tax = taxonomy.load(folder / taxonomy_file)
    corpus = load_corpus([folder], tax)
    catalog = catalog_module.build(corpus.entries, tax, AS_OF, include_drafts=include_drafts)
    return corpus, tax, catalog


def _made(catalog: Any, table: frames.Frames) -> site_build.Made:
    with charts.deferred():  # placeholders carry the charts' keys: their data, undrawn
        return site_analytics.make(catalog, table)


@pytest.mark.parametrize("include_drafts", [False, True])
@pytest.mark.parametrize("name", list(CORPORA))
def test_the_plan_is_the_pages_made(name: str, include_drafts: bool) -> None:
    corpus, tax, catalog = _catalog(name, include_drafts=include_drafts)
    rows = analytics_rows.rows(corpus.entries, tax, AS_OF)
    made = _made(catalog, frames.from_rows(rows, tax, AS_OF))
    assert site_build.analytics_plan(rows) == [(page.src_uri, page.in_nav) for page in made.pages]
    assert len(made.pages) > 6 or name == "valid"  # reports as well as the analytics pages


def test_the_plan_of_a_corpus_without_dates_has_no_reports(tmp_path: Path) -> None:
    rows = analytics_rows.Rows([], [], [], drafts=2)
    plan = site_build.analytics_plan(rows)
    assert [uri for uri, _ in plan][-1] == "reports/index.md"
    tax = taxonomy.DEFAULT
    catalog = catalog_module.build([], tax, AS_OF)
    made = _made(catalog, frames.from_rows(rows, tax, AS_OF))
    assert plan == [(page.src_uri, page.in_nav) for page in made.pages]


@pytest.mark.parametrize("name", list(CORPORA))
def test_a_thin_catalog_makes_the_same_pages_files_and_figures(name: str) -> None:
    corpus, tax, catalog = _catalog(name)
    table = frames.build(corpus.entries, tax, AS_OF)
    full, thin = _made(catalog, table), _made(site_build.thin(catalog), table)
    assert thin.pages == full.pages
    assert thin.files == full.files
    assert thin.figures == full.figures


def test_the_worker_makes_what_this_process_makes() -> None:
    corpus, tax, catalog = _catalog("analytics-kb")
    job = site_build.AnalyticsJob(
        site_build.thin(catalog), analytics_rows.rows(corpus.entries, tax, AS_OF)
    )
    charts.clear_cache()  # a worker's cache is empty: every chart a job
    here = site_analytics.run(job)
    there = background.start_named(*analytics_build._RUN, job)()
    assert there.pages == here.pages and there.files == here.files
    assert there.figures == here.figures
    assert [j.key for j in there.jobs] == [j.key for j in here.jobs] and here.jobs


def test_the_worker_draws_the_charts_this_process_lacks() -> None:
    """One worker makes the part and then draws its charts, saving a second start-up."""
    job = _job()
    charts.clear_cache()
    here = site_analytics.run(job)
    had = here.jobs[0].key
    parts = background.start_parts(*analytics_build._MAKE_AND_DRAW, (job, frozenset([had])))
    made = parts.next()
    drawn = parts.next()
    parts.close()
    assert made.pages == here.pages and made.files == here.files
    lacking = [j for j in here.jobs if j.key != had]
    assert list(drawn) == [j.key for j in lacking]  # all of them, in order
    try:
        assert drawn == charts.draw(lacking)  # the bytes drawn here
    finally:
        charts.clear_cache()
    with pytest.raises(background.WorkerError):
        parts.next()  # it has given all it had


def test_making_and_drawing_leaves_the_collector_as_it_found_it() -> None:
    """The worker's function turns automatic collection off while it runs; in a process
    that goes on (a test, say) it is back on afterwards."""
    import gc

    job = _job()
    charts.clear_cache()
    try:
        steps = analytics_build.make_and_draw((job, frozenset()))
        made = next(steps)
        assert isinstance(made, site_build.Made) and not gc.isenabled()
        drawn = next(steps)
        assert isinstance(drawn, dict) and set(drawn) == {j.key for j in made.jobs}
        assert next(steps, None) is None and gc.isenabled()
    finally:
        gc.enable()
        charts.clear_cache()


def _job() -> site_build.AnalyticsJob:
    corpus, tax, catalog = _catalog("analytics-kb")
    rows = analytics_rows.rows(corpus.entries, tax, AS_OF)
    return site_build.AnalyticsJob(site_build.thin(catalog), rows)


def test_a_worker_that_dies_leaves_the_analytics_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Dead:
        def next(self) -> Any:
            raise background.WorkerError("Killed")

        def close(self) -> None:
            raise background.WorkerError("Killed")

    monkeypatch.setattr(background, "workers", lambda: 1)
    monkeypatch.setattr(background, "start_parts", lambda *_, **__: Dead())
    monkeypatch.setattr(
        background, "draw_charts", lambda jobs, first=None: lambda: charts.draw(jobs)
    )
    job = _job()
    pending = analytics_build.Pending(job)
    expected = site_analytics.run(job)
    assert pending.made().pages == expected.pages
    data, drawn = pending.data_files(), pending.chart_files()
    reports = {report_data.json_path(quarter) for quarter in job.rows.quarters()}
    assert set(data) == {"data/stats.json", *reports}
    assert set(drawn) == set(pending.chart_paths())
    assert set(data) | set(drawn) == set(expected.files)
    assert drawn and all(svg.startswith(b"<?xml") for svg in drawn.values())


def test_the_worker_has_ended_when_the_charts_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build must not end before its worker does: the kernel would kill the worker as the
    build's process exits, and its CPU time would be nobody's (`scripts/bench_rusage.py`)."""
    monkeypatch.setattr(background, "workers", lambda: 1)
    charts.clear_cache()  # every chart missing, or none: the worker ends either way
    for _ in range(2):  # the second time, every chart is in this process's cache already
        pending = analytics_build.Pending(_job())
        assert pending.made().pages
        pending.data_files()
        pending.chart_files()
        assert background.running() == 0


def test_charts_this_process_has_are_not_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    job = _job()
    charts.clear_cache()  # as a worker's: every chart a job
    made = site_analytics.run(job)
    cached = made.jobs[0]
    charts.remember({cached.key: b"<svg>cached</svg>"})
    asked: list[list[str]] = []

    def draw(jobs: Any, first: Any = None) -> Any:
        asked.append([j.key for j in jobs])
        return lambda: {j.key: b"<svg>drawn</svg>" for j in jobs}

    monkeypatch.setattr(background, "workers", lambda: 0)  # made here, charts by `draw`
    monkeypatch.setattr(background, "draw_charts", draw)
    try:
        pending = analytics_build.Pending(job)
        files = {**pending.data_files(), **pending.chart_files()}
    finally:
        charts.clear_cache()
    assert asked == [[j.key for j in made.jobs[1:]]]
    by_key = {charts.pending_key(v): k for k, v in made.files.items() if charts.pending_key(v)}
    assert files[by_key[cached.key]] == b"<svg>cached</svg>"
    assert {files[by_key[j.key]] for j in made.jobs[1:]} == {b"<svg>drawn</svg>"}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="with one core it is all made here")
def test_the_build_process_imports_neither_pandas_nor_matplotlib(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        f"build(load_config(config_file={str(REPO / 'mkdocs.yml')!r}, "
        f"site_dir={str(tmp_path / 'site')!r}))\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "site" / "analytics" / "severity-by-quarter.svg").is_file()
    assert (tmp_path / "site" / "data" / "stats.json").is_file()
