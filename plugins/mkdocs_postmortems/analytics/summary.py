"""Durations as distributions: n, median, p90 and the mean, never a bare mean.

Incident durations are heavily skewed (most are short, a few last days), so the median
and p90 describe them; the mean is kept only to sit beside the median.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, SupportsFloat, TypedDict

if TYPE_CHECKING:  # the site's lists import SMALL_N; only its analytics need pandas
    import pandas as pd

DECIMALS = 1
"""Minutes to one decimal: six seconds, finer than any incident timeline is written."""


class Distribution(TypedDict):
    n: int
    median: float | None
    p90: float | None
    mean: float | None


def percentile(known: pd.Series, q: float) -> float:
    """Linear-interpolated percentile of values without gaps: DESIGN.md's definition.
    numpy's, which pandas' `quantile` calls too, at a tenth of the cost for small series."""
    import numpy as np

    return float(np.quantile(known.to_numpy(dtype=float), q, method="linear"))


def distribution(values: pd.Series) -> Distribution:
    """n, median, p90 (linear interpolation, pandas' default) and mean of the known values."""
    known = values.dropna()
    if known.empty:
        return {"n": 0, "median": None, "p90": None, "mean": None}
    return {
        "n": int(known.size),
        "median": _round(percentile(known, 0.5)),
        "p90": _round(percentile(known, 0.9)),
        "mean": _round(known.mean()),
    }


def _round(value: SupportsFloat) -> float:
    return round(float(value), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


SMALL_N = 5
"""Below this many values a median or a percentile says little; pages warn about it."""
