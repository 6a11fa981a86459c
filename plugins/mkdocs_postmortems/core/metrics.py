"""Per-postmortem figures, as DESIGN.md defines them: durations, quarter, overdue items.

Pure functions of (postmortem, as_of), shared by the pages, the data exports and the
analytics, so no two places can compute a figure differently.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from mkdocs_postmortems.core.schema import ACTIVE_ACTION_STATUSES, ActionItem, Postmortem

DURATIONS = {
    "time_to_detect": "detected_at",
    "time_to_mitigate": "mitigated_at",
    "time_to_resolve": "resolved_at",
}
"""Each duration is measured from `started_at` to the field named."""
DURATION_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}


class AsOfError(ValueError):
    pass


def minutes(postmortem: Postmortem, duration: str) -> float | None:
    """Minutes from start to the duration's end; None when either end is missing."""
    end: dt.datetime | None = getattr(postmortem, DURATIONS[duration])
    start = postmortem.started_at
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def quarter(postmortem: Postmortem) -> str | None:
    """`2026-Q1`: the quarter of `started_at` in UTC."""
    if postmortem.started_at is None:
        return None
    start = postmortem.started_at.astimezone(dt.UTC)
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def days_overdue(item: ActionItem, as_of: dt.date) -> int | None:
    """Days past due for an open or in-progress item; None when it is not overdue."""
    if item.status not in ACTIVE_ACTION_STATUSES or item.due is None or item.due >= as_of:
        return None
    return (as_of - item.due).days


def is_open(item: ActionItem) -> bool:
    return item.status in ACTIVE_ACTION_STATUSES


def as_of_date(
    configured: str | None, environ: Mapping[str, str] = os.environ, *, option: str = "as_of"
) -> dt.date:
    """The day "overdue" is judged on: config, else POSTMORTEMS_AS_OF, else the build date.

    The build date is `SOURCE_DATE_EPOCH` when set, so reproducible builds stay identical.
    """
    for source, value in (
        (option, configured),
        ("POSTMORTEMS_AS_OF", environ.get("POSTMORTEMS_AS_OF")),
    ):
        if value:
            try:
                return dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise AsOfError(f"{source}: expected a date YYYY-MM-DD, got {value!r}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise AsOfError(
                f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}"
            ) from None
    return dt.datetime.now(dt.UTC).date()


def format_minutes(value: float | None) -> str:
    """`45 min`, `2 h 05 min`, `3 d 4 h`: readable at a glance, exact to the minute."""
    if value is None:
        return "\u2013"
    total = round(value)
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h" if hours else f"{sign}{days} d"
    if hours:
        return f"{sign}{hours} h {mins:02d} min"
    return f"{sign}{mins} min"
