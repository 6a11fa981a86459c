"""Whether a change between two quarters is more than chance, in plain words.

Two tests anyone can check by hand: for counts, the exact binomial test of how the two
quarters' incidents split (equal rates would split them like coin flips); for durations,
the Mann-Whitney U test with the normal approximation, which compares ranks and so suits
skewed data. Below `summary.SMALL_N` values a side, no verdict is claimed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from mkdocs_postmortems.analytics.summary import SMALL_N

ALPHA = 0.05


@dataclass(frozen=True)
class Verdict:
    p: float | None
    """Two-sided p-value; None when there is too little data to test."""
    real: bool
    """Whether the change is unlikely to be chance (p < ALPHA)."""
    text: str


def counts(current: int, previous: int) -> Verdict:
    """Exact two-sided binomial test of `current` out of `current + previous` at p = 1/2."""
    total = current + previous
    if total == 0:
        return Verdict(None, False, "no postmortems in either quarter")
    chances = [math.comb(total, k) / 2**total for k in range(total + 1)]
    observed = chances[current]
    p = min(1.0, sum(c for c in chances if c <= observed * (1 + 1e-9)))
    return _verdict(p)


def durations(current: Sequence[float], previous: Sequence[float]) -> Verdict:
    """Mann-Whitney U, two-sided, with tie and continuity corrections."""
    n1, n2 = len(current), len(previous)
    if n1 < SMALL_N or n2 < SMALL_N:
        return Verdict(
            None, False, f"too few to tell (n = {n1} and {n2}; at least {SMALL_N} each needed)"
        )
    values = pd.Series([*current, *previous], dtype="float64")
    ranks = values.rank(method="average")
    u1 = float(ranks.iloc[:n1].sum()) - n1 * (n1 + 1) / 2
    total = n1 + n2
    ties = values.value_counts()
    tie_term = float((ties**3 - ties).sum()) / (total * (total - 1))
    sigma = math.sqrt(n1 * n2 / 12 * ((total + 1) - tie_term))
    if sigma == 0:
        return _verdict(1.0)
    z = max(0.0, abs(u1 - n1 * n2 / 2) - 0.5) / sigma
    return _verdict(math.erfc(z / math.sqrt(2)))


def _verdict(p: float) -> Verdict:
    shown = f"p = {p:.2f}" if p >= 0.01 else "p < 0.01"
    if p < ALPHA:
        return Verdict(p, True, f"unlikely to be chance ({shown})")
    return Verdict(p, False, f"within noise: a difference this size is common by chance ({shown})")
