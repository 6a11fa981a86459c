"""The reports' p-values against scipy.stats (a test-only oracle), Holm by hand, and the
printed p-values against the 0.05 rule."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mkdocs_postmortems.analytics import frames, noise, quarters
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import charts

REPO = Path(__file__).resolve().parents[1]
TAXONOMY = REPO / "tests" / "fixtures" / "analytics-kb" / "postmortems" / "taxonomy.yml"
TOL = 1e-9


def _u1(x: Any, y: Any, axis: int) -> Any:
    return stats.mannwhitneyu(x, y, axis=axis).statistic


def _permutation_p(x: list[float], y: list[float]) -> float:
    result = stats.permutation_test(
        (x, y), _u1, permutation_type="independent", alternative="two-sided", n_resamples=np.inf
    )
    return float(result.pvalue)


@pytest.mark.parametrize(
    ("k", "n", "prob"),
    [
        (1, 10, 0.1),
        (9, 10, 0.5),
        (0, 7, 0.3),
        (7, 7, 0.3),
        (30, 70, 0.37),
        (4, 7, 90 / 176),
        (1, 10, 10 / 100),
        (120, 400, 91 / 183),
        (3, 3, 92 / 184),
        (5, 5, 0.5),
    ],
)
def test_binomial_matches_scipy(k: int, n: int, prob: float) -> None:
    assert noise.binomial_p(k, n, prob) == pytest.approx(
        stats.binomtest(k, n, prob).pvalue, rel=TOL, abs=TOL
    )


@given(
    st.integers(0, 60),
    st.integers(0, 60),
    st.integers(1, 92),
    st.integers(1, 92),
)
def test_count_test_matches_scipy_everywhere(n1: int, n2: int, t1: int, t2: int) -> None:
    test = noise.counts(n1, n2, (t1, t2))
    if n1 + n2 == 0:
        assert test.verdict == "not-tested" and test.p is None
        return
    expected = stats.binomtest(n1, n1 + n2, t1 / (t1 + t2)).pvalue
    assert test.p == pytest.approx(expected, rel=TOL, abs=TOL)


def _samples(seed: int, n1: int, n2: int, *, ties: bool) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    if ties:  # durations written in whole quarter hours tie often
        x = [float(v) for v in rng.integers(1, 8, n1) * 15]
        y = [float(v) for v in rng.integers(2, 9, n2) * 15]
    else:
        x = [float(v) for v in rng.lognormal(4.0, 1.0, n1)]
        y = [float(v) for v in rng.lognormal(4.6, 1.0, n2)]
    return x, y


@pytest.mark.parametrize(("n1", "n2"), [(5, 5), (5, 6), (6, 6), (5, 30), (8, 40), (9, 9), (10, 10)])
@pytest.mark.parametrize("seed", range(4))
def test_exact_without_ties_matches_scipy(n1: int, n2: int, seed: int) -> None:
    x, y = _samples(seed, n1, n2, ties=False)
    p, method = noise.mann_whitney(x, y)
    assert method == "exact"
    assert p == pytest.approx(stats.mannwhitneyu(x, y, method="exact").pvalue, rel=TOL, abs=TOL)


@pytest.mark.parametrize(("n1", "n2"), [(5, 5), (5, 7), (6, 6), (7, 8)])
@pytest.mark.parametrize("seed", range(3))
def test_exact_permutation_with_ties_matches_scipy(n1: int, n2: int, seed: int) -> None:
    x, y = _samples(seed, n1, n2, ties=True)
    assert len(set(x + y)) < n1 + n2
    p, method = noise.mann_whitney(x, y)
    assert method == "exact permutation"
    assert p == pytest.approx(_permutation_p(x, y), rel=TOL, abs=TOL)


@pytest.mark.parametrize(("n1", "n2"), [(5, 30), (30, 5)])
def test_exact_permutation_past_the_split_limit_with_a_small_side(n1: int, n2: int) -> None:
    x, y = _samples(3, n1, n2, ties=True)
    assert math.comb(n1 + n2, n1) > noise.EXACT_LIMIT
    p, method = noise.mann_whitney(x, y)
    assert method == "exact permutation"
    expected = stats.permutation_test(
        (x, y),
        _u1,
        permutation_type="independent",
        alternative="two-sided",
        n_resamples=np.inf,
        batch=20_000,
    ).pvalue
    assert p == pytest.approx(expected, rel=TOL, abs=TOL)


@pytest.mark.parametrize(("n1", "n2", "ties"), [(12, 14, False), (30, 25, True), (11, 60, True)])
def test_asymptotic_where_accurate_matches_scipy(n1: int, n2: int, ties: bool) -> None:
    x, y = _samples(7, n1, n2, ties=ties)
    assert math.comb(n1 + n2, n1) > noise.EXACT_LIMIT
    p, method = noise.mann_whitney(x, y)
    assert method == "asymptotic"
    expected = stats.mannwhitneyu(x, y, method="asymptotic").pvalue
    assert p == pytest.approx(expected, rel=TOL, abs=TOL)


def test_the_method_follows_scipys_auto_rule_without_ties() -> None:
    x, y = _samples(1, 8, 40, ties=False)
    assert stats.mannwhitneyu(x, y, method="auto").pvalue == pytest.approx(
        noise.mann_whitney(x, y)[0], rel=TOL
    )


def test_n6_where_the_normal_approximation_claimed_a_change() -> None:
    # The case: six durations a side, in quarter hours (so with ties), where the
    # normal approximation reads p < 0.05 and the exact permutation test does not.
    x = [30.0, 30.0, 60.0, 15.0, 75.0, 60.0]
    y = [60.0, 135.0, 75.0, 105.0, 60.0, 75.0]
    approx = stats.mannwhitneyu(x, y, method="asymptotic").pvalue
    exact = _permutation_p(x, y)
    assert approx < noise.ALPHA <= exact
    test = noise.durations(x, y)
    assert test.method == "exact permutation"
    assert test.p == pytest.approx(exact, rel=TOL)
    assert test.verdict == "within-noise" and "no clear shift" in test.text
    assert "p = 0.0519" in test.text


def test_holm_by_hand() -> None:
    def ran(p: float) -> noise.Test:
        return noise.Test(p, p, "within-noise", "", "exact", "durations")

    tests = {
        "count": ran(0.01),
        "time_to_detect": ran(0.04),
        "time_to_mitigate": ran(0.03),
        "time_to_resolve": noise.not_tested("too few", "durations"),
    }
    adjusted = noise.holm(tests)
    # Three ran: 0.01 * 3 = 0.03; 0.03 * 2 = 0.06; max(0.06, 0.04 * 1) = 0.06.
    assert adjusted["count"].p_adjusted == pytest.approx(0.03)
    assert adjusted["time_to_mitigate"].p_adjusted == pytest.approx(0.06)
    assert adjusted["time_to_detect"].p_adjusted == pytest.approx(0.06)
    assert adjusted["count"].verdict == "unlikely-chance"
    assert adjusted["time_to_mitigate"].verdict == "within-noise"
    assert adjusted["time_to_detect"].p == 0.04  # the raw p is kept
    assert adjusted["time_to_resolve"] == tests["time_to_resolve"]
    assert "adjusted for 3 tests (Holm)" in adjusted["count"].text
    # Capped at 1, and a single test is left as it is.
    assert noise.holm({"a": ran(0.6), "b": ran(0.7)})["a"].p_adjusted == 1.0
    assert noise.holm({"a": ran(0.04)})["a"].p_adjusted == 0.04


_SHOWN = re.compile(r"p (=|<) ([0-9.]+)")


@given(st.floats(min_value=0.0, max_value=1.0, exclude_min=True, allow_nan=False))
def test_printed_p_never_contradicts_the_verdict(p: float) -> None:
    for kind in ("count", "durations"):
        test = noise.holm({"only": noise.Test(p, p, "within-noise", "", "exact", kind)})["only"]
        match = _SHOWN.search(test.text)
        assert match is not None, test.text
        sign, number = match.group(1), float(match.group(2))
        says_below = number < noise.ALPHA or (sign == "<" and number <= noise.ALPHA)
        assert says_below == (test.verdict == "unlikely-chance"), (p, test.text)


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.0496, "p = 0.0496"),
        (0.04999, "p < 0.05"),
        (0.0504, "p = 0.0504"),
        (0.055, "p = 0.06"),
        (0.0549, "p = 0.0549"),
        (0.12, "p = 0.12"),
        (0.0042, "p = 0.004"),
        (0.0004, "p < 0.001"),
        (1.0, "p = 1.00"),
    ],
)
def test_show(p: float, shown: str) -> None:
    assert noise.show(p) == shown


# Reports: exposure, the running quarter, the first quarter --------------------------------


def _write(root: Path, name: str, started: str, resolved_minutes: int) -> None:
    start = dt.datetime.fromisoformat(started)
    end = start + dt.timedelta(minutes=resolved_minutes)
    (root / f"{name}.md").write_text(
        "---\n"
        f"id: PM-{name.upper()}\n"
        f"title: Outage {name}\n"
        "severity: P2\n"
        "status: published\n"
        f"date: {end.date().isoformat()}\n"
        f"started_at: {start.isoformat()}\n"
        f"resolved_at: {end.isoformat()}\n"
        "authors: [ana.silva]\n"
        "services: [ingest]\n"
        "teams: [platform]\n"
        "summary: Something broke.\n"
        f"detected_at: {start.isoformat()}\n"
        f"mitigated_at: {end.isoformat()}\n"
        "contributing_factors: [capacity]\n"
        "---\n\nWhat happened.\n",
        encoding="utf-8",
    )


def _frames(root: Path, as_of: dt.date) -> frames.Frames:
    tax = taxonomy.load(TAXONOMY)
    corpus = load_corpus([root], tax)
    assert corpus.ok, corpus.diagnostics
    return frames.build(corpus.entries, tax, as_of)


def test_running_quarter_ten_days_in(tmp_path: Path) -> None:
    # 9 in 2026-Q1 (from its first day), 1 in the first ten days of 2026-Q2: over equal
    # days "1 vs 9" would be p = 22/1024; over 10 days against 90, 1 is what rates predict.
    for i in range(9):
        _write(
            tmp_path, f"q1-{i}", f"2026-{1 + i // 3:02d}-{1 + 9 * (i % 3):02d}T10:00:00+00:00", 60
        )
    _write(tmp_path, "q2-0", "2026-04-05T10:00:00+00:00", 60)
    kb = _frames(tmp_path, dt.date(2026, 4, 10))
    report = quarters.report(kb, "2026-Q2")
    assert report.days_observed == (10, 90)  # 1 to 10 April; 1 January to 31 March
    assert (report.count, report.previous_count) == (1, 9)
    count = report.tests["count"]
    assert count.p == pytest.approx(stats.binomtest(1, 10, 10 / 100).pvalue, rel=TOL)
    assert count.p == pytest.approx(1.0)
    assert count.verdict == "within-noise"
    # The first quarter has no quarter before it with postmortems: not tested.
    first = quarters.report(kb, "2026-Q1")
    assert first.days_observed[1] == 0
    assert first.tests["count"].verdict == "not-tested" and first.tests["count"].p is None


def test_previous_quarter_clipped_to_the_first_dated_postmortem(tmp_path: Path) -> None:
    # The knowledge base starts on 2026-02-15: 2026-Q1 was observed 45 days (15 February to
    # 31 March), 2026-Q2 the whole 91.
    _write(tmp_path, "a", "2026-02-15T10:00:00+00:00", 30)
    _write(tmp_path, "b", "2026-03-02T10:00:00+00:00", 30)
    for i in range(3):
        _write(tmp_path, f"c{i}", f"2026-05-{10 + i:02d}T10:00:00+00:00", 30)
    kb = _frames(tmp_path, dt.date(2026, 8, 1))
    report = quarters.report(kb, "2026-Q2")
    assert report.days_observed == (91, 45)
    assert report.tests["count"].p == pytest.approx(stats.binomtest(3, 5, 91 / 136).pvalue, rel=TOL)


def test_below_small_n_the_chart_shows_points_without_a_box() -> None:
    few = charts.distributions([("Q", [30.0, 60.0, 90.0, 100.0], "#1f77b4")], xlabel="x")
    enough = charts.distributions([("Q", [30.0, 60.0, 90.0, 100.0, 120.0], "#1f77b4")], xlabel="x")
    assert b"too few" in few and b"too few" not in enough
    # The box is one rectangle more; its whiskers, caps and median are lines more.
    assert few.count(b"<rect ") + 1 == enough.count(b"<rect ")
    assert few.count(b"<line ") < enough.count(b"<line ")
    assert b'stroke-width="2.4"' not in few and b'stroke-width="2.4"' in enough  # the median


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=5, max_size=8),
    st.lists(st.integers(0, 6), min_size=5, max_size=8),
)
def test_small_samples_match_scipy_whatever_their_ties(a: list[int], b: list[int]) -> None:
    x, y = [15.0 * v for v in a], [15.0 * v for v in b]
    p, method = noise.mann_whitney(x, y)
    if method == "exact":
        expected = stats.mannwhitneyu(x, y, method="exact").pvalue
    else:
        assert method == "exact permutation"
        expected = _permutation_p(x, y)
    assert p == pytest.approx(expected, rel=TOL, abs=TOL)
