"""The site as data, without MkDocs: URLs, figures, the catalog, exports, and golden pages.

Golden files live in tests/golden/; `UPDATE_GOLDEN=1 pytest tests/test_pages.py` rewrites
them after a deliberate change, and the diff is reviewed like code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
import statistics
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import goldens
from mkdocs_postmortems.analytics import frames, summary
from mkdocs_postmortems.core import metrics, taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.core.schema import ActionItem
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import exports, urls
from mkdocs_postmortems.site.catalog import Catalog

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
AS_OF = dt.date(2026, 11, 24)


def _catalog(fixture_taxonomy: Taxonomy, *names: str, drafts: bool = False) -> Catalog:
    corpus = load_corpus([FIXTURES / "valid" / n for n in names], fixture_taxonomy)
    assert corpus.ok, corpus.diagnostics
    return catalog_module.build(
        corpus.entries, fixture_taxonomy, AS_OF, include_drafts=drafts, root=HERE.parent
    )


@pytest.mark.parametrize(
    ("here", "target", "directory", "expected"),
    [
        ("postmortems/a.md", "services/x.md", True, "../../services/x/"),
        ("postmortems/a.md", "services/x.md", False, "../services/x.html"),
        ("postmortems/index.md", "postmortems/a.md", True, "a/"),
        ("postmortems/index.md", "postmortems/a.md", False, "a.html"),
        ("index.md", "postmortems/index.md", True, "postmortems/"),
        ("index.md", "data/postmortems.json", True, "data/postmortems.json"),
        ("services/x.md", "index.md", True, "../../"),
        ("services/x.md", "index.md", False, "../index.html"),
        ("severity/P1.md", "severity/index.md", True, "../"),
        ("postmortems/a.md", "postmortems/a.md", True, "./"),
    ],
)
def test_relative_links(here: str, target: str, directory: bool, expected: str) -> None:
    assert urls.Urls(directory).rel(here, target) == expected


def test_a_key_named_index_does_not_take_the_index_page() -> None:
    assert urls.term("services", "index") != urls.term_index("services")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (None, "\u2013"),
        (0, "0 min"),
        (45.4, "45 min"),
        (60, "1 h 00 min"),
        (125, "2 h 05 min"),
        (24 * 60, "1 d"),
        (24 * 60 + 61, "1 d 1 h"),
        (-5, "-5 min"),
    ],
)
def test_format_minutes(minutes: float | None, text: str) -> None:
    assert metrics.format_minutes(minutes) == text


@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=50), st.sampled_from([0.5, 0.9]))
def test_percentile_is_linear_interpolation(values: list[float], q: float) -> None:
    # statistics.quantiles' inclusive method is the same linear interpolation as pandas'.
    cuts = statistics.quantiles(values, n=10, method="inclusive")
    expected = cuts[4] if q == 0.5 else cuts[8]
    result = summary.percentile(pd.Series(values, dtype="float64"), q)
    assert result == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_percentile_of_nothing_is_none() -> None:
    empty = summary.distribution(pd.Series([], dtype="float64"))
    assert empty == {"n": 0, "median": None, "p90": None, "mean": None}


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("open", "2026-11-23", 1),
        ("in-progress", "2026-01-01", 327),
        ("open", "2026-11-24", None),  # due on the as-of day is not overdue
        ("done", "2020-01-01", None),
        ("wont-do", "2020-01-01", None),
        ("open", None, None),
    ],
)
def test_days_overdue(status: str, due: str | None, overdue: int | None) -> None:
    item = ActionItem.model_validate(
        {"title": "x", "type": "prevent", "priority": "high", "status": status, "due": due}
    )
    assert metrics.days_overdue(item, AS_OF) == overdue


@pytest.mark.parametrize(
    ("environ", "configured", "expected"),
    [
        ({}, "2026-01-02", dt.date(2026, 1, 2)),
        ({"POSTMORTEMS_AS_OF": "2026-03-04"}, None, dt.date(2026, 3, 4)),
        ({"POSTMORTEMS_AS_OF": "2026-03-04"}, "2026-01-02", dt.date(2026, 1, 2)),
        ({"SOURCE_DATE_EPOCH": "1767225599"}, None, dt.date(2025, 12, 31)),
    ],
)
def test_as_of(environ: dict[str, str], configured: str | None, expected: dt.date) -> None:
    assert metrics.as_of_date(configured, environ) == expected


@pytest.mark.parametrize(
    "environ", [{"POSTMORTEMS_AS_OF": "tomorrow"}, {"SOURCE_DATE_EPOCH": "soon"}]
)
def test_as_of_errors_name_their_source(environ: dict[str, str]) -> None:
    with pytest.raises(metrics.AsOfError, match=next(iter(environ))):
        metrics.as_of_date(None, environ)


def test_drafts_are_left_out_unless_asked(fixture_taxonomy: Taxonomy) -> None:
    names = ("every-field.md", "minimal-draft.md")
    assert len(_catalog(fixture_taxonomy, *names).items) == 1
    assert len(_catalog(fixture_taxonomy, *names, drafts=True).items) == 2


def test_duplicate_stems_are_reported(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    # The corpus rejects two files with one stem (tests/test_discovery.py); the catalog
    # still guards against being handed them, here from two corpora.
    text = (FIXTURES / "valid" / "every-field.md").read_text(encoding="utf-8")
    entries = []
    for year, ident in (("2025", "PM-2025-001"), ("2026", "PM-2026-001")):
        (tmp_path / year).mkdir()
        (tmp_path / year / "same.md").write_text(
            text.replace("id: ", f"id: {ident}\nx-old-id: ", 1).replace("x-old-id: ", "# ")
        )
        corpus = load_corpus([tmp_path / year], fixture_taxonomy)
        assert corpus.ok, corpus.diagnostics
        entries.extend(corpus.entries)
    catalog = catalog_module.build(entries, fixture_taxonomy, AS_OF)
    assert len(catalog.items) == 1
    assert [p.field for p in catalog.problems] == [""]
    assert "already used by" in catalog.problems[0].message


def test_related_reads_a_bounded_number_of_candidates(fixture_taxonomy: Taxonomy) -> None:
    catalog = _catalog(fixture_taxonomy, "every-field.md")
    item = catalog.items[0]
    # A service with many postmortems: only RELATED_SCAN of them are ever looked at.
    crowd = [item] * (catalog_module.RELATED_SCAN * 40)
    for service in item.postmortem.services:
        catalog.by["services"][service] = crowd
    assert catalog.related(item) == []  # itself only, however many times


def test_csv_guards_cells_a_spreadsheet_would_run(fixture_taxonomy: Taxonomy) -> None:
    catalog = _catalog(fixture_taxonomy, "every-field.md")
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(exports.records(catalog)))))
    assert len(rows) == 1
    assert all(not value.startswith(("=", "+", "@")) for value in rows[0].values())
    assert exports._cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert exports._cell(-3) == "-3"


def test_json_and_csv_hold_the_same_records(fixture_taxonomy: Taxonomy) -> None:
    catalog = _catalog(fixture_taxonomy, "every-field.md", "hotfix.md", "offsets.md")
    records = exports.records(catalog)
    data = json.loads(exports.to_json(catalog, records))
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(records))))
    assert [r["id"] for r in data["postmortems"]] == [r["id"] for r in rows]
    for record, row in zip(data["postmortems"], rows, strict=True):
        for name in exports.COMPUTED:
            value = record[name]
            assert row[name] == ("" if value is None else str(value))


def test_golden_pages(fixture_taxonomy: Taxonomy) -> None:
    corpus = load_corpus(
        [FIXTURES / "valid" / n for n in ("every-field.md", "hotfix.md", "offsets.md")],
        fixture_taxonomy,
    )
    catalog = catalog_module.build(corpus.entries, fixture_taxonomy, AS_OF, root=HERE.parent)
    site = site_build.generate(catalog, frames.build(corpus.entries, fixture_taxonomy, AS_OF))
    by_uri = {page.src_uri: page for page in site.pages}
    every = next(p for p in site.pages if p.src_uri.startswith("postmortems/every-field"))
    goldens.check("postmortem-every-field.txt", goldens.dump(every))
    goldens.check("browse.txt", goldens.dump(by_uri[urls.BROWSE]))
    goldens.check(
        "factor-page.txt",
        goldens.dump(
            next(
                p
                for p in site.pages
                if p.src_uri.startswith("factors/") and not p.src_uri.endswith("index.md")
            )
        ),
    )
    goldens.check("postmortems.csv", site.files[exports.CSV_PATH].decode())


def test_default_taxonomy_has_a_colour_per_level() -> None:
    from mkdocs_postmortems.site import colours

    css = colours.severity_css()
    assert css.count(".pm-sev-") == len(colours.SEVERITY)
    assert len(taxonomy.DEFAULT.severities) <= len(colours.SEVERITY)


_SEGMENT = st.sampled_from(["a", "b", "postmortems", "pm-1", "index.html", "x.svg"])
_CLEAN_PATH = st.lists(_SEGMENT, max_size=4).map("/".join)


@given(_CLEAN_PATH, _CLEAN_PATH)
def test_relpath_agrees_with_posixpath(target: str, base: str) -> None:
    assert urls.relpath(target, base) == posixpath.relpath(target or ".", base or ".")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 14, 9, 12), "2026-03-14 09:12 UTC"),
        (dt.datetime(2026, 3, 14, 9, 12, 7, tzinfo=dt.UTC), "2026-03-14 09:12:07 UTC"),
        (
            dt.datetime(2026, 3, 14, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-03-14 09:12 +01:00",
        ),
        (
            dt.datetime(
                2026, 3, 14, 23, 5, 1, 500, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30))
            ),
            "2026-03-14 23:05:01 -05:30",
        ),
    ],
)
def test_a_timestamp_is_shown_as_written_with_its_offset(value: dt.datetime, expected: str) -> None:
    from mkdocs_postmortems.site.templates import when

    assert when(value) == f'<time datetime="{value.isoformat()}">{expected}</time>'
