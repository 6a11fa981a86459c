"""The analytics tables' rows, as plain Python values: one per non-draft postmortem, per
action item and per factor named.

Building them needs neither pandas nor anything but the corpus, and they pickle cheaply:
the site's analytics are computed from them in another process (`site.site_analytics`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mkdocs_postmortems.analytics import lessons
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.taxonomy import Taxonomy


@dataclass(frozen=True)
class Rows:
    """The tables' rows as plain Python values: cheap to hand to another process, which
    then needs neither the corpus nor its models."""

    incidents: list[dict[str, Any]]
    items: list[dict[str, Any]]
    factors: list[dict[str, Any]]
    drafts: int

    def quarters(self) -> list[str]:
        """Quarters with postmortems, oldest first (`quarters.quarters` of the tables)."""
        return sorted({row["quarter"] for row in self.incidents if row["quarter"] is not None})


def _start_key(entry: Entry) -> tuple[float, str]:
    start = entry.postmortem.started_at
    return (start.timestamp() if start else float("inf"), entry.postmortem.id or entry.stem)


def rows(entries: Iterable[Entry], taxonomy: Taxonomy, as_of: dt.date) -> Rows:
    """The rows of `frames.build`'s tables, without pandas."""
    incidents: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    factors: list[dict[str, Any]] = []
    drafts = 0
    # One object per day: a pickle (the rows go to another process) writes a day once and
    # then refers to it, where writing each of thousands of equal days costs most of its time.
    days: dict[dt.date, dt.date] = {}

    def day(value: dt.date | None) -> dt.date | None:
        return None if value is None else days.setdefault(value, value)

    for entry in sorted(entries, key=_start_key):
        pm = entry.postmortem
        if pm.is_draft:
            drafts += 1
            continue
        stem = entry.stem
        ident = pm.id or stem
        quarter = metrics.quarter(pm)
        started_day = day(pm.started_at.astimezone(dt.UTC).date()) if pm.started_at else None
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
                **_report_fields(entry, day),
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
                    "due": day(item.due),
                    "status": item.status,
                    "closed_on": day(item.closed_on),
                    "priority": item.priority,
                    "type": item.type,
                    # Items are opened by their postmortem: the document's date, else the start.
                    "opened": day(pm.date) or started_day,
                    "started_day": started_day,
                    "days_overdue": metrics.days_overdue(item, as_of),
                    # Day numbers (NaN unknown): each quarter's report compares them at once.
                    "due_day": _ordinal(item.due),
                    "closed_day": _ordinal(item.closed_on),
                }
            )
    return Rows(incidents, items, factors, drafts)


def _report_fields(entry: Entry, day: Callable[[dt.date | None], dt.date | None]) -> dict[str, Any]:
    """What the quarterly report reads besides the figures above (`report_data`)."""
    pm = entry.postmortem
    impact = pm.impact
    return {
        "status": pm.status,
        "date": day(pm.date),
        "resolved_day": day(pm.resolved_at.astimezone(dt.UTC).date()) if pm.resolved_at else None,
        "users_affected": impact.users_affected if impact else None,
        "revenue_usd": impact.revenue_usd if impact else None,
        "customer_facing": impact.customer_facing if impact else None,
        "data_loss": impact.data_loss if impact else None,
        "lessons": lessons.quotes(entry.body),
    }


def _ordinal(day: dt.date | None) -> float | None:
    return None if day is None else float(day.toordinal())
