"""The quarterly report as data: the figures readers ask for, and the one JSON of them
that both `postmortems report --format json` and the site's `/data/reports/<YYYY-Qn>.json`
print (`to_json`), so the two are equal byte for byte.

Pure functions of the analytics tables (`frames.Frames`, with their as-of day) and the
quarter's `quarters.Report`; every figure is documented in docs/about-figures.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import statistics
from collections.abc import Iterable
from typing import Any

import pandas as pd

from mkdocs_postmortems.analytics import quarters as quarter_figures
from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.core.schema import ACTIVE_ACTION_STATUSES

JSON_DIR = "data/reports"
REPEAT_DAYS = 90
"""A postmortem repeats an earlier one that started at most this many days before it."""
TREND_QUARTERS = 8
SEVERE_LEVELS = 2
"""The report's "severe" postmortems: those of the taxonomy's first two severities."""

METHOD = (
    "Quarters are those of the incident's start in UTC; drafts are left out. The severe "
    "incidents are those of the taxonomy's first two severities. Changes in counts are tested "
    "with the days each quarter observed (a running quarter up to the as-of day); the tests of "
    "one report are adjusted together, and a change is called unlikely to be chance below "
    "p = 0.05. Users affected adds only the figures recorded as numbers; each total says how "
    "many postmortems recorded it. Items closed without a day recorded count in no quarter, so "
    "the closed figure is then a lower bound. Days to close run from the postmortem's date "
    "(else its start) to the day the item closed. The figures are also published as JSON."
)
"""The report's method note, in plain words: the page and the exports end with it."""


def json_path(quarter: str) -> str:
    return f"{JSON_DIR}/{quarter}.json"


def to_json(data: dict[str, Any]) -> str:
    """The one serialisation: sorted keys, two-space indent, a trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def number(value: float | None) -> float | int | None:
    """A figure as JSON shows it: whole numbers as ints, others to two decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


def _median(values: list[float]) -> float | int | None:
    return number(statistics.median(values)) if values else None


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of Python values: column by column, many times faster than
    `DataFrame.to_dict("records")`, which boxes each cell on its own."""
    names = [str(name) for name in frame.columns]
    columns = [frame[name].tolist() for name in frame.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


class Book:
    """Every quarter's report data from one set of tables: what all quarters share (the
    per-quarter trend figures, the repeats index) is worked out once, in one pass."""

    def __init__(self, frames: Frames) -> None:
        self.frames = frames
        # The tables' columns are all named by strings (`frames.INCIDENT_COLUMNS`, ...).
        self.incidents = _records(frames.incidents)
        self.items = _records(frames.items)
        self.severe = list(frames.taxonomy.severities)[:SEVERE_LEVELS]
        # Each item once as (quarter, open or in progress, closed day, opened day).
        self.item_days = [
            (
                item["quarter"],
                item["status"] in ACTIVE_ACTION_STATUSES,
                item["closed_day"] if _known(item["closed_day"]) else math.nan,
                None if item["opened"] is None else float(item["opened"].toordinal()),
            )
            for item in self.items
        ]
        self._summaries: dict[str, dict[str, Any]] = {}
        self.by_quarter: dict[str, list[dict[str, Any]]] = {}
        for row in self.incidents:
            if row["quarter"] is not None:
                self.by_quarter.setdefault(row["quarter"], []).append(row)
        self.first_quarter = min(self.by_quarter) if self.by_quarter else None
        # Published postmortems with a start, by service, in start order: repeats look back.
        self.published: dict[str, list[tuple[float, int, frozenset[str], dict[str, Any]]]] = {}
        for row in self.incidents:
            if row["status"] == "published" and row["started"] is not None:
                entry = (
                    row["started"].timestamp(),
                    row["day"].toordinal(),
                    frozenset(row["factors"]),
                    row,
                )
                for service in row["services"]:
                    self.published.setdefault(service, []).append(entry)
        for rows in self.published.values():
            rows.sort(key=lambda entry: entry[0])

    def summary(self, quarter: str) -> dict[str, Any]:
        """A quarter's line of the trend: count, severe count, time to resolve (a copy)."""
        if quarter not in self._summaries:
            self._summaries[quarter] = self._summary(quarter)
        line = self._summaries[quarter]
        return {**line, "time_to_resolve_minutes": dict(line["time_to_resolve_minutes"])}

    def _summary(self, quarter: str) -> dict[str, Any]:
        rows = self.by_quarter.get(quarter, [])
        resolve = [float(r["time_to_resolve"]) for r in rows if _known(r["time_to_resolve"])]
        return {
            "quarter": quarter,
            "count": len(rows),
            "severe": sum(1 for r in rows if r["severity"] in self.severe),
            "time_to_resolve_minutes": {"n": len(resolve), "median": _median(resolve)},
        }

    def data(self, report: quarter_figures.Report) -> dict[str, Any]:
        """The report of `report.quarter` as the JSON holds it."""
        quarter = report.quarter
        rows = self.by_quarter.get(quarter, [])
        before = self.summary(report.previous)
        now = self.summary(quarter)
        year_earlier = f"{int(quarter[:4]) - 1}-{quarter[-2:]}"
        return {
            "quarter": quarter,
            "start": report.first.isoformat(),
            "end": report.last.isoformat(),
            "as_of": self.frames.as_of.isoformat(),
            "partial": not report.complete,
            "count": report.count,
            "previous": {"quarter": report.previous, "count": report.previous_count},
            "count_change": count_change(report),
            "severe": {
                "levels": list(self.severe),
                "count": now["severe"],
                "previous": before["severe"],
            },
            "impact": impact(rows),
            "services": services(rows),
            "repeats": self.repeats(rows),
            "action_items": self.action_items(report),
            "publish_lag_days": publish_lag(rows),
            "trend": [self.summary(q) for q in self.trend_quarters(quarter)],
            # None before the knowledge base's first quarter: no zero it never recorded.
            "year_earlier": (
                self.summary(year_earlier)
                if self.first_quarter is not None and year_earlier >= self.first_quarter
                else None
            ),
            "lessons": [
                {"postmortem": row["id"], "section": section, "text": text}
                for row in rows
                for section, text in row["lessons"]
            ],
            "process": {
                "drafts": self.frames.drafts,
                "in_review": sum(1 for r in self.incidents if r["status"] == "in-review"),
            },
        }

    def trend_quarters(self, quarter: str) -> list[str]:
        """The last TREND_QUARTERS quarters up to `quarter`, oldest first, none before the
        knowledge base's first quarter with a postmortem."""
        out = [quarter]
        while len(out) < TREND_QUARTERS:
            earlier = quarter_figures.previous(out[0])
            if self.first_quarter is None or earlier < self.first_quarter:
                break
            out.insert(0, earlier)
        return out

    def repeats(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each (postmortem, earlier) pair: the earlier one published, started before it and
        at most REPEAT_DAYS days (UTC days) before, sharing a service and a factor."""
        out = []
        for row in rows:
            start = row["started"]
            if start is None:
                continue
            factors = set(row["factors"])
            day = row["day"].toordinal()
            shared: dict[str, tuple[dict[str, Any], set[str], set[str]]] = {}
            for service in row["services"]:
                line = self.published.get(service, [])
                stop = bisect.bisect_left(line, start.timestamp(), key=lambda entry: entry[0])
                for index in range(stop - 1, -1, -1):
                    _, earlier_day, earlier_factors, earlier = line[index]
                    if day - earlier_day > REPEAT_DAYS:
                        break
                    common = factors & earlier_factors
                    if common and earlier["id"] != row["id"]:
                        found = shared.setdefault(earlier["id"], (earlier, set(), set()))
                        found[1].add(service)
                        found[2].update(common)
            for ident, (earlier, services_shared, factors_shared) in sorted(shared.items()):
                out.append(
                    {
                        "postmortem": row["id"],
                        "earlier": ident,
                        "services": sorted(services_shared),
                        "factors": sorted(factors_shared),
                        "days_apart": (row["day"] - earlier["day"]).days,
                    }
                )
        return out

    def action_items(self, report: quarter_figures.Report) -> dict[str, Any]:
        first, last = report.first.toordinal(), report.last.toordinal()
        judged = report.judged_on.toordinal()
        to_close = [
            closed - opened
            for _, _, closed, opened in self.item_days
            if first <= closed <= last and opened is not None
        ]
        open_at_end = sum(
            1
            for quarter, active, closed, _ in self.item_days
            if quarter is not None
            and quarter <= report.quarter
            and (active or closed > judged)  # NaN compares False
        )
        return {
            "opened": report.items_opened,
            "closed": report.closed_in_quarter,
            "closed_undated": report.closed_undated,
            "open_at_end": open_at_end,
            "overdue_at_end": len(report.overdue_at_end),
            "median_days_to_close": _median(to_close),
        }


def count_change(report: quarter_figures.Report) -> dict[str, Any]:
    """The count's test as `quarters.Report.tests` holds it: p, Holm-adjusted p, verdict."""
    test = report.tests["count"]
    return {
        "p": None if test.p is None else float(test.p),
        "p_adjusted": None if test.p_adjusted is None else float(test.p_adjusted),
        "verdict": test.verdict,
    }


def impact(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals with how many postmortems recorded them; a users figure in words counts in
    neither (it is no number to add)."""
    users = [
        r["users_affected"]
        for r in rows
        if isinstance(r["users_affected"], int) and not isinstance(r["users_affected"], bool)
    ]
    revenue = [float(r["revenue_usd"]) for r in rows if _known(r["revenue_usd"])]
    return {
        "users_affected": {"total": sum(users), "known": len(users)},
        "revenue_usd": {"total": number(math.fsum(revenue)), "known": len(revenue)},
        "customer_facing": sum(1 for r in rows if r["customer_facing"] is True),
        "data_loss": sum(1 for r in rows if r["data_loss"] is True),
    }


def services(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Services by postmortems, then incident minutes (the sum of the known times to
    resolve), both most first, then by name."""
    found: dict[str, list[float]] = {}
    for row in rows:
        for service in row["services"]:
            entry = found.setdefault(service, [0, 0.0])
            entry[0] += 1
            if _known(row["time_to_resolve"]):
                entry[1] += float(row["time_to_resolve"])
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [
        {"service": name, "postmortems": int(n), "minutes": number(minutes)}
        for name, (n, minutes) in ranked
    ]


def publish_lag(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Days from the resolution's UTC day to the postmortem's `date`."""
    lags = [
        float((r["date"] - r["resolved_day"]).days)
        for r in rows
        if r["date"] is not None and r["resolved_day"] is not None
    ]
    return {"n": len(lags), "median": _median(lags)}


def headline(data: dict[str, Any]) -> str:
    """The report's opening paragraph in plain words (plain text: callers escape it)."""
    n, before = data["count"], data["previous"]
    noun = "incident" if n == 1 else "incidents"
    sentences = []
    change = {
        "unlikely-chance": "a change larger than chance would explain",
        "within-noise": "a difference within the usual ups and downs",
        "not-tested": "too little to say whether that is a real change",
    }[data["count_change"]["verdict"]]
    if len(data["trend"]) == 1 and before["count"] == 0:  # the first quarter
        sentences.append(
            f"{data['quarter']} had {n} {noun}: it is the first quarter the knowledge base "
            "records, so there is nothing to compare it with."
        )
    elif data["partial"] and dt.date.fromisoformat(data["as_of"]) < dt.date.fromisoformat(
        data["start"]
    ):  # postmortems dated after the as-of day: no day of the quarter is observed yet
        sentences.append(
            f"{data['quarter']} starts after the as-of day ({data['as_of']}), yet has {n} "
            f"{noun}; nothing is compared."
        )
    elif data["partial"]:
        start, end = dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"])
        seen = (dt.date.fromisoformat(data["as_of"]) - start).days + 1
        sentences.append(
            f"{data['quarter']} is not over: {n} {noun} in its first {seen} of "
            f"{(end - start).days + 1} days, against {before['count']} in the whole of "
            f"{before['quarter']}; allowing for the days so far, {change}."
        )
    else:
        compare = (
            f"the same as the {before['count']} of"
            if n == before["count"]
            else f"up from {before['count']} in"
            if n > before["count"]
            else f"down from {before['count']} in"
        )
        sentences.append(
            f"{data['quarter']} had {n} {noun}, {compare} {before['quarter']}: {change}."
        )
    severe = data["severe"]
    levels = " or ".join(severe["levels"])
    first = len(data["trend"]) == 1 and before["count"] == 0
    sentences.append(
        f"{severe['count']} {'was' if severe['count'] == 1 else 'were'} {levels}"
        + ("." if first else f" ({severe['previous']} the quarter before).")
    )
    sentences.append(_impact_sentence(data["impact"], n))
    if data["repeats"]:
        repeat = data["repeats"][0]
        sentences.append(
            f"{len({r['postmortem'] for r in data['repeats']})} repeated an incident of the "
            f"90 days before on the same service for the same reason, such as "
            f"{', '.join(repeat['factors'])} on {', '.join(repeat['services'])}."
        )
    elif data["services"]:
        top = data["services"][0]
        sentences.append(
            f"The service most involved was {top['service']} ({top['postmortems']} "
            f"{'incident' if top['postmortems'] == 1 else 'incidents'}); nothing repeated an "
            "earlier incident."
        )
    items = data["action_items"]
    closed = f"at least {items['closed']}" if items["closed_undated"] else str(items["closed"])
    sentences.append(
        f"Follow-up: {items['opened']} action {'item' if items['opened'] == 1 else 'items'} "
        f"opened and {closed} closed in the quarter; {items['open_at_end']} open and "
        f"{items['overdue_at_end']} overdue at its end."
    )
    return " ".join(sentences)


def _impact_sentence(impact_data: dict[str, Any], n: int) -> str:
    parts = [
        f"{impact_data['customer_facing']} of {n} affected customers directly"
        if n
        else "No customers were affected"
    ]
    users = impact_data["users_affected"]
    if users["known"]:
        parts.append(f"{users['total']:,} users affected where counted")
    revenue = impact_data["revenue_usd"]
    if revenue["known"]:
        total = revenue["total"]
        money = f"{total:,}" if isinstance(total, int) else f"{total:,.2f}"
        parts.append(f"${money} of revenue lost where recorded")
    if impact_data["data_loss"]:
        lost = impact_data["data_loss"]
        parts.append(f"{lost} lost data")
    else:
        parts.append("none lost data")
    return "; ".join(parts) + "."


def minutes_text(value: float | None) -> str:
    return metrics.format_minutes(value)
