"""Readers of the parts both seed templates share: header fields, impact, contributing
factors, action items, links (the timeline has its own module, `template_timeline`).

Each reader moves what it can read to front matter and marks those lines used; what it
cannot read stays in the body with a note, and an unrecognised word for a closed set
(`priority: Urgent`) is passed on as written so that validation names it and the fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.cli.importers import body_links, values
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.markdown_sections import (
    Document,
    Field,
    Item,
    Row,
    Table,
    key,
)
from mkdocs_postmortems.core.schema import SLUG_PATTERN
from mkdocs_postmortems.core.taxonomy import Taxonomy

_INLINE_KEYS = ("owner", "due", "priority", "status", "ticket")


@dataclass
class Draft:
    """A conversion in progress: the front matter so far, what to tell the author, and
    the document whose unused lines become the body."""

    doc: Document
    taxonomy: Taxonomy
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    noted_tables: set[tuple[int, str]] = field(default_factory=set)
    """(table, what) already explained in a note, so that a table gets each note once."""

    def put(self, path: str, value: Any) -> None:
        """Set a dotted path (`hotfix.tag`), creating the mappings on the way."""
        *parents, name = path.split(".")
        target = self.data
        for part in parents:
            target = target.setdefault(part, {})
        target[name] = value

    def get(self, path: str) -> Any:
        target: Any = self.data
        for part in path.split("."):
            if not isinstance(target, dict) or part not in target:
                return None
            target = target[part]
        return target

    def note(self, line: int, message: str) -> None:
        self.notes.append(f"line {line + 1}: {message}" if line >= 0 else message)

    def finish(self) -> Imported:
        unfilled = self.doc.unfilled_sections()
        if unfilled:
            self.notes.append(
                "sections still holding only placeholders were left out: " + ", ".join(unfilled)
            )
        for path, text in _strings(self.data):
            if values.has_placeholder(text):
                self.notes.append(f"{path} still contains a placeholder: {text!r}")
        body, notes = body_links.publishable(self.doc.body())
        return Imported(self.data, body, self.missing, [*self.notes, *notes])


def _strings(data: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _strings(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _strings(v, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []


# --- header fields


def text_field(draft: Draft, found: Field | None, path: str) -> str | None:
    """A free-text field: moved when filled, dropped when still a placeholder."""
    if found is None:
        return None
    draft.doc.use(found.all_lines)
    value = values.clean(found.value)
    if value is None and found.items:
        kept = [v for v in (values.clean(i.text) for i in found.items) if v]
        value = "\n".join(f"- {v}" for v in kept) or None
    if value is not None:
        draft.put(path, value)
    return value


def date_field(draft: Draft, found: Field | None, path: str) -> dt.date | None:
    """A date: YYYY-MM-DD when readable without guessing; otherwise the line stays in the
    body and a note says why (`03/04/2026` is March or April)."""
    if found is None:
        return None
    value = values.clean(found.value)
    if value is None:
        draft.doc.use(found.lines)
        return None
    day = values.parse_day(value)
    if day is None:
        draft.note(
            found.lines[0],
            f"{path}: {values.day_problem(value)}; kept in the body, {path} left out "
            "(write it as YYYY-MM-DD)",
        )
        return None
    draft.doc.use(found.lines)
    draft.put(path, day.isoformat())
    return day


def names_field(draft: Draft, found: Field | None, path: str) -> None:
    if found is None:
        return
    draft.doc.use(found.all_lines)
    written = [found.value] if found.value else [item.text for item in found.items]
    people = [name for text in written for name in values.names(text)]
    if people:
        draft.put(path, people)


def severity_field(draft: Draft, found: Field | None) -> None:
    """`P1`, `p1`, `Major` or `SEV1` -> the taxonomy's level; anything else as written."""
    if found is None:
        return
    draft.doc.use(found.lines)
    value = values.clean(found.value)
    if value is None or values.has_placeholder(value):
        return
    level = draft.taxonomy.severity_for(value)
    if level is None:
        first, rest = _first_word(value)
        level = draft.taxonomy.severity_for(first)
        other = next(
            (
                key
                for key, severity in draft.taxonomy.severities.items()
                if key != level and re.search(rf"\b{re.escape(severity.label)}\b", rest, re.I)
            ),
            None,
        )
        if level is not None and other is not None:
            draft.note(
                found.lines[0],
                f"severity {value!r} names both {level} and {other} "
                f"({draft.taxonomy.severities[other].label}); written as found for you to choose",
            )
            level = None
    draft.put("severity", level or value)


def _first_word(text: str) -> tuple[str, str]:
    """`P1 - Major` -> (`P1`, `- Major`)."""
    parts = re.split(r"[\s(,:]", text, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


# --- impact


SUMMARY_HEADINGS = ("Executive Summary", "Summary", "TL;DR")


def summary_field(draft: Draft) -> None:
    """The summary section's text; it stays in the body too, since the page shows the body."""
    section = draft.doc.find(*SUMMARY_HEADINGS)
    if section is not None:
        text, _ = draft.doc.text(section)
        if text:
            draft.put("summary", text)


IMPACT_LABELS = (
    "Users affected",
    "Duration",
    "Severity",
    "Revenue impact",
    "Revenue",
    "Data impact",
    "Reputation impact",
    "Reputation",
)
"""The impact labels, read with or without bold."""


def impact(draft: Draft, fields: list[Field]) -> None:
    """The impact bullets: users, revenue (a plain dollar amount, or `none` for 0), data,
    reputation."""
    homes = {
        "users affected": "impact.users_affected",
        "data impact": "impact.data_impact",
        "reputation impact": "impact.reputation",
        "reputation": "impact.reputation",
    }
    for item in fields:
        if item.key in homes:
            value = text_field(draft, item, homes[item.key])
            if value is not None and item.key == "users affected":
                draft.put("impact.users_affected", values.parse_count(value))
        elif item.key in ("revenue impact", "revenue"):
            value = values.clean(item.value)
            if value is None:
                draft.doc.use(item.lines)
                continue
            amount = values.parse_revenue(value)
            if amount is None:
                draft.note(
                    item.lines[0],
                    f"revenue {value!r} is not a plain dollar amount (like $18,500); "
                    "kept in the body, impact.revenue_usd left out",
                )
                continue
            draft.put("impact.revenue_usd", amount)
            draft.doc.use(item.lines)


# --- contributing factors


def factors(draft: Draft, found: Field | None) -> None:
    """Each factor that spells a taxonomy key, label or alias (alone, or before `:` or a
    dash) becomes that key; the rest stay in the body."""
    if found is None:
        return
    items = list(found.items) or [
        Item(part, found.lines) for part in re.split(r"\s*[,;]\s*", found.value) if part
    ]
    keys: list[str] = []
    all_used = True
    for item in items:
        text = values.clean(item.text)
        if text is None:
            draft.doc.use(item.lines)
            continue
        factor, exact = _factor(draft.taxonomy, text)
        if factor is None:
            all_used = False
            draft.note(
                item.lines[0],
                f"contributing factor {text!r} matches no key, label or alias of the "
                "taxonomy; kept in the body",
            )
            continue
        if factor not in keys:
            keys.append(factor)
        if not exact:
            all_used = False  # the explanation after the label stays in the body
        elif found.items:
            draft.doc.use(item.lines)
    if keys:
        draft.put("contributing_factors", keys)
    if all_used:
        draft.doc.use(found.lines)


def _factor(taxonomy: Taxonomy, text: str) -> tuple[str | None, bool]:
    """The factor key and whether the whole text is that factor (not a label followed by
    an explanation). Without a factor vocabulary, only a text that is a slug is a key."""
    lead = re.split(r"\s*(?::|\s[-\u2013\u2014]\s|\()", text, maxsplit=1)[0].strip(" .*_")
    for candidate, exact in ((text.strip(" ."), True), (lead, False)):
        if taxonomy.contributing_factors is None:
            found = candidate if re.fullmatch(SLUG_PATTERN, candidate) else None
        else:
            found = taxonomy.factor_for(candidate)
        if found:
            return found, exact
    return None, False


# --- action items


def action_table(draft: Draft, table: Table, kind: str | None) -> list[dict[str, Any]]:
    """Rows of an Action | Owner | Due Date | Priority | Status (| Ticket) table; rows whose
    action is still a placeholder are the template's and are dropped. A row with a value in
    a column that has no place in an action item (`Notes`) is also kept in the body."""
    columns = {
        "title": table.column("action", "title", "item"),
        "owner": table.column("owner", "who", "assignee"),
        "due": table.column("due", "date", "deadline"),
        "priority": table.column("priority"),
        "status": table.column("status", "state"),
        "ticket": table.column("ticket", "story", "issue", "jira"),
    }
    if columns["title"] is None:
        columns["title"] = 0
    found = []
    mapped = {col for col in columns.values() if col is not None}
    for row in table.rows:
        cells = {name: values.clean(table.cell(row, col)) for name, col in columns.items()}
        title = cells.pop("title")
        if title is None:
            if any(cells[name] for name in ("owner", "due", "ticket")):
                draft.note(row.line, "action item without an action; kept in the body")
            elif values.has_placeholder(table.cell(row, columns["title"])):
                draft.doc.unfilled.add(row.line)  # `| {action_2} | {owner} | ... | High |`
            else:
                draft.doc.use(row.line)
            continue
        if not keep_extra_cells(draft, table, row, mapped, "an action item"):
            draft.doc.use(row.line)
        found.append(action_item(draft, row.line, title, kind, cells))
    return found


def keep_extra_cells(draft: Draft, table: Table, row: Row, mapped: set[int], what: str) -> bool:
    """Whether `row` has a value in a column with no place in `what`; if so the caller
    keeps the row in the body (its table's header goes with it) and a note, once a table,
    names the column."""
    extra = [
        title
        for index, title in enumerate(table.header)
        if index not in mapped and key(title) and values.clean(table.cell(row, index))
    ]
    if extra and (table.lines[0], "columns") not in draft.noted_tables:
        draft.noted_tables.add((table.lines[0], "columns"))
        names = ", ".join(repr(title) for title in extra)
        draft.note(
            row.line,
            f"{names} has no place in {what}; the rows with a value there are kept in the "
            "body as well",
        )
    return bool(extra)


def action_item(
    draft: Draft, line: int, title: str, kind: str | None, cells: dict[str, str | None]
) -> dict[str, Any]:
    item: dict[str, Any] = {"title": values.one_line(title)}
    if kind:
        item["type"] = kind
    if cells.get("owner"):
        item["owner"] = cells["owner"]
    due = cells.get("due")
    if due:
        day = values.parse_day(due)
        item["due"] = day.isoformat() if day else due
        if day is None and values.ambiguous_day(due):
            draft.note(
                line,
                f"due {values.day_problem(due)}; written as found for you to correct (YYYY-MM-DD)",
            )
    if cells.get("priority"):
        item["priority"] = values.priority(cells["priority"] or "")
    if cells.get("status"):
        item["status"] = values.status(cells["status"] or "")
    if cells.get("ticket"):
        item["ticket"] = cells["ticket"]
    return item


def action_list(
    draft: Draft, items: list[Item], kind: str, horizon: str | None = None
) -> list[dict[str, Any]]:
    """Action items written as a list: `- [ ] Add a canary stage (owner: ana, due:
    2026-04-15, priority: high)`. A checked box is done and an empty one open; a plain
    bullet says neither, so its status is left for the author."""
    found: list[dict[str, Any]] = []
    for item in items:
        text = values.clean(item.text)
        if text is None:
            if not values.has_placeholder(item.text):
                draft.doc.use(item.lines)  # `N/A`, `-`: nothing to do
            continue
        title, pairs = inline_pairs(text)
        if item.checked is not None:
            pairs.setdefault("status", "done" if item.checked else "open")
        action = action_item(draft, item.lines[0], title, kind, pairs)
        if horizon:
            action["horizon"] = horizon
        if "status" not in action:
            draft.missing.append(
                f"action_items[{_next_index(draft) + len(found)}].status (a plain bullet: "
                "no [ ] or [x] to say whether it is done)"
            )
        found.append(action)
        draft.doc.use(item.lines)
    return found


def _next_index(draft: Draft) -> int:
    existing = draft.data.get("action_items")
    return len(existing) if isinstance(existing, list) else 0


def inline_pairs(text: str) -> tuple[str, dict[str, str | None]]:
    """`Add a canary stage (owner: ana, due: 2026-04-15, priority: high)` -> the title
    and its pairs; text without such a trailing group comes back unchanged. A value may
    hold brackets of its own: `(owner: Ana Silva (SRE), due: TBD)`."""
    start = _trailing_group(text)
    if start is None:
        return text, {}
    pairs: dict[str, str | None] = {}
    names = "|".join(_INLINE_KEYS)
    inside = text[start + 1 : text.rstrip().rindex(")")].strip()
    for part in re.split(rf"\s*[,;]\s*(?=(?:{names})\s*:)", inside, flags=re.I):
        name, colon, value = part.partition(":")
        if not colon or key(name) not in _INLINE_KEYS:
            return text, {}
        pairs[key(name)] = values.clean(value)
    return text[:start].strip(), pairs


def _trailing_group(text: str) -> int | None:
    """Where the bracketed group that ends `text` opens, brackets inside it matched."""
    stripped = text.rstrip()
    if not stripped.endswith(")"):
        return None
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(stripped[index], 0)
        if depth == 0:
            return index
    return None


# --- links


_LINK_NAMES: tuple[tuple[str, str], ...] = (
    ("ticket", "ticket"),
    ("pr", "pr"),
    ("pull request", "pr"),
    ("merge request", "pr"),
    ("release", "release"),
    ("dashboard", "dashboard"),
)


def link_name(label: str) -> str:
    words = key(label)
    for word, name in _LINK_NAMES:
        if re.search(rf"\b{word}\b", words):
            return name
    return values.slug(label).replace("-", "_") or "link"


def link(draft: Draft, label: str, text: str, lines: tuple[int, ...]) -> None:
    """One related link: https only, one URL per name."""
    value = values.clean(text)
    if value is None:
        draft.doc.use(lines)
        return
    url = values.https_url(value)
    name = link_name(label)
    if url is None:
        draft.note(lines[0], f"{label}: {value!r} is not an https:// link; kept in the body")
        return
    links = draft.data.setdefault("links", {})
    if links.get(name, url) != url:
        draft.note(lines[0], f"a second {name} link {url!r}; kept in the body")
        return
    links[name] = url
    draft.doc.use(lines)
