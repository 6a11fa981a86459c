"""The `Time (UTC)` table of a filled-in template -> timeline, and the milestones in it.

Times become RFC 3339 in UTC on the document's date; started/detected/mitigated/resolved
come only from rows that say so (or the first row, for the start). A duration gives an end
only from a known start: no time is worked out from what the document does not state.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from mkdocs_postmortems.cli.importers import template_parts as parts
from mkdocs_postmortems.cli.importers import values
from mkdocs_postmortems.cli.importers.markdown_sections import Document, Field, Section, Table, key
from mkdocs_postmortems.cli.importers.template_parts import Draft

_STARTED = re.compile(
    r"\b(incident|outage|issue|impact|problem|errors?|degradation|failures?|reports?"
    r"|complaints?)\b.*\b(start(s|ed)?|beg[ai]ns?|began|begun)\b|^(start|onset)\b",
    re.IGNORECASE,
)
_DETECTED = re.compile(
    r"\b(detect(s|ed|ion)?|alerted|paged|pages|noticed|spotted|reported)\b"
    r"|\b(alerts?|alarms?|pagerduty|opsgenie|pager)\b"
    r"|\b(customers?|users?|support|clients?)\b.*\breports?\b|^\W*pages?\b",
    re.IGNORECASE,
)
"""A row that says the incident was noticed: detected, an alert or page, a report."""
_UTC_CELL = re.compile(r"(\butc|\bgmt|\dz)\s*\)?$", re.IGNORECASE)
_UTC_HEADER = re.compile(r"\b(utc|gmt|z|zulu)\b", re.IGNORECASE)
_OFFSET = re.compile(r"(?:utc|gmt)?\s*[+\u2212-]\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_ZONE_NAME = re.compile(r"[A-Za-z]{2,5}|local(?: time)?|[A-Za-z]+/[A-Za-z_]+", re.IGNORECASE)
_MITIGATED = re.compile(r"\bmitigat(ed|es|ion)\b", re.IGNORECASE)
_RESOLVED = re.compile(r"\bresolved\b", re.IGNORECASE)


def first_table(doc: Document, section: Section | None) -> Table | None:
    tables = doc.tables(section, own=False) if section is not None else []
    return tables[0] if tables else None


@dataclass(frozen=True)
class Moment:
    at: dt.datetime
    event: str
    line: int
    template_row: bool


def timeline(
    draft: Draft,
    table: Table | None,
    day: dt.date | None,
    *,
    fixed_events: frozenset[str] = frozenset(),
    substitutions: dict[str, str] | None = None,
) -> list[Moment]:
    """Rows of a `Time (UTC)` table -> timeline entries, in UTC, dated by the document's
    date (or a date the row gives); a time earlier than the row before is the next day."""
    if table is None:
        return []
    time_col = table.column("time", "when", "timestamp")
    event_col = table.column("event", "description", "what")
    who_col = table.column("who", "owner", "actor")
    time_col = 0 if time_col is None else time_col
    event_col = 1 if event_col is None else event_col
    mapped = {time_col, event_col} | ({who_col} if who_col is not None else set())
    header = table.header[time_col] if time_col < len(table.header) else ""
    zone = _zone(header)
    unzoned = not zone and not _UTC_HEADER.search(header)
    current, previous = day, None
    moments: list[Moment] = []
    entries: list[dict[str, Any]] = []
    for row in table.rows:
        event = _fill(table.cell(row, event_col), substitutions or {})
        fixed = event is not None and key(event) in fixed_events
        time_text = values.clean(table.cell(row, time_col))
        if time_text is None:
            if event is None or fixed:
                draft.doc.use(row.line)
            else:
                draft.note(row.line, f"timeline row {event!r} has no time; kept in the body")
            continue
        if event is None:
            draft.note(row.line, f"timeline row at {time_text!r} has no event; kept in the body")
            continue
        parsed = values.parse_moment(time_text)
        if parsed is None:
            draft.note(
                row.line,
                f"timeline: could not read the time {time_text!r} (write 14:05, 2:05 PM or "
                "2026-03-14 14:05); row kept in the body",
            )
            continue
        row_day, clock = parsed
        if zone and not isinstance(clock, dt.datetime):
            if (table.lines[0], "zone") not in draft.noted_tables:
                draft.noted_tables.add((table.lines[0], "zone"))
                draft.note(
                    row.line,
                    f"timeline: the times are in {zone!r}, not UTC; rows without an offset "
                    "are kept in the body (write them in UTC, or as 2026-03-14T09:05:00-08:00)",
                )
            continue
        if unzoned and not isinstance(clock, dt.datetime) and not _UTC_CELL.search(time_text):
            unzoned = False
            draft.note(
                table.lines[0],
                f"timeline: the column {header!r} names no time zone; its times are taken as "
                "UTC, as the template's Time (UTC) column",
            )
        if isinstance(clock, dt.datetime):
            moment = clock.astimezone(dt.UTC)
        elif row_day is not None:
            moment = dt.datetime.combine(row_day, clock, dt.UTC)
        elif current is not None:
            moment = dt.datetime.combine(current, clock, dt.UTC)
            if previous is not None and moment < previous:
                moment += dt.timedelta(days=1)
                draft.note(
                    row.line,
                    f"timeline: {time_text} is earlier than the row before; "
                    f"taken as the next day, {moment.date().isoformat()}",
                )
        else:
            draft.note(
                row.line,
                f"timeline: {time_text!r} has no date (the document's Date is not filled in);"
                " row kept in the body",
            )
            continue
        current, previous = moment.date(), moment
        entry: dict[str, Any] = {"at": values.utc(moment), "event": values.one_line(event)}
        who = values.clean(table.cell(row, who_col))
        if who:
            entry["who"] = who
        entries.append(entry)
        moments.append(Moment(moment, event, row.line, fixed))
        if not parts.keep_extra_cells(draft, table, row, mapped, "a timeline entry"):
            draft.doc.use(row.line)
    if entries:
        draft.put("timeline", entries)
    return moments


def _zone(header: str) -> str:
    """The zone other than UTC a `Time (PST)` or `Time (UTC+1)` header names; "" for UTC
    (`Time (UTC, 24h)`) or when the aside names no zone (`Time (24h)`)."""
    aside = re.search(r"\(([^)]*)\)", header)
    words = aside.group(1).strip() if aside else ""
    offset = _OFFSET.fullmatch(words)
    if offset:
        return "" if not int(offset.group(1)) and not int(offset.group(2) or 0) else words
    if not words or _UTC_HEADER.search(words):
        return ""
    return words if _ZONE_NAME.fullmatch(words) else ""


def _fill(cell: str, substitutions: dict[str, str]) -> str | None:
    text = cell
    for name, value in substitutions.items():
        text = text.replace("{" + name + "}", value)
    text = re.sub(r"\s*\(\s*\{[^{}]*\}\s*\)", "", text)
    return values.clean(text)


def milestones(draft: Draft, moments: list[Moment]) -> None:
    """started/detected/mitigated/resolved from the rows that say so; the first row is the
    start unless it is the detection itself (then when it started is not known)."""
    started = next((m for m in moments if _STARTED.search(m.event)), None)
    detected = next((m for m in moments if m is not started and _DETECTED.search(m.event)), None)
    if started is None and moments and moments[0] is not detected:
        started = moments[0]
    mitigated = next((m for m in moments if _MITIGATED.search(m.event)), None)
    resolved = next((m for m in reversed(moments) if _RESOLVED.search(m.event)), None)
    for name, moment in (
        ("started_at", started),
        ("detected_at", detected),
        ("mitigated_at", mitigated),
        ("resolved_at", resolved),
    ):
        if moment is None:
            continue
        draft.put(name, values.utc(moment.at))
        if not moment.template_row:
            draft.note(moment.line, f"{name} taken from the timeline row {moment.event!r}")
    if started is None and detected is not None:
        draft.missing.append(
            "started_at (the timeline begins with the detection; when did the incident start?)"
        )


def duration(draft: Draft, found: list[Field]) -> None:
    """`Duration: N minutes` is resolved_at - started_at: it gives resolved_at when only the
    start is known, is checked against both when both are, and stays text otherwise."""
    started, resolved = draft.get("started_at"), draft.get("resolved_at")
    for item in found:
        text = values.clean(item.value)
        if text is None or values.has_placeholder(text):
            draft.doc.use(item.lines)
            continue
        minutes = values.parse_minutes(text)
        line = item.lines[0]
        if minutes is None:
            draft.note(line, f"duration {text!r} is not a number of minutes; kept in the body")
            continue
        if started is None:
            draft.note(
                line,
                f"duration {text!r} kept in the body: without a start time it gives no resolved_at",
            )
            continue
        start = dt.datetime.fromisoformat(started)
        if resolved is None:
            resolved = values.utc(start + dt.timedelta(minutes=minutes))
            draft.put("resolved_at", resolved)
            draft.note(line, f"resolved_at is started_at + {minutes} minutes (the duration)")
            draft.doc.use(item.lines)
            continue
        actual = (dt.datetime.fromisoformat(resolved) - start).total_seconds() / 60
        if actual == minutes:
            draft.doc.use(item.lines)
        else:
            draft.note(
                line,
                f"duration {text!r} does not match the timeline ({actual:g} minutes from "
                "start to resolution); kept in the body",
            )
