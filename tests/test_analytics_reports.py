"""Quarterly report figures, noise verdicts and chart caching, checked by hand.

The knowledge base is tests/fixtures/analytics-kb (see test_analytics.py for its table of
quarters and durations); as of 2026-06-15. Factors by quarter (UTC):

    2025-Q4  PM-2025-040 config-change, capacity; PM-2025-044 capacity; PM-2026-001 alerting-gap
    2026-Q1  PM-2025-050 config-change, missing-canary; PM-2026-010 capacity, missing-canary;
             PM-2026-015 config-change, alerting-gap; PM-2026-019 capacity
    2026-Q2  PM-2026-018 alerting-gap; PM-2026-024 capacity, insufficient-testing;
             PM-2026-027 config-change, capacity; PM-2026-031 missing-canary

Closed items with a `closed_on`: 040's alert item (2025-10-28), 044's failover document
(2026-02-10) and 015's config diffs (2026-04-02, due 2026-03-20: open at 2026-Q1's end).
Closed with no date: 044's won't-do, 050's, 019's and 027's done items, 024's won't-do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import goldens
from mkdocs_postmortems.analytics import frames, noise, quarters, stats, text
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import charts, urls

SiteBuilder = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb"
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def kb() -> frames.Frames:
    tax = taxonomy.load(KB / "postmortems" / "taxonomy.yml")
    corpus = load_corpus([KB / "postmortems"], tax)
    assert corpus.ok, corpus.diagnostics
    return frames.build(corpus.entries, tax, AS_OF)


def test_quarter_bounds_and_order() -> None:
    assert quarters.bounds("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quarters.bounds("2025-Q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert quarters.bounds("1628-Q3") == (dt.date(1628, 7, 1), dt.date(1628, 9, 30))
    assert quarters.previous("2026-Q1") == "2025-Q4"
    assert quarters.previous("2026-Q3") == "2026-Q2"


def test_reports_cover_every_quarter_with_postmortems(kb: frames.Frames) -> None:
    assert quarters.quarters(kb) == ["2025-Q4", "2026-Q1", "2026-Q2"]


def test_first_quarter_against_an_empty_one(kb: frames.Frames) -> None:
    report = quarters.report(kb, "2025-Q4")
    assert (report.count, report.previous_count) == (3, 0)
    # 2025-Q3 ended before the first dated postmortem: nothing to compare with.
    assert report.days_observed == (92, 0)
    assert report.count_verdict.p is None and not report.count_verdict.real
    assert report.tests["count"].verdict == "not-tested"
    assert "predates the first dated postmortem" in report.tests["count"].text
    assert report.severities == {"P1": (1, 0), "P2": (2, 0)}
    assert report.newly_recurring == ["capacity"]  # 040 and 044
    assert report.top_factors == [("capacity", 2), ("alerting-gap", 1), ("config-change", 1)]
    # Items of 040 (2), 044 (2), 001 (1): done 2, won't do 1.
    assert (report.items_opened, report.items_done, report.items_wont_do) == (5, 2, 1)
    assert report.closed_in_quarter == 1  # 040's, on 2025-10-28
    assert report.closed_undated == 1  # 044's won't-do
    # Judged on 2025-12-31: 040's open item is due 2026-01-31, 001's on 2026-03-01; 040's
    # done item was due 2025-11-01 but closed on 2025-10-28.
    assert report.overdue_at_end.empty
    assert report.complete


def test_a_complete_quarter_against_the_one_before(kb: frames.Frames) -> None:
    report = quarters.report(kb, "2026-Q1")
    assert (report.count, report.previous_count) == (4, 3)
    # 4 of 7: every outcome k has C(7, k) <= C(7, 4) = 35, so p = 1.
    assert report.count_verdict.p == pytest.approx(1.0)
    assert "within noise" in report.count_verdict.text
    assert report.severities == {"P0": (1, 0), "P1": (2, 1), "P2": (1, 2)}
    assert report.top_factors == [
        ("capacity", 2),
        ("config-change", 2),
        ("missing-canary", 2),
        ("alerting-gap", 1),
    ]
    # Second postmortems: config-change (040 then 050), alerting-gap (001 then 015),
    # missing-canary (050 and 010, both this quarter); capacity recurred already.
    assert report.newly_recurring == ["alerting-gap", "config-change", "missing-canary"]
    assert (report.items_opened, report.items_done, report.items_wont_do) == (7, 3, 0)
    assert report.closed_in_quarter == 1  # 044's, on 2026-02-10 (015's closed in April)
    assert report.closed_undated == 3  # 044's won't-do, 050's and 019's done items
    # Due before 2026-03-31 and open then: 040's (2026-01-31, 59 days) and 001's
    # (2026-03-01, 30 days), open today, and 015's (2026-03-20, 11 days), closed on
    # 2026-04-02; 044's item, due 2026-02-01, was closed on 2026-02-10.
    overdue = report.overdue_at_end
    assert list(overdue["postmortem"]) == ["PM-2025-040", "PM-2026-001", "PM-2026-015"]
    assert list(overdue["days_at_end"]) == [59, 30, 11]
    resolve = report.durations["time_to_resolve"]
    assert resolve.current["median"] == 165.0  # 120 150 | 180 196
    assert resolve.previous["median"] == 120.0  # 90 120 150
    assert resolve.verdict.p is None and "too few to tell" in resolve.verdict.text


def test_the_running_quarter_is_judged_on_as_of(kb: frames.Frames) -> None:
    report = quarters.report(kb, "2026-Q2")
    assert report.judged_on == AS_OF and not report.complete
    assert report.newly_recurring == []
    assert (report.items_opened, report.items_done, report.items_wont_do) == (7, 1, 1)
    assert report.closed_in_quarter == 1  # 015's, on 2026-04-02
    assert report.closed_undated == 5
    # Due before 2026-06-15: 040 (135), 001 (106), 010 (46), 018 twice and 024 (45),
    # 019 (1); 050's item is due on the day itself and is not overdue.
    overdue = report.overdue_at_end
    assert list(overdue["days_at_end"]) == [135, 106, 46, 45, 45, 45, 1]
    assert "PM-2025-050" not in set(overdue["postmortem"])


def test_counts_verdict_by_hand() -> None:
    # 9 against 1 over equal days: P(9) = P(1) = 10/1024, P(10) = P(0) = 1/1024; p = 22/1024.
    verdict = noise.counts(9, 1, (90, 90))
    assert verdict.p == pytest.approx(22 / 1024)
    assert verdict.real and "unlikely to be chance" in verdict.text
    assert noise.counts(0, 0).p is None


def test_durations_verdict_by_hand() -> None:
    # Ranks 1..5 against 6..10, no ties: U = 0, the one most extreme of C(10, 5) = 252
    # arrangements each way, so the exact p = 2/252 (the normal approximation gave 0.0122).
    verdict = noise.durations([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    assert verdict.p == pytest.approx(2 / 252) and verdict.method == "exact"
    assert verdict.real and "durations shifted" in verdict.text
    same = noise.durations([5.0] * 6, [5.0] * 5)
    assert same.p == 1.0 and not same.real and "no clear shift" in same.text
    assert noise.durations([1, 2, 3, 4], [1, 2, 3, 4, 5]).p is None


def test_the_report_adjusts_its_tests_together(kb: frames.Frames) -> None:
    report = quarters.report(kb, "2026-Q2")
    ran = {name: t for name, t in report.tests.items() if t.p is not None}
    assert set(report.tests) == {"count", "time_to_detect", "time_to_mitigate", "time_to_resolve"}
    assert report.count_verdict is report.tests["count"]
    for name, change in report.durations.items():
        assert change.verdict is report.tests[name]
    for test in ran.values():
        assert test.p is not None and test.p_adjusted is not None
        assert test.p_adjusted >= test.p
        if len(ran) > 1:
            assert f"adjusted for {len(ran)} tests (Holm)" in test.text


def _build(build_site: SiteBuilder, root: Path, out: str) -> Path:
    return build_site(root / "mkdocs.yml", root / out, as_of=AS_OF.isoformat())


def test_charts_are_redrawn_only_when_their_data_changes(
    build_site: SiteBuilder, tmp_path: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    first = _build(build_site, root, "one")
    drawn = charts.draw_count()
    second = _build(build_site, root, "two")  # as a `mkdocs serve` rebuild does
    assert charts.draw_count() == drawn, "an unchanged corpus drew charts again"
    svgs = sorted(p.relative_to(first) for p in first.rglob("*.svg"))
    assert svgs and svgs == sorted(p.relative_to(second) for p in second.rglob("*.svg"))
    for path in svgs:
        assert (first / path).read_bytes() == (second / path).read_bytes()

    source = root / "postmortems" / "2026" / "2026-05-12-edge-config-push.md"
    text = source.read_text(encoding="utf-8")
    assert "resolved_at: 2026-05-12T09:40:00-07:00" in text
    source.write_text(text.replace("T09:40:00-07:00", "T16:40:00-07:00", 1), encoding="utf-8")
    third = _build(build_site, root, "three")
    assert charts.draw_count() > drawn
    changed = "analytics/time-to-resolve-by-quarter.svg"
    assert (third / changed).read_bytes() != (first / changed).read_bytes()
    unchanged = "analytics/factor-frequency.svg"
    assert (third / unchanged).read_bytes() == (first / unchanged).read_bytes()


def test_golden_analytics_and_report_pages(kb: frames.Frames) -> None:
    """The pages as text, to review in a diff: tests/golden/analytics-*.txt, report-*.txt."""
    corpus = load_corpus([KB / "postmortems"], kb.taxonomy)
    catalog = catalog_module.build(corpus.entries, kb.taxonomy, AS_OF, root=KB)
    site = site_build.generate(catalog, kb)
    by_uri = {page.src_uri: page for page in site.pages}
    goldens.check("analytics-index.txt", goldens.dump(by_uri[urls.ANALYTICS]))
    for name, src_uri in urls.ANALYTICS_PAGES.items():
        goldens.check(f"analytics-{name}.txt", goldens.dump(by_uri[src_uri]))
    goldens.check("reports-index.txt", goldens.dump(by_uri[urls.REPORTS]))
    goldens.check("report-2026-Q1.txt", goldens.dump(by_uri[urls.report("2026-Q1")]))
    goldens.check("stats.json", site.files[stats.JSON_PATH].decode())
    goldens.check("stats.txt", text.summary(site.figures))


def test_the_first_quarters_page_says_why_it_has_no_verdict(kb: frames.Frames) -> None:
    corpus = load_corpus([KB / "postmortems"], kb.taxonomy)
    catalog = catalog_module.build(corpus.entries, kb.taxonomy, AS_OF, root=KB)
    site = site_build.generate(catalog, kb)
    page = {page.src_uri: page for page in site.pages}[urls.report("2025-Q4")]
    html = "".join(page.slots.values())
    assert "Is that a change? Not tested: 2025-Q3 predates the first dated postmortem." in html
    assert "No change was tested" in html  # and no p-value, adjusted or not


def test_the_running_quarters_page_compares_its_days_not_a_bare_count(
    kb: frames.Frames,
) -> None:
    corpus = load_corpus([KB / "postmortems"], kb.taxonomy)
    catalog = catalog_module.build(corpus.entries, kb.taxonomy, AS_OF, root=KB)
    site = site_build.generate(catalog, kb)
    page = {page.src_uri: page for page in site.pages}[urls.report("2026-Q2")]
    html = "".join(page.slots.values())
    # 1 April to 15 June: 76 of the quarter's 91 days.
    assert "postmortems</strong>, in its first 76 of 91 days, against " in html
    assert " in the whole of 2026-Q1. Is that a change?" in html
    assert "up from" not in html and "down from" not in html


RunCli = Callable[..., subprocess.CompletedProcess[str]]


def test_stats_refuses_bad_input_without_a_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    bad_day = run_cli("stats", KB / "postmortems", "--as-of", "2026-13-01")
    assert bad_day.returncode == 1
    assert bad_day.stderr == (
        "postmortems stats: --as-of: expected a date YYYY-MM-DD, got '2026-13-01'\n"
    )
    assert bad_day.stdout == ""
    missing = run_cli("stats", tmp_path / "nowhere")
    assert missing.returncode == 1
    assert "nowhere: expected a folder of postmortems" in missing.stderr
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "taxonomy.yml").write_text("severities: {}\n", encoding="utf-8")
    broken = run_cli("stats", tmp_path / "kb", "--json")
    assert broken.returncode == 1
    assert re.search(r"taxonomy\.yml:1:\d+: severities: ", broken.stderr), broken.stderr
    assert broken.stdout == ""


def test_an_empty_knowledge_base_gets_empty_analytics(
    build_site: SiteBuilder, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Empty\ntheme: {name: material, font: false}\nplugins: [search, postmortems]\n",
        encoding="utf-8",
    )
    out = build_site(tmp_path / "mkdocs.yml", tmp_path / "out", as_of=AS_OF.isoformat())
    figures = json.loads((out / "data" / "stats.json").read_text(encoding="utf-8"))
    assert figures["count"] == 0 and figures["quarters"] == {}
    assert figures["time_to_resolve_minutes"] == {
        "n": 0,
        "median": None,
        "p90": None,
        "mean": None,
    }
    for page in ("analytics", "analytics/durations", "analytics/factors", "reports"):
        assert (out / page / "index.html").is_file(), page
    assert "No postmortems yet" in (out / "reports" / "index.html").read_text(encoding="utf-8")


def test_a_postmortem_without_a_start_counts_but_in_no_quarter(
    build_site: SiteBuilder, tmp_path: Path, run_cli: RunCli
) -> None:
    """Corpora such as icco relax `started_at`: such a postmortem has no quarter and no
    durations, yet counts, and its overdue items are listed."""
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    taxonomy_file = root / "postmortems" / "taxonomy.yml"
    text = taxonomy_file.read_text(encoding="utf-8")
    relaxed = text.replace(", started_at, detected_at]", "]").replace("[resolved_at, ", "[")
    assert relaxed.count("started_at") == 0 and "resolved_at" not in relaxed
    taxonomy_file.write_text(relaxed, encoding="utf-8")
    (root / "postmortems" / "2026" / "2026-05-30-undated.md").write_text(
        "---\nid: PM-2026-040\ntitle: A near miss written from memory\nseverity: P3\n"
        "status: published\ndate: 2026-05-30\nauthors: [li.wei]\nservices: [edge]\n"
        "teams: [edge]\nsummary: Nobody wrote down when it started.\n"
        "contributing_factors: [alerting-gap]\n"
        "action_items:\n  - title: Write the start time down next time\n    type: process\n"
        "    owner: li.wei\n    due: 2026-06-01\n    priority: low\n    status: open\n"
        "---\n\nBody.\n",
        encoding="utf-8",
    )
    result = run_cli("stats", root / "postmortems", "--as-of", AS_OF.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["count"], figures["undated"]) == (12, 1)
    assert sum(q["count"] for q in figures["quarters"].values()) == 11
    assert figures["time_to_resolve_minutes"]["n"] == 11
    assert ("PM-2026-040", 14) in {
        (o["postmortem"], o["days_overdue"]) for o in figures["overdue_action_items"]
    }
    out = build_site(root / "mkdocs.yml", tmp_path / "out", as_of=AS_OF.isoformat())
    assert (out / "data" / "stats.json").read_text(encoding="utf-8") == result.stdout
    report = (out / "reports" / "2026-Q2" / "index.html").read_text(encoding="utf-8")
    assert "PM-2026-040" not in report
