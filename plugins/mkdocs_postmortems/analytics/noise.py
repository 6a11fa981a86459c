"""Whether a change between two quarters is more than chance, in plain words.

Counts: the conditional exact binomial test. Given the two quarters' n1 + n2 incidents,
equal daily rates would split them as n1 ~ Binomial(n1 + n2, t1 / (t1 + t2)), with t the
days each quarter was observed; so a running quarter ten days in is not judged as if it
were over. Durations: the Mann-Whitney U test, which compares ranks and so suits skewed
data; exact at small n (ties included), the normal approximation only where it is
accurate. The tests of one report are adjusted together (Holm), and every p-value
prints so that its number never contradicts the verdict. Each p-value is what
`scipy.stats` gives (tests/test_noise.py checks it); scipy is not needed to build a site.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mkdocs_postmortems.analytics.summary import SMALL_N

ALPHA = 0.05

VerdictName = Literal["within-noise", "unlikely-chance", "not-tested"]

EXACT_LIMIT = 200_000
"""With ties, the exact permutation distribution is used up to this many arrangements
C(n1 + n2, n1) (a few thousand steps of counting); past it, the tie-corrected normal
approximation, which is accurate by then (both samples larger than 8)."""

EXACT_STEPS = 150_000
"""With ties and a small side (5 against 60, say), the exact permutation distribution is
still cheap to count past EXACT_LIMIT arrangements: it is used while about
small * (n1 + n2) * (its rank sums) steps stay below this (a few hundredths of a second)."""

SMALL_EXACT = 8
"""Without ties, the exact U distribution is used when either sample has at most this many
values (scipy's `method='auto'` rule), or when the arrangements are few (EXACT_LIMIT)."""

BINOM_RTOL = 1 + 1e-7
"""scipy.stats.binomtest's tolerance: outcomes as likely as the observed one, within it,
count as as extreme."""


@dataclass(frozen=True)
class Test:
    """One test of a report: the p-value, the Holm-adjusted one, the verdict and its text."""

    p: float | None
    """Two-sided p-value; None when not tested."""
    p_adjusted: float | None
    """Holm-adjusted over the report's tests; the verdict reads this one."""
    verdict: VerdictName
    text: str
    method: str = ""
    """How p was computed: `exact binomial`, `exact`, `exact permutation`, `asymptotic`."""
    kind: Literal["count", "durations"] = "count"
    """What was tested: the wording of the text depends on it."""

    @property
    def real(self) -> bool:
        """Whether the change is unlikely to be chance (adjusted p < ALPHA)."""
        return self.verdict == "unlikely-chance"


Verdict = Test
"""The former name, kept for callers not yet moved to `Test`."""


def not_tested(reason: str, kind: Literal["count", "durations"] = "count") -> Test:
    return Test(None, None, "not-tested", reason, "", kind)


# Counts -------------------------------------------------------------------------------


def binomial_p(k: int, n: int, prob: float) -> float:
    """Two-sided exact binomial p as scipy.stats.binomtest computes it: the probability of
    every outcome no more likely than k (within scipy's relative tolerance)."""
    if not 0 < prob < 1:
        return 1.0 if k == round(prob * n) else 0.0
    if k == prob * n:
        return 1.0
    log_p, log_q = math.log(prob), math.log1p(-prob)
    base = math.lgamma(n + 1)

    def pmf(i: int) -> float:
        return math.exp(
            base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        )

    observed = pmf(k) * BINOM_RTOL
    return min(1.0, math.fsum(c for c in map(pmf, range(n + 1)) if c <= observed))


def counts(current: int, previous: int, days: tuple[int, int] = (1, 1)) -> Test:
    """Exact conditional binomial test of `current` out of `current + previous`, the two
    observed for `days` (current, previous) days."""
    total = current + previous
    if total == 0:
        return not_tested("not tested: no postmortems in either quarter")
    t1, t2 = days
    if t1 <= 0 or t2 <= 0:
        return not_tested("not tested: a quarter with no days observed")
    p = binomial_p(current, total, t1 / (t1 + t2))
    return _decide(p, "exact binomial", "count")


# Durations ----------------------------------------------------------------------------


def _doubled_ranks(values: Sequence[float]) -> list[int]:
    """Twice the mid-ranks (1-based) of `values`, in their order: integers even with ties."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + 1) + (end + 1)
        start = end + 1
    return ranks


def _u_counts_no_ties(n1: int, n2: int) -> list[int]:
    """Arrangements giving each U = 0 .. n1 * n2 without ties: the coefficients of the
    Gaussian binomial [n1 + n2 choose n1] in q, built one factor at a time."""
    small, large = min(n1, n2), max(n1, n2)
    poly = [1]
    for i in range(1, small + 1):
        # multiply by (1 - q^(large + i)), then divide by (1 - q^i): exact in integers
        grown = poly + [0] * (large + i)
        for j in range(len(grown) - 1, large + i - 1, -1):
            grown[j] -= grown[j - large - i]
        for j in range(i, len(grown)):
            grown[j] += grown[j - i]
        poly = grown[: small * large + 1] if i == small else grown[: i * large + 1]
    return poly


def _sum_counts(ranks: Sequence[int], n1: int) -> dict[int, int]:
    """Subsets of n1 of `ranks` by their sum: the permutation distribution of the first
    sample's (doubled) rank sum, ties and all."""
    ways: list[dict[int, int]] = [{0: 1}] + [{} for _ in range(n1)]
    for rank in ranks:
        for k in range(min(n1, len(ranks)), 0, -1):
            below, here = ways[k - 1], ways[k]
            for total, count in below.items():
                here[total + rank] = here.get(total + rank, 0) + count
    return ways[n1]


def mann_whitney(current: Sequence[float], previous: Sequence[float]) -> tuple[float, str]:
    """Two-sided Mann-Whitney p and its method. `exact` as scipy's `method='exact'`,
    `exact permutation` as scipy.stats.permutation_test of U over every split, `asymptotic`
    as scipy's `method='asymptotic'` (tie and continuity corrections)."""
    n1, n2 = len(current), len(previous)
    values = [*current, *previous]
    ranks = _doubled_ranks(values)
    ties = len(set(values)) < len(values)
    doubled_u1 = sum(ranks[:n1]) - n1 * (n1 + 1)
    arrangements = math.comb(n1 + n2, n1)
    if not ties and (min(n1, n2) <= SMALL_EXACT or arrangements <= EXACT_LIMIT):
        u = max(doubled_u1 // 2, n1 * n2 - doubled_u1 // 2)
        table = _u_counts_no_ties(n1, n2)
        return min(1.0, 2 * sum(table[u:]) / arrangements), "exact"
    small = min(n1, n2)
    if ties and (arrangements <= EXACT_LIMIT or small * small * (n1 + n2) ** 2 <= EXACT_STEPS):
        # The smaller sample's rank sum: fewer subsets to count, the same two-sided p.
        own = ranks[:n1] if small == n1 else ranks[n1:]
        by_sum = _sum_counts(ranks, small)
        observed = sum(own)
        low = sum(c for s, c in by_sum.items() if s <= observed)
        high = sum(c for s, c in by_sum.items() if s >= observed)
        return min(1.0, 2 * min(low, high) / arrangements), "exact permutation"
    total = n1 + n2
    groups: dict[float, int] = {}
    for value in values:
        groups[value] = groups.get(value, 0) + 1
    tie_term = sum(t**3 - t for t in groups.values()) / (total * (total - 1))
    sigma = math.sqrt(n1 * n2 / 12 * ((total + 1) - tie_term))
    if sigma == 0:
        return 1.0, "asymptotic"
    larger = max(doubled_u1, 2 * n1 * n2 - doubled_u1) / 2
    z = (larger - n1 * n2 / 2 - 0.5) / sigma
    return min(1.0, math.erfc(z / math.sqrt(2))), "asymptotic"


def durations(current: Sequence[float], previous: Sequence[float]) -> Test:
    """Mann-Whitney U, two-sided; not tested below `SMALL_N` values a side."""
    n1, n2 = len(current), len(previous)
    if n1 < SMALL_N or n2 < SMALL_N:
        return not_tested(
            f"too few to tell (n = {n1} and {n2}; at least {SMALL_N} each needed)", "durations"
        )
    p, method = mann_whitney(current, previous)
    return _decide(p, method, "durations")


# Adjustment and wording ---------------------------------------------------------------


def holm(tests: Mapping[str, Test]) -> dict[str, Test]:
    """The tests with Holm's step-down adjustment over those that ran, verdicts and texts
    read from the adjusted p-values; tests not run are left as they are."""
    ran = sorted((t.p, name) for name, t in tests.items() if t.p is not None)
    m = len(ran)
    result = dict(tests)
    running = 0.0
    for rank, (p, name) in enumerate(ran):
        running = max(running, min(1.0, (m - rank) * p))
        test = tests[name]
        result[name] = _decide(p, test.method, test.kind, running, m)
    return result


def show(p: float) -> str:
    """`p = 0.12`, `p = 0.0496`, `p < 0.05`, `p < 0.001`: never a number on the wrong side
    of ALPHA, and enough digits near it to tell which side."""
    if p < 0.001:
        return "p < 0.001"
    digits = 4 if 0.045 <= p < 0.055 else 3 if p < 0.01 else 2
    shown = f"{p:.{digits}f}"
    if p < ALPHA <= float(shown):
        return f"p < {ALPHA}"
    return f"p = {shown}"


WORDS = {
    ("count", True): "unlikely to be chance",
    ("count", False): "within noise: a difference this size is common by chance",
    ("durations", True): "durations shifted: unlikely to be chance",
    ("durations", False): "no clear shift in durations: within noise",
}


def _decide(
    p: float,
    method: str,
    kind: Literal["count", "durations"],
    adjusted: float | None = None,
    tests: int = 1,
) -> Test:
    judged = p if adjusted is None else adjusted
    real = judged < ALPHA
    note = f", adjusted for {tests} tests (Holm)" if tests > 1 else ""
    return Test(
        p,
        judged,
        "unlikely-chance" if real else "within-noise",
        f"{WORDS[kind, real]} ({show(judged)}{note})",
        method,
        kind,
    )


def adjustment_note(tests: Mapping[str, Test], labels: Mapping[str, str]) -> str:
    """What the report's p-values were adjusted for, in a sentence: `labels` names each
    test (`count` -> `the count of postmortems`)."""
    ran = [labels.get(name, name) for name, test in tests.items() if test.p is not None]
    if not ran:
        return "No change was tested: too few postmortems on one side or the other."
    if len(ran) == 1:
        return f"One test ran ({ran[0]}): its p-value needs no adjustment."
    listed = ", ".join(ran[:-1]) + f" and {ran[-1]}"
    return (
        f"p-values adjusted for {len(ran)} tests (Holm): {listed}. A change is called "
        f"unlikely to be chance when its adjusted p is below {ALPHA}."
    )
