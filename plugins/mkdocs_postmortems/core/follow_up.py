"""`postmortems overdue`: the action items past due (and due soon), grouped by owner, and the
postmortems past their publish deadline; and the formats they are printed in.

A pure function of (corpus entries, taxonomy, as_of, due_within, owners), so the command,
the follow-up issues (`follow_up_issues`) and the tests see one list. Which postmortems
count is the site's rule (`analytics.rows`): every valid postmortem but drafts. An item is
overdue as `metrics.days_overdue` says: open or in progress, and due before the as-of day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_postmortems.core import deadlines, metrics
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.deadlines import LatePublication
from mkdocs_postmortems.core.diagnostics import Diagnostic, format_github
from mkdocs_postmortems.core.schema import ACTIVE_ACTION_STATUSES
from mkdocs_postmortems.core.taxonomy import Taxonomy

NO_OWNER = "(no owner)"
"""How an item without `owner:` is grouped in text and Markdown (its JSON owner is null)."""


@dataclass(frozen=True)
class Row:
    """One action item that is overdue (`days_overdue` > 0) or due soon (<= 0)."""

    postmortem: str
    """The postmortem's id (its file's stem when it has none), as the site names it."""
    postmortem_title: str
    path: str
    severity: str | None
    item: int
    """The item's place in the postmortem's `action_items` (0 is the first)."""
    title: str
    owner: str | None
    handle: str | None
    """The owner's GitHub handle, from the taxonomy's `owners:` map."""
    due: dt.date
    days_overdue: int
    status: str
    priority: str | None

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "postmortem": self.postmortem,
            "title": self.title,
            "owner": self.owner,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "status": self.status,
            "severity": self.severity,
            "priority": self.priority,
            "postmortem_title": self.postmortem_title,
            "path": self.path,
            "item": self.item,
            "handle": self.handle,
        }


@dataclass(frozen=True)
class Late:
    """A postmortem still in draft or in review past its publish deadline, with its authors
    (they own the publishing)."""

    publication: LatePublication
    authors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        p = self.publication
        return {
            "postmortem": p.postmortem,
            "title": p.title,
            "path": p.path,
            "severity": p.severity,
            "status": p.status,
            "resolved_at": p.resolved_at.isoformat(),
            "deadline": p.deadline.isoformat(),
            "days_late": p.days_late,
            "authors": list(self.authors),
        }


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    due_within: int
    rows: list[Row]
    late: list[Late] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def anything_overdue(self) -> bool:
        """What makes `postmortems overdue` exit 1: an item past due or a late publication."""
        return self.overdue > 0 or bool(self.late)

    def by_owner(self) -> list[tuple[str | None, list[Row]]]:
        groups: dict[str | None, list[Row]] = {}
        for row in self.rows:
            groups.setdefault(row.owner, []).append(row)
        return list(groups.items())


def owner_key(owner: str | None) -> tuple[bool, str, str]:
    """Owners in a stable order: by name ignoring case, the unowned last."""
    return (owner is None, (owner or "").casefold(), owner or "")


def rows(
    entries: Iterable[Entry],
    taxonomy: Taxonomy,
    as_of: dt.date,
    due_within: int = 0,
    owners: Collection[str] | None = None,
) -> list[Row]:
    """Open and in-progress items of non-draft postmortems due before `as_of + due_within`
    days: overdue ones (due before `as_of`) and, with `due_within` > 0, those due in the
    `due_within` days from `as_of` on. Only `owners`' items when given. Grouped by owner
    (`owner_key`), most overdue first, then by severity, postmortem and place."""
    if due_within < 0:
        raise ValueError(f"due_within: expected 0 or more days, got {due_within}")
    horizon = as_of + dt.timedelta(days=due_within)
    wanted = None if owners is None else set(owners)
    out: list[Row] = []
    for entry in entries:
        pm = entry.postmortem
        if pm.is_draft:
            continue
        ident = pm.id or Path(entry.path).stem
        for index, item in enumerate(pm.action_items):
            if item.status not in ACTIVE_ACTION_STATUSES or item.due is None:
                continue
            if item.due >= horizon or (wanted is not None and item.owner not in wanted):
                continue
            overdue = metrics.days_overdue(item, as_of)
            out.append(
                Row(
                    postmortem=ident,
                    postmortem_title=pm.title or Path(entry.path).stem,
                    path=entry.path,
                    severity=pm.severity,
                    item=index,
                    title=item.title,
                    owner=item.owner,
                    handle=taxonomy.handle(item.owner),
                    due=item.due,
                    days_overdue=overdue if overdue is not None else -(item.due - as_of).days,
                    status=item.status,
                    priority=item.priority,
                )
            )
    out.sort(
        key=lambda r: (
            owner_key(r.owner),
            -r.days_overdue,
            taxonomy.rank(r.severity),
            r.postmortem,
            r.path,
            r.item,
        )
    )
    return out


def late_publications(
    entries: Sequence[Entry],
    taxonomy: Taxonomy,
    as_of: dt.date,
    authors: Collection[str] | None = None,
) -> list[Late]:
    """Postmortems past their publish deadline (`deadlines`), with their authors; only
    those `authors` wrote when given. Most late first."""
    by_path = {entry.path: entry for entry in entries}
    wanted = None if authors is None else set(authors)
    out: list[Late] = []
    for late in deadlines.late_publications(list(entries), taxonomy, as_of):
        entry = by_path.get(late.path)
        written_by = tuple(entry.postmortem.authors or ()) if entry is not None else ()
        if wanted is not None and not wanted.intersection(written_by):
            continue
        out.append(Late(late, written_by))
    out.sort(key=lambda x: (-x.publication.days_late, x.publication.postmortem, x.publication.path))
    return out


# Formats ----------------------------------------------------------------------------------


def days_text(days_overdue: int) -> str:
    """`12 days overdue`, `due today`, `due in 3 days`."""
    if days_overdue > 0:
        return f"{days_overdue} day{'s' * (days_overdue != 1)} overdue"
    if days_overdue == 0:
        return "due today"
    return f"due in {-days_overdue} day{'s' * (days_overdue != -1)}"


def _one_line(text: str) -> str:
    """Owners may span lines (`Text`); one line is how a listing shows them."""
    return " ".join(text.split()) or text


def owner_text(owner: str | None) -> str:
    return NO_OWNER if owner is None else _one_line(owner)


def _window(report: Report) -> str:
    if report.due_within <= 0:
        return ""
    last = report.as_of + dt.timedelta(days=report.due_within - 1)
    return f", or due by {last.isoformat()}"


def _counts(rows: Sequence[Row]) -> str:
    overdue = sum(1 for row in rows if row.overdue)
    soon = len(rows) - overdue
    parts = [f"{overdue} overdue"] if overdue or not soon else []
    if soon:
        parts.append(f"{soon} due soon")
    return ", ".join(parts)


def to_text(report: Report, *, items: bool = True, publications: bool = True) -> str:
    """Owners, each with their items in aligned columns; then the late publications."""
    out: list[str] = []
    if items:
        out.append(f"Action items overdue as of {report.as_of.isoformat()}{_window(report)}:")
        if not report.rows:
            out.append("  none")
        width = max((len(row.postmortem) for row in report.rows), default=0)
        level = max((len(row.severity or "-") for row in report.rows), default=0)
        for owner, group in report.by_owner():
            out.append(f"{owner_text(owner)} ({_counts(group)})")
            for row in group:
                out.append(
                    f"  {row.postmortem:<{width}}  {row.severity or '-':<{level}}  "
                    f"due {row.due.isoformat()}  {days_text(row.days_overdue):<17}  "
                    f"{row.status:<11}  {row.title}"
                )
    if publications and report.late:
        if out:
            out.append("")
        out.append(f"Postmortems past their publish deadline as of {report.as_of.isoformat()}:")
        width = max(len(late.publication.postmortem) for late in report.late)
        for late in report.late:
            p = late.publication
            out.append(
                f"  {p.postmortem:<{width}}  {p.severity}  {p.status:<9}  "
                f"deadline {p.deadline.isoformat()}  {p.days_late} day"
                f"{'s' * (p.days_late != 1)} late  {p.title}"
            )
    out.append("")
    out.append(summary(report))
    return "\n".join(out) + "\n"


def summary(report: Report) -> str:
    overdue = report.overdue
    soon = len(report.rows) - overdue
    parts = [f"{overdue} action item{'s' * (overdue != 1)} overdue"]
    if report.due_within > 0:
        parts.append(f"{soon} due within {report.due_within} day{'s' * (report.due_within != 1)}")
    late = len(report.late)
    if late:
        parts.append(f"{late} postmortem{'s' * (late != 1)} past the publish deadline")
    return f"{', '.join(parts)}, as of {report.as_of.isoformat()}."


def to_json(report: Report, *, publications: bool = False) -> str:
    """A list: the action items (the issue's shape), or with `publications` the late
    publications instead."""
    data = (
        [late.to_json() for late in report.late]
        if publications
        else [row.to_json() for row in report.rows]
    )
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_MARKDOWN_SPECIAL = frozenset("\\`*_[]()<>&|~!#@:$")
"""What can start Markdown inside a line (GitHub's math and autolinks included); a line's
first character (`-`, `+`, `=`) never comes from text here."""
_HIDDEN = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def markdown_text(text: str) -> str:
    """Any text as literal Markdown (GitHub's included) inside a line, whoever wrote it:
    each character that could start a construct backslash-escaped (no link, emphasis, HTML,
    entity, table cell end, math or comment can start), white space one line, and `@`
    kept from mentioning anyone (a zero width space after it: GitHub finds mentions in the
    rendered text, escaped or not)."""
    out: list[str] = []
    for char in _one_line(text):
        if char in _HIDDEN:
            continue
        if char in _MARKDOWN_SPECIAL:
            out.append("\\" + char)
            if char == "@":
                out.append("\u200b")
        else:
            out.append(char)
    return "".join(out)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table; the cells are Markdown already (escape text with `markdown_text`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines.extend("| " + " | ".join(cells) + " |" for cells in rows)
    return "\n".join(lines) + "\n"


ITEM_HEADER = ("Postmortem", "Action item", "Severity", "Due", "Overdue by", "Status")


def item_cells(row: Row, postmortem: str | None = None) -> list[str]:
    """A row's cells; `postmortem` replaces the plain id (a link, say)."""
    return [
        postmortem or markdown_text(row.postmortem),
        markdown_text(row.title),
        markdown_text(row.severity or "\u2013"),
        row.due.isoformat(),
        markdown_text(days_text(row.days_overdue)),
        markdown_text(row.status),
    ]


def to_markdown(report: Report, *, items: bool = True, publications: bool = True) -> str:
    """A digest to paste or post: a section per owner, then the late publications."""
    out: list[str] = []
    if items:
        out.append(f"## Overdue action items as of {report.as_of.isoformat()}{_window(report)}\n")
        if not report.rows:
            out.append("Nothing is overdue.\n")
        for owner, group in report.by_owner():
            out.append(f"### {markdown_text(owner_text(owner))} ({_counts(group)})\n")
            out.append(markdown_table(ITEM_HEADER, (item_cells(row) for row in group)))
    if publications and report.late:
        out.append(f"## Postmortems past their publish deadline as of {report.as_of.isoformat()}\n")
        out.append(
            markdown_table(
                ("Postmortem", "Title", "Severity", "Status", "Deadline", "Late by", "Authors"),
                (
                    [
                        markdown_text(p.postmortem),
                        markdown_text(p.title),
                        markdown_text(p.severity),
                        markdown_text(p.status),
                        p.deadline.isoformat(),
                        f"{p.days_late} day{'s' * (p.days_late != 1)}",
                        markdown_text(", ".join(late.authors)) or "\u2013",
                    ]
                    for late in report.late
                    for p in [late.publication]
                ),
            )
        )
    out.append(summary(report) + "\n")  # our words and numbers only
    return "\n".join(out)


def to_github(
    report: Report,
    positions: dict[tuple[str, tuple[str | int, ...]], tuple[int, int]] | None = None,
    *,
    items: bool = True,
    publications: bool = True,
) -> str:
    """GitHub Actions annotations: an error at each overdue item (its `due`) and late
    postmortem (its `status`), a warning at each item due soon. `positions` maps
    (path, field path) to (line, column); without it, line 1."""
    found = positions or {}
    notes: list[Diagnostic] = []
    if items:
        for row in report.rows:
            where = ("action_items", row.item, "due")
            line, column = found.get((row.path, where), (1, 1))
            notes.append(
                Diagnostic(
                    row.path,
                    line,
                    column,
                    f"action_items[{row.item}]",
                    f"{days_text(row.days_overdue)} (due {row.due.isoformat()}, "
                    f"{owner_text(row.owner)}, {row.status}): {row.title}",
                    "error" if row.overdue else "warning",
                )
            )
    if publications:
        for late in report.late:
            p = late.publication
            line, column = found.get((p.path, ("status",)), (1, 1))
            notes.append(
                Diagnostic(
                    p.path,
                    line,
                    column,
                    "status",
                    f"still {p.status} {p.days_late} day{'s' * (p.days_late != 1)} past the "
                    f"publish deadline ({p.deadline.isoformat()})",
                )
            )
    return format_github(notes)


def positions(
    report: Report, entries: Iterable[Entry]
) -> dict[tuple[str, tuple[str | int, ...]], tuple[int, int]]:
    """Where each listed item's `due` and each late postmortem's `status` are written:
    the files with something listed are read again for their positions (entries keep none)."""
    from mkdocs_postmortems.core import loader, reading

    wanted: dict[str, list[tuple[str | int, ...]]] = {}
    for row in report.rows:
        wanted.setdefault(row.path, []).append(("action_items", row.item, "due"))
    for late in report.late:
        wanted.setdefault(late.publication.path, []).append(("status",))
    out: dict[tuple[str, tuple[str | int, ...]], tuple[int, int]] = {}
    for entry in entries:
        if entry.path not in wanted:
            continue
        try:
            raw = reading.read_regular(str(entry.source), loader.MAX_FILE_BYTES)
            marks = loader.parse(entry.path, raw).marks
        except (reading.Unreadable, loader.LoadError):  # changed since it was read: line 1 will do
            continue
        for where in wanted[entry.path]:
            out[(entry.path, where)] = marks.value(where)
    return out
