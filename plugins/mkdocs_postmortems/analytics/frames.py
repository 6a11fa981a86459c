"""The corpus as tables: one row per postmortem, per action item and per factor named.

Timestamps stay Python objects and durations become float minutes before pandas sees them:
pandas' nanosecond timestamps end in 1677, and real corpora reach back to 1628.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mkdocs_postmortems.analytics import rows as rows_module
from mkdocs_postmortems.analytics.rows import Rows
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.taxonomy import Taxonomy

INCIDENT_COLUMNS = [
    "id",
    "path",
    "stem",
    "title",
    "severity",
    "rank",
    "quarter",
    "started",
    "day",
    "teams",
    "services",
    "factors",
    *metrics.DURATIONS,
    # What the quarterly report reads (`report_data`).
    "status",
    "date",
    "resolved_day",
    "users_affected",
    "revenue_usd",
    "customer_facing",
    "data_loss",
    "lessons",
]
ITEM_COLUMNS = [
    "postmortem",
    "path",
    "severity",
    "quarter",
    "teams",
    "title",
    "owner",
    "due",
    "status",
    "closed_on",
    "priority",
    "type",
    "opened",
    "started_day",
    "days_overdue",
    "due_day",
    "closed_day",
]
FACTOR_COLUMNS = ["postmortem", "quarter", "factor"]


@dataclass(frozen=True)
class Frames:
    """The tables every figure is computed from, with the day `overdue` is judged on."""

    taxonomy: Taxonomy
    as_of: dt.date
    incidents: pd.DataFrame
    """One row per non-draft postmortem, oldest first; durations in minutes (NaN unknown)."""
    items: pd.DataFrame
    """One row per action item of those postmortems."""
    factors: pd.DataFrame
    """One row per (postmortem, factor) named, each factor once per postmortem."""
    drafts: int


def build(entries: Iterable[Entry], taxonomy: Taxonomy, as_of: dt.date) -> Frames:
    """Tables of the non-draft postmortems among `entries` (valid ones, as the corpus holds)."""
    return from_rows(rows_module.rows(entries, taxonomy, as_of), taxonomy, as_of)


def from_rows(rows: Rows, taxonomy: Taxonomy, as_of: dt.date) -> Frames:
    """The tables of `rows` (`rows.rows`), wherever those were read."""
    return Frames(
        taxonomy=taxonomy,
        as_of=as_of,
        incidents=_frame(
            rows.incidents, INCIDENT_COLUMNS, floats=list(metrics.DURATIONS), ints=["rank"]
        ),
        items=_frame(rows.items, ITEM_COLUMNS, floats=["days_overdue", "due_day", "closed_day"]),
        factors=_frame(rows.factors, FACTOR_COLUMNS),
        drafts=rows.drafts,
    )


def _frame(
    rows: list[dict[str, Any]],
    columns: list[str],
    floats: Iterable[str] = (),
    ints: Iterable[str] = (),
) -> pd.DataFrame:
    """Object columns keep dates and lists as Python values; figures become numbers."""
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for name in floats:
        frame[name] = frame[name].astype("float64")
    for name in ints:
        frame[name] = frame[name].astype("int64")
    return frame
