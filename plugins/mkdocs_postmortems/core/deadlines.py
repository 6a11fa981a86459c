"""Postmortems past their publish deadline: still a draft or in review when the days their
severity allows after `resolved_at` (`publish_within_days` in the taxonomy) have run out.

A pure function of (entries, taxonomy, as_of), like the overdue list, so the site's page,
`postmortems overdue` and the follow-up issues show one list. A postmortem is late on the
day after its deadline, as an action item is overdue the day after it is due; the day of
`resolved_at` is taken in UTC, as quarters are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.taxonomy import Taxonomy

UNPUBLISHED = ("draft", "in-review")
"""The statuses a publish deadline can find a postmortem still in."""


@dataclass(frozen=True)
class LatePublication:
    """One postmortem past its publish deadline."""

    postmortem: str
    """Its id (its file's stem when it has none), as the site names it."""
    title: str
    path: str
    severity: str
    status: str
    resolved_at: dt.date
    """The day (UTC) it was resolved: the deadline counts from it."""
    deadline: dt.date
    days_late: int
    """Days past `deadline` on the as-of day; at least 1."""


def deadline(entry: Entry, taxonomy: Taxonomy) -> dt.date | None:
    """The last day to publish `entry`; None when its severity sets no deadline or it has
    no `resolved_at` (the clock has not started)."""
    pm = entry.postmortem
    level = taxonomy.severities.get(pm.severity) if pm.severity is not None else None
    if level is None or level.publish_within_days is None or pm.resolved_at is None:
        return None
    return resolved_day(pm.resolved_at) + dt.timedelta(days=level.publish_within_days)


def resolved_day(resolved_at: dt.datetime) -> dt.date:
    return resolved_at.astimezone(dt.UTC).date()


def late_publications(
    entries: Iterable[Entry], taxonomy: Taxonomy, as_of: dt.date
) -> list[LatePublication]:
    """Postmortems in draft or in review past their deadline on `as_of`: most late first,
    then by id (and path, for two files without one)."""
    late: list[LatePublication] = []
    for entry in entries:
        pm = entry.postmortem
        if pm.status not in UNPUBLISHED or pm.severity is None or pm.resolved_at is None:
            continue
        last = deadline(entry, taxonomy)
        if last is None or as_of <= last:
            continue
        stem = PurePosixPath(entry.path).stem
        late.append(
            LatePublication(
                postmortem=pm.id or stem,
                title=pm.title or stem,
                path=entry.path,
                severity=pm.severity,
                status=pm.status,
                resolved_at=resolved_day(pm.resolved_at),
                deadline=last,
                days_late=(as_of - last).days,
            )
        )
    late.sort(key=lambda x: (-x.days_late, x.postmortem, x.path))
    return late
