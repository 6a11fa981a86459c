"""The corpus as tables: one row per postmortem, per action item and per factor named.

Timestamps stay Python objects and durations become float minutes before pandas sees them:
pandas' nanosecond timestamps end in 1677, and real corpora reach back to 1628.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mkdocs_postmortems import metrics
from mkdocs_postmortems.corpus import Entry
from mkdocs_postmortems.taxonomy import Taxonomy

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


def _start_key(entry: Entry) -> tuple[float, str]:
    start = entry.postmortem.started_at
    stem = Path(entry.path).stem
    return (start.timestamp() if start else float("inf"), entry.postmortem.id or stem)


def build(entries: Iterable[Entry], taxonomy: Taxonomy, as_of: dt.date) -> Frames:
    """Tables of the non-draft postmortems among `entries` (valid ones, as the corpus holds)."""
    incidents: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    factors: list[dict[str, Any]] = []
    drafts = 0
    for entry in sorted(entries, key=_start_key):
        pm = entry.postmortem
        if pm.is_draft:
            drafts += 1
            continue
        stem = Path(entry.path).stem
        ident = pm.id or stem
        quarter = metrics.quarter(pm)
        started_day = pm.started_at.astimezone(dt.UTC).date() if pm.started_at else None
        incidents.append(
            {
                "id": ident,
                "path": entry.path,
                "stem": stem,
                "title": pm.title or stem,
                "severity": pm.severity,
                "rank": taxonomy.rank(pm.severity),
                "quarter": quarter,
                "started": pm.started_at,
                "day": started_day,
                "teams": list(dict.fromkeys(pm.teams)),
                "services": list(dict.fromkeys(pm.services)),
                "factors": list(dict.fromkeys(pm.contributing_factors)),
                **{name: metrics.minutes(pm, name) for name in metrics.DURATIONS},
            }
        )
        factors.extend(
            {"postmortem": ident, "quarter": quarter, "factor": key}
            for key in dict.fromkeys(pm.contributing_factors)
        )
        for item in pm.action_items:
            items.append(
                {
                    "postmortem": ident,
                    "path": entry.path,
                    "severity": pm.severity,
                    "quarter": quarter,
                    "teams": list(dict.fromkeys(pm.teams)),
                    "title": item.title,
                    "owner": item.owner,
                    "due": item.due,
                    "status": item.status,
                    "closed_on": item.closed_on,
                    "priority": item.priority,
                    "type": item.type,
                    # Items are opened by their postmortem: the document's date, else the start.
                    "opened": pm.date or started_day,
                    "started_day": started_day,
                    "days_overdue": metrics.days_overdue(item, as_of),
                    # Day numbers (NaN unknown): each quarter's report compares them at once.
                    "due_day": _ordinal(item.due),
                    "closed_day": _ordinal(item.closed_on),
                }
            )
    return Frames(
        taxonomy=taxonomy,
        as_of=as_of,
        incidents=_frame(
            incidents, INCIDENT_COLUMNS, floats=list(metrics.DURATIONS), ints=["rank"]
        ),
        items=_frame(items, ITEM_COLUMNS, floats=["days_overdue", "due_day", "closed_day"]),
        factors=_frame(factors, FACTOR_COLUMNS),
        drafts=drafts,
    )


def _ordinal(day: dt.date | None) -> float | None:
    return None if day is None else float(day.toordinal())


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
