"""Open action items at each quarter's end: whether follow-up keeps up with what incidents
leave behind. The running quarter's "end" is the as-of day."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mkdocs_postmortems.analytics import actions
from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.analytics.quarters import bounds


@dataclass(frozen=True)
class QuarterEnd:
    quarter: str
    open: int
    """Items opened by the quarter's end and not closed by then."""
    partial: bool
    """The running quarter: counted on the as-of day, not its last."""


@dataclass(frozen=True)
class BurnDown:
    ends: list[QuarterEnd]
    closed_undated: int
    """Items done or won't do with no `closed_on`: closed at an unknown time, so counted as
    closed at every quarter's end."""


def _opened_quarter(items: pd.DataFrame) -> pd.Series:
    """The quarter an item was opened: its postmortem's (of `started_at`), else that of its
    postmortem's `date`."""
    from_date = items["opened"].map(
        lambda day: f"{day.year}-Q{(day.month - 1) // 3 + 1}" if day is not None else None,
        na_action="ignore",
    )
    return items["quarter"].where(items["quarter"].notna(), from_date)


def burn_down(frames: Frames, quarters: list[str]) -> BurnDown:
    """Open items at the end of each of `quarters` (oldest first): an item is open at an end
    if it was opened in that quarter or before, and is open or in progress today or was
    closed (`closed_on`) after that end."""
    items = frames.items
    opened = _opened_quarter(items)
    active = actions.is_open(items)
    closed_day = items["closed_day"]  # NaN compares False
    ends = []
    for quarter in quarters:
        last = bounds(quarter)[1]
        partial = frames.as_of < last
        end = min(last, frames.as_of).toordinal()
        open_then = (opened <= quarter) & (active | (closed_day > end))
        ends.append(QuarterEnd(quarter, int(open_then.sum()), partial))
    undated = items["status"].isin(["done", "wont-do"]) & closed_day.isna()
    return BurnDown(ends, int(undated.sum()))
