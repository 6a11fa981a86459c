"""One quarter against the one before it: the figures of a quarterly trend report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from mkdocs_postmortems.analytics import actions, noise
from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.analytics.stats import by_severity
from mkdocs_postmortems.analytics.summary import Distribution, distribution
from mkdocs_postmortems.core import metrics

TOP_FACTORS = 5


def bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of `2026-Q1`."""
    year, number = int(quarter[:4]), int(quarter[-1])
    first = dt.date(year, 3 * number - 2, 1)
    following = dt.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"


@dataclass(frozen=True)
class DurationChange:
    current: Distribution
    previous: Distribution
    verdict: noise.Test
    """The same as the report's `tests[name]`: a shift of the distribution, not the
    change of medians."""


@dataclass(frozen=True)
class Report:
    quarter: str
    previous: str
    first: dt.date
    last: dt.date
    judged_on: dt.date
    """The quarter's last day, or as_of while the quarter is still running."""
    paths: list[str]
    """Source paths of the quarter's postmortems, oldest first."""
    count: int
    previous_count: int
    count_verdict: noise.Test
    """The same as `tests["count"]`."""
    tests: dict[str, noise.Test]
    """`count` and each duration of `metrics.DURATIONS`, Holm-adjusted together."""
    days_observed: tuple[int, int]
    """Days each quarter was observed (this one, the one before): see `exposure`."""
    severities: dict[str, tuple[int, int]]
    """Level -> (this quarter, previous quarter), most severe first."""
    durations: dict[str, DurationChange]
    top_factors: list[tuple[str, int]]
    newly_recurring: list[str]
    """Factors named by a second postmortem for the first time this quarter."""
    items_opened: int
    items_done: int
    items_wont_do: int
    """Of the items opened this quarter, how many are done and won't do today."""
    closed_in_quarter: int
    """Items of any quarter whose `closed_on` falls in this one."""
    closed_undated: int
    """Items of any quarter up to this one closed with no `closed_on`: when is unknown."""
    overdue_at_end: pd.DataFrame = field(repr=False)
    """Items of this and earlier quarters, due before the quarter's end and still open
    then: open or in progress today, or closed after the end (`closed_on`)."""

    @property
    def complete(self) -> bool:
        return self.judged_on == self.last


def quarters(frames: Frames) -> list[str]:
    """Quarters with postmortems, oldest first."""
    return sorted(str(q) for q in frames.incidents["quarter"].dropna().unique())


def exposure(frames: Frames, quarter: str) -> tuple[int, int]:
    """Days observed in `quarter` and in the one before, counted inclusively: the running
    quarter runs from its first day to the as-of day, and the one before starts no earlier
    than the knowledge base's first dated postmortem (0 days if it ended before it)."""
    first, last = bounds(quarter)
    current = (min(last, frames.as_of) - first).days + 1
    before_first, before_last = bounds(previous(quarter))
    days = frames.incidents["day"].dropna()
    if days.empty:
        return max(current, 0), 0
    start = max(before_first, days.min())
    return max(current, 0), max((before_last - start).days + 1, 0)


def _tests(
    quarter: str, days: tuple[int, int], now: pd.DataFrame, then: pd.DataFrame
) -> dict[str, noise.Test]:
    """The report's tests, Holm-adjusted together; `days` as `exposure` gives them."""
    count = (
        noise.counts(len(now), len(then), days)
        if days[1] > 0
        else noise.not_tested(
            f"not tested: {previous(quarter)} predates the first dated postmortem"
        )
    )
    return noise.holm(
        {
            "count": count,
            **{
                name: noise.durations(list(now[name].dropna()), list(then[name].dropna()))
                for name in metrics.DURATIONS
            },
        }
    )


def report(frames: Frames, quarter: str) -> Report:
    incidents = frames.incidents
    now = incidents[incidents["quarter"] == quarter]
    before_quarter = previous(quarter)
    then = incidents[incidents["quarter"] == before_quarter]
    first, last = bounds(quarter)
    judged_on = min(last, frames.as_of)
    levels = {**by_severity(frames, then), **by_severity(frames, now)}
    order = sorted(levels, key=frames.taxonomy.rank)
    current_levels, previous_levels = by_severity(frames, now), by_severity(frames, then)
    days = exposure(frames, quarter)
    tests = _tests(quarter, days, now, then)
    durations = {
        name: DurationChange(distribution(now[name]), distribution(then[name]), tests[name])
        for name in metrics.DURATIONS
    }
    named = frames.factors.dropna(subset=["quarter"])
    here = named[named["quarter"] == quarter]["factor"].value_counts()
    top = sorted(((str(k), int(v)) for k, v in here.items()), key=lambda kv: (-kv[1], kv[0]))
    through = named[named["quarter"] <= quarter]["factor"].value_counts()
    earlier = named[named["quarter"] < quarter]["factor"].value_counts()
    newly = sorted(
        str(key) for key, total in through.items() if total >= 2 and int(earlier.get(key, 0)) < 2
    )
    items = frames.items
    opened = items[items["quarter"] == quarter]
    so_far = items["quarter"] <= quarter
    closed_on = items["closed_on"]
    closed_day, due_day = items["closed_day"], items["due_day"]  # NaN compares False
    judged_day = judged_on.toordinal()
    open_then = actions.is_open(items) | (closed_day > judged_day)
    overdue = items[open_then & (due_day < judged_day) & so_far].copy()
    overdue["days_at_end"] = (judged_day - overdue["due_day"]).astype("int64")
    overdue = overdue.sort_values(
        ["days_at_end", "postmortem", "title"], ascending=[False, True, True], kind="stable"
    )
    return Report(
        quarter=quarter,
        previous=before_quarter,
        first=first,
        last=last,
        judged_on=judged_on,
        paths=[str(path) for path in now["path"]],
        count=len(now),
        previous_count=len(then),
        count_verdict=tests["count"],
        tests=tests,
        days_observed=days,
        severities={
            level: (current_levels.get(level, 0), previous_levels.get(level, 0)) for level in order
        },
        durations=durations,
        top_factors=top[:TOP_FACTORS],
        newly_recurring=newly,
        items_opened=len(opened),
        items_done=int((opened["status"] == "done").sum()),
        items_wont_do=int((opened["status"] == "wont-do").sum()),
        closed_in_quarter=int(
            ((closed_day >= first.toordinal()) & (closed_day <= last.toordinal())).sum()
        ),
        closed_undated=int(
            (so_far & items["status"].isin(["done", "wont-do"]) & closed_on.isna()).sum()
        ),
        overdue_at_end=overdue,
    )
