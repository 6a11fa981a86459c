"""Contributing factors over time: how often, in which quarters, and in which company."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pandas as pd

from mkdocs_postmortems.analytics.frames import Frames

PAIR_LIMIT = 25
"""Pairs shown: the most frequent, so the table stays readable on any corpus."""


def spread(frames: Frames) -> pd.DataFrame:
    """Postmortems naming each factor per quarter: factors (most named first) x quarters."""
    dated = frames.factors.dropna(subset=["quarter"])
    if dated.empty:
        return pd.DataFrame(dtype="int64")
    table = pd.crosstab(dated["factor"], dated["quarter"])
    totals = table.sum(axis=1)
    order = sorted(table.index, key=lambda key: (-int(totals[key]), str(key)))
    return table.loc[order, sorted(table.columns)]


def pairs(frames: Frames) -> tuple[list[tuple[str, str, int]], int]:
    """Factors named together in one postmortem, most often first, as (a, b, postmortems)
    up to PAIR_LIMIT; and how many distinct pairs there are, so a page can say it shows
    only the first."""
    counts: Counter[tuple[str, str]] = Counter()
    for keys in frames.incidents["factors"]:
        counts.update(combinations(sorted(keys), 2))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(a, b, n) for (a, b), n in ranked[:PAIR_LIMIT]], len(counts)


def never_named(frames: Frames) -> list[str]:
    """Taxonomy factors no published postmortem names: the vocabulary may be stale."""
    named = set(frames.factors["factor"])
    return [key for key in frames.taxonomy.contributing_factors or {} if key not in named]
