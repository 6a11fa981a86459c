"""Action items: who owns the open work, how old it is, and what was planned past the SLA."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.core.schema import ACTIVE_ACTION_STATUSES

AGE_BUCKETS = ((30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"), (365, "181-365 days"))
OLDEST = "over a year"


def is_open(items: pd.DataFrame) -> pd.Series:
    """Which items are open or in progress: `schema.ACTIVE_ACTION_STATUSES`."""
    return items["status"].isin(ACTIVE_ACTION_STATUSES)


def counts_by(frames: Frames, column: str) -> pd.DataFrame:
    """Items, open and overdue per owner or per team (an item belongs to its postmortem's
    teams), most overdue first."""
    items = frames.items.assign(
        open=is_open(frames.items), overdue=frames.items["days_overdue"].notna()
    )
    if column == "teams":
        items = items.explode("teams")
    items = items.assign(key=items[column].fillna("(no " + column.rstrip("s") + ")"))
    if items.empty:
        return pd.DataFrame(columns=["key", "items", "open", "overdue", "done"])
    table = (
        items.groupby("key")
        .agg(
            items=("title", "size"),
            open=("open", "sum"),
            overdue=("overdue", "sum"),
            done=("status", lambda s: int((s == "done").sum())),
        )
        .reset_index()
    )
    return table.sort_values(
        ["overdue", "open", "key"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def age_bucket(days: int) -> str:
    for limit, label in AGE_BUCKETS:
        if days <= limit:
            return label
    return OLDEST


def ages(frames: Frames) -> list[tuple[str, int, int]]:
    """Open and in-progress items by days since their postmortem was written, with how many
    of each bucket are overdue: (bucket, items, overdue)."""
    active = frames.items[is_open(frames.items) & frames.items["opened"].notna()]
    buckets = [label for _, label in AGE_BUCKETS] + [OLDEST]
    counts = {label: [0, 0] for label in buckets}
    for opened, overdue in zip(active["opened"], active["days_overdue"], strict=True):
        label = age_bucket(max(0, (frames.as_of - opened).days))
        counts[label][0] += 1
        counts[label][1] += 0 if pd.isna(overdue) else 1
    return [(label, total, late) for label, (total, late) in counts.items()]


@dataclass(frozen=True)
class PastSla:
    postmortem: str
    path: str
    title: str
    severity: str
    sla_days: int
    due: dt.date | None
    days_beyond: int | None
    """Days the due date lies past the SLA; None when the item has no due date."""
    status: str
    priority: str


def past_sla(frames: Frames) -> list[PastSla]:
    """Items due later than their severity's SLA allows, counted from the incident's start
    day (UTC), or with no due date at all; won't-do items are left out."""
    out: list[PastSla] = []
    items = frames.items
    names = ("severity", "status", "started_day", "due", "postmortem", "path", "title", "priority")
    # Rows read column-wise: pandas' to_dict("records") boxes every cell, a third of a second
    # at 2,000 postmortems.
    rows = (
        dict(zip(names, values, strict=True))
        for values in zip(*(items[n] for n in names), strict=True)
    )
    for row in rows:
        level = frames.taxonomy.severities.get(str(row["severity"]))
        if level is None or level.action_item_sla_days is None or row["status"] == "wont-do":
            continue
        if row["started_day"] is None:
            continue
        limit = row["started_day"] + dt.timedelta(days=level.action_item_sla_days)
        due = row["due"]
        if due is not None and due <= limit:
            continue
        out.append(
            PastSla(
                postmortem=str(row["postmortem"]),
                path=str(row["path"]),
                title=str(row["title"]),
                severity=str(row["severity"]),
                sla_days=level.action_item_sla_days,
                due=due,
                days_beyond=(due - limit).days if due is not None else None,
                status=str(row["status"]),
                priority=str(row["priority"]),
            )
        )
    out.sort(key=lambda p: (p.days_beyond is None, -(p.days_beyond or 0), p.postmortem, p.title))
    return out
