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

from mkdocs_postmortems.importers import values
from mkdocs_postmortems.importers.base import Imported
from mkdocs_postmortems.importers.markdown_sections import (
    Document,
    Field,
    Item,
    Table,
    key,
)
from mkdocs_postmortems.schema import SLUG_PATTERN
from mkdocs_postmortems.taxonomy import Taxonomy

_INLINE_PAIRS = re.compile(r"\s*\((?P<pairs>[^()]*)\)\s*$")
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
        return Imported(self.data, self.doc.body(), self.missing, self.notes)


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
    """A date: YYYY-MM-DD when readable; otherwise passed on as written."""
    if found is None:
        return None
    draft.doc.use(found.lines)
    value = values.clean(found.value)
    if value is None:
        return None
    day = values.parse_day(value)
    draft.put(path, day.isoformat() if day else value)
    if day is None:
        draft.note(found.lines[0], f"{path}: could not read {value!r} as a date (YYYY-MM-DD)")
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
        first = re.split(r"[\s(,:]", value, maxsplit=1)[0]
        level = draft.taxonomy.severity_for(first)
    draft.put("severity", level or value)


# --- impact


def impact(draft: Draft, fields: list[Field]) -> None:
    """The impact bullets: users, revenue (a plain dollar amount only), data, reputation."""
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
            amount = values.parse_usd(value)
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
    """Rows of an Action | Owner | Due Date | Priority | Status table; rows whose action is
    still a placeholder are the template's and are dropped."""
    columns = {
        "title": table.column("action", "title", "item"),
        "owner": table.column("owner", "who"),
        "due": table.column("due", "date"),
        "priority": table.column("priority"),
        "status": table.column("status"),
        "ticket": table.column("ticket", "story", "issue"),
    }
    if columns["title"] is None:
        columns["title"] = 0
    found = []
    for row in table.rows:
        cells = {name: values.clean(table.cell(row, col)) for name, col in columns.items()}
        draft.doc.use(row.line)
        title = cells.pop("title")
        if title is None:
            if any(cells[name] for name in ("owner", "due", "ticket")):
                draft.doc.used.discard(row.line)
                draft.note(row.line, "action item without an action; kept in the body")
            continue
        found.append(action_item(title, kind, cells))
    return found


def action_item(title: str, kind: str | None, cells: dict[str, str | None]) -> dict[str, Any]:
    item: dict[str, Any] = {"title": values.one_line(title)}
    if kind:
        item["type"] = kind
    if cells.get("owner"):
        item["owner"] = cells["owner"]
    due = cells.get("due")
    if due:
        day = values.parse_day(due)
        item["due"] = day.isoformat() if day else due
    if cells.get("priority"):
        item["priority"] = values.priority(cells["priority"] or "")
    if cells.get("status"):
        item["status"] = values.status(cells["status"] or "")
    if cells.get("ticket"):
        item["ticket"] = cells["ticket"]
    return item


def inline_pairs(text: str) -> tuple[str, dict[str, str | None]]:
    """`Add a canary stage (owner: ana, due: 2026-04-15, priority: high)` -> the title
    and its pairs; text without such a trailing group comes back unchanged."""
    match = _INLINE_PAIRS.search(text)
    if not match:
        return text, {}
    pairs: dict[str, str | None] = {}
    names = "|".join(_INLINE_KEYS)
    for part in re.split(
        rf"\s*[,;]\s*(?=(?:{names})\s*:)", match.group("pairs").strip(), flags=re.I
    ):
        name, colon, value = part.partition(":")
        if not colon or key(name) not in _INLINE_KEYS:
            return text, {}
        pairs[key(name)] = values.clean(value)
    return text[: match.start()].strip(), pairs


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
