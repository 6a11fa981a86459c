"""What keeps a big knowledge base quick to build and light to browse changes nothing it
should not: the cached nav, the search view, charts drawn in workers, the capped lists."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mkdocs_postmortems.adapters import background, nav_cache
from mkdocs_postmortems.site import charts
from mkdocs_postmortems.site.figures import LIST_LIMIT

SiteBuilder = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
AS_OF = "2026-11-01"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


synth = _script("synth_corpus")


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base with more postmortems per term and more overdue items than a list
    shows, in a project of its own with an explicit nav of several sections."""
    project = tmp_path_factory.mktemp("big")
    synth.generate(LIST_LIMIT * 3, project / "postmortems", seed=7)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n\nThe knowledge base.\n")
    (project / "docs" / "about.md").write_text("# About\n\nA page of the docs.\n")
    (project / "mkdocs.yml").write_text(
        "site_name: Big\nsite_url: https://big.example.com/\n"
        "theme:\n  name: material\n  font: false\n  features: [navigation.sections]\n"
        "nav:\n  - Home: index.md\n  - About: about.md\n"
        "  - Browse:\n    - postmortems/index.md\n    - services/index.md\n"
        "  - Analytics:\n    - analytics/index.md\n    - analytics/action-items.md\n"
        "  - reports/index.md\n"
        "plugins:\n  - search\n  - postmortems\n"
    )
    return project


@pytest.fixture(scope="module")
def big_site(
    big_kb: Path, build_site: SiteBuilder, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return build_site(big_kb / "mkdocs.yml", tmp_path_factory.mktemp("site"), as_of=AS_OF)


def test_the_cached_nav_is_byte_for_byte_the_nav_material_renders(
    big_kb: Path,
    big_site: Path,
    build_site: SiteBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nav_cache, "install", lambda env, custom_dir: False)
    uncached = build_site(big_kb / "mkdocs.yml", tmp_path / "uncached", as_of=AS_OF)
    assert _files(big_site) == _files(uncached)


def test_a_theme_folder_with_its_own_nav_turns_the_cache_off(tmp_path: Path) -> None:
    from jinja2 import DictLoader, Environment

    custom = tmp_path / "overrides"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "nav.html").write_text("<nav>mine</nav>")
    from jinja2 import FileSystemLoader

    env = Environment(loader=FileSystemLoader([str(custom)]))
    assert nav_cache.install(env, str(custom)) is False
    assert env.get_template("partials/nav.html").render() == "<nav>mine</nav>"
    bare = Environment(loader=DictLoader({"main.html": "x"}))
    assert nav_cache.install(bare, None) is False  # a theme without the partial


def test_nav_cache_keys_pages_by_folder_and_depth() -> None:
    assert nav_cache.key("postmortems/a/") == nav_cache.key("postmortems/b/")
    assert nav_cache.key("postmortems/a/") != nav_cache.key("services/a/")
    assert nav_cache.key("postmortems/a.html") != nav_cache.key("postmortems/a/")


def _index(site: Path) -> list[dict[str, str]]:
    docs: list[dict[str, str]] = json.loads(
        (site / "search" / "search_index.json").read_text(encoding="utf-8")
    )["docs"]
    return docs


def test_search_indexes_a_postmortem_as_text_without_lists_of_other_pages(
    big_kb: Path, big_site: Path
) -> None:
    docs = _index(big_site)
    path = sorted((big_kb / "postmortems").rglob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    stem = path.stem
    page = [d for d in docs if d["location"].startswith(f"postmortems/{stem}/")]
    assert page, f"no search entry for {stem}"
    words = " ".join(d["text"] for d in page)
    # The card and the tables are searchable as text, tags gone.
    ident = re.search(r"^id: (\S+)$", text, re.MULTILINE)
    assert ident is not None and ident.group(1) in words
    owner = re.search(r"^    owner: (\S+)$", text, re.MULTILINE)
    if owner:
        assert owner.group(1) in words
    assert "<table" not in words and "<td" not in words
    # The front matter's sections after the body are one entry, under the first of them
    # (the timeline), not one per heading; the body's headings still divide the rest.
    assert any(d["location"].endswith("#timeline") for d in page)
    assert not any(d["location"].endswith(("#action-items", "#details")) for d in page)
    assert any(d["location"].endswith("#executive-summary") for d in page)
    # The related block and taxonomy descriptions are not this page's words.
    assert not any(d["location"].endswith("#related-postmortems") for d in page)
    assert "Tests did not exercise the failing path" not in words  # a factor's description
    # The page itself still shows everything.
    html = (big_site / "postmortems" / stem / "index.html").read_text(encoding="utf-8")
    assert '<ul class="pm-related">' in html and "<table" in html


def test_term_pages_and_overdue_lists_stop_at_the_limit_and_say_where_the_rest_is(
    big_site: Path,
) -> None:
    stats = json.loads((big_site / "data" / "stats.json").read_text(encoding="utf-8"))
    overdue = len(stats["overdue_action_items"])
    assert overdue > LIST_LIMIT, "the fixture should have more overdue items than a list shows"
    actions = (big_site / "analytics" / "action-items" / "index.html").read_text("utf-8")
    section = actions.split("pm-overdue-items", 1)[1]
    section = section.split("</table>", 1)[0]
    assert section.count("<tr") == LIST_LIMIT + 1  # and the head
    assert f"The {LIST_LIMIT} most overdue of {overdue:,} overdue items" in actions
    assert 'href="../../data/stats.json"' in actions

    records = json.loads((big_site / "data" / "postmortems.json").read_text("utf-8"))
    by_level: dict[str, int] = {}
    for record in records["postmortems"]:
        by_level[record["severity"]] = by_level.get(record["severity"], 0) + 1
    level, count = max(by_level.items(), key=lambda pair: pair[1])
    assert count > LIST_LIMIT
    page = (big_site / "severity" / level / "index.html").read_text("utf-8")
    assert page.count('<li class="pm-summary">') == LIST_LIMIT
    assert f"The latest {LIST_LIMIT} of {count:,}" in page
    assert f'href="../../postmortems/?severity={level}"' in page

    capped = 0
    for path in sorted((big_site / "reports").glob("*/index.html")):
        report = path.read_text("utf-8")
        if "Overdue by then" not in report:
            continue
        rows = report.split("Overdue by then", 1)[1].split("</table>", 1)[0].count("<tr")
        assert rows <= LIST_LIMIT, path
        if "longest overdue of" in report:
            capped += 1
            assert rows == LIST_LIMIT, path
    assert capped, "some report should have more overdue items than a list shows"


def test_strip_plots_sample_evenly_spaced_quantiles_past_the_limit() -> None:
    values = [float(v) for v in range(1000)]
    sample = charts._quantiles(values, charts.MAX_POINTS)
    assert len(sample) == charts.MAX_POINTS
    assert sample[0] == 0.0 and sample[-1] == 999.0  # the ends stay
    assert sample == sorted(sample)
    assert charts._quantiles(values[:50], charts.MAX_POINTS) == values[:50]


def test_charts_drawn_in_workers_are_the_bytes_drawn_here() -> None:
    groups = [("P1", [1.0, 5.0, 30.0, 120.0], "#c92a2a"), ("P2", [2.0, 9.0], "#e67700")]
    charts.clear_cache()
    with charts.deferred() as jobs:
        placeholder = charts.distributions(groups, xlabel="Minutes")
    key = charts.pending_key(placeholder)
    assert key is not None and list(jobs) == [key]
    drawn = background.draw_charts(list(jobs.values()))()
    charts.clear_cache()
    here = charts.distributions(groups, xlabel="Minutes")
    assert drawn[key] == here
    assert charts.pending_key(here) is None


def test_a_failing_worker_is_an_error_with_its_message() -> None:
    job = charts.Job("k", "bars", (["a"], [1.0, 2.0], []), {"xlabel": "x"})
    wait = background.draw_charts([job])
    if background.workers() <= 0:
        pytest.skip("one core: charts are drawn in this process")
    with pytest.raises(background.WorkerError, match="expected 1 values, got 2"):
        wait()


def test_search_view_turns_marked_fragments_into_text_and_authors_cannot_mark() -> None:
    from mkdocs_postmortems.site import sanitize
    from mkdocs_postmortems.site.html import search_view, searched_as_text, unsearched

    page = "<h2 id='a'>Body</h2><p>kept <em>as is</em></p>" + searched_as_text(
        '<h2 id="t">Timeline</h2><table><tr><td>10:00</td><td>paged &amp; woke</td>'
        "</tr></table>" + unsearched("<ul><li>Another page</li></ul>")
    )
    assert search_view(page) == (
        "<h2 id='a'>Body</h2><p>kept <em>as is</em></p>"
        '<p><h2 id="t">Timeline</h2> 10:00 paged &amp; woke</p>'
    )
    # A heading right before a marked fragment goes with it; one further away stays.
    introduced = '<h2 id="x">Impact<a href="#x">¶</a></h2>\n' + searched_as_text("<p>a</p>")
    assert search_view(introduced) == "<p>a</p>"
    apart = '<h2 id="x">Body</h2><p>own words</p>' + searched_as_text("<p>a</p>")
    assert search_view(apart) == '<h2 id="x">Body</h2><p>own words</p><p>a</p>'
    assert search_view('<h2 id="x">Related</h2>' + searched_as_text(unsearched("b"))) == ""
    forged = sanitize.clean("<!--pm-text--><p>x</p><!--/pm-text--><!--nosearch-->")
    assert "<!--" not in forged


FIXTURES = Path(__file__).parent / "fixtures"


def _corpus_folders() -> list[Path]:
    """Valid and invalid files, and duplicate ids, so that every kind of result is shared."""
    return [FIXTURES / "valid", FIXTURES / "invalid", Path(__file__).parents[1] / "postmortems"]


@pytest.mark.parametrize("workers", [1, 3])
def test_a_corpus_read_in_workers_is_the_corpus_read_here(
    monkeypatch: pytest.MonkeyPatch, fixture_taxonomy: Any, workers: int
) -> None:
    from mkdocs_postmortems.core import corpus

    here = corpus.load_corpus(_corpus_folders(), fixture_taxonomy)
    started = []
    start = background.start

    def counted(function: Any, argument: Any) -> Any:
        started.append(len(argument[0]))
        return start(function, argument)

    monkeypatch.setattr(corpus, "PARALLEL_FROM", 2)
    monkeypatch.setattr(background, "workers", lambda: workers)
    monkeypatch.setattr(background, "start", counted)
    shared = corpus.load_corpus(_corpus_folders(), fixture_taxonomy, parallel=True)
    assert len(started) == workers and all(started)
    assert shared.files == here.files > sum(started)
    assert shared.entries == here.entries
    assert shared.diagnostics == here.diagnostics
    assert any("expected a unique id" in d.message for d in here.diagnostics)


def test_a_worker_that_dies_leaves_its_files_to_this_process(
    monkeypatch: pytest.MonkeyPatch, fixture_taxonomy: Any
) -> None:
    from mkdocs_postmortems.core import corpus

    here = corpus.load_corpus(_corpus_folders(), fixture_taxonomy)

    def dead(function: Any, argument: Any) -> Any:
        def wait() -> Any:
            raise background.WorkerError("killed")

        return wait

    monkeypatch.setattr(corpus, "PARALLEL_FROM", 2)
    monkeypatch.setattr(background, "workers", lambda: 1)
    monkeypatch.setattr(background, "start", dead)
    shared = corpus.load_corpus(_corpus_folders(), fixture_taxonomy, parallel=True)
    assert shared.entries == here.entries
    assert shared.diagnostics == here.diagnostics


def test_a_corpus_whose_reading_started_early_is_the_corpus_read_here(
    monkeypatch: pytest.MonkeyPatch, fixture_taxonomy: Any
) -> None:
    """The plugin starts the workers in on_config and reads its share in on_files."""
    from mkdocs_postmortems.core import corpus

    here = corpus.load_corpus(_corpus_folders(), fixture_taxonomy)
    monkeypatch.setattr(corpus, "PARALLEL_FROM", 2)
    monkeypatch.setattr(background, "workers", lambda: 1)
    loading = corpus.start_loading(_corpus_folders(), fixture_taxonomy, parallel=True)
    assert loading.waits and 0 < loading.own < len(loading.named)  # the worker is under way
    shared = loading.finish()
    assert (shared.files, shared.entries, shared.diagnostics) == (
        here.files,
        here.entries,
        here.diagnostics,
    )
