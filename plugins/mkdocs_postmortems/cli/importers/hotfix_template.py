"""The "Hotfix Post-Mortem: {TAG}" seed template, filled in -> a postmortem.

Its timeline has fixed milestone rows (Incident detected ... Incident resolved) whose times
give detected_at and resolved_at; the hotfix block, testing checklist, waivers, prevention
measures by horizon, approvals and related links all have homes in the schema.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs_postmortems.cli.importers import template_parts as parts
from mkdocs_postmortems.cli.importers import template_timeline as times
from mkdocs_postmortems.cli.importers import values
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.markdown_sections import Document, Section, key
from mkdocs_postmortems.core.taxonomy import Taxonomy

NAME = "hotfix-template"

_TITLE = re.compile(r"^hotfix\s+post[-\s]?mortem\s*[:\u2013\u2014-]?\s*(?P<tag>.*)$", re.IGNORECASE)
_MARKERS = ("hotfix tag", "parent release")
_SECTIONS = ("prevention measures", "testing performed", "waivers used", "files modified")
FIXED_EVENTS = frozenset(
    key(event)
    for event in (
        "Incident detected",
        "Investigation started",
        "Root cause identified",
        "Hotfix development started",
        "Hotfix deployed to staging",
        "Hotfix approved for production",
        "Hotfix released",
        "Incident resolved",
    )
)
_TESTING = ("unit", "integration", "manual", "staging", "canary")
_TESTING_WORDS = frozenset(
    {"test", "tests", "testing", "verification", "validation", "deployment", "deploy", "release"}
)
_HORIZONS = (
    (("immediate actions",), "immediate"),
    (("medium term improvements",), "quarter"),
    (("long term systemic changes", "long term changes"), "long-term"),
)


def detect(text: str) -> bool:
    """The template's title line, or its hotfix header fields and two of its sections."""
    if text.lstrip("\ufeff").startswith("---\n"):
        return False  # front matter: a postmortem (or a corpus file) already
    doc = Document(text[:200_000])
    title = doc.title()
    if title is not None and _TITLE.match(title.title):
        return True
    labels = {f.key for f in doc.fields(doc.preamble())}
    sections = {s.key for s in doc.root.walk()}
    return all(m in labels for m in _MARKERS) and len(sections & set(_SECTIONS)) >= 2


def convert(name: str, text: str, taxonomy: Taxonomy) -> Imported:
    doc = Document(text)
    draft = parts.Draft(doc, taxonomy)
    head = doc.preamble()
    tag = _header(draft, head)
    day = parts.date_field(draft, doc.field(head, "Date"), "date")
    _title(draft, tag)
    parts.names_field(draft, doc.field(head, "Author", "Authors"), "authors")
    parts.summary_field(draft)
    table = times.first_table(doc, doc.find("Timeline"))
    moments = times.timeline(
        draft, table, day, fixed_events=FIXED_EVENTS, substitutions={"TAG": tag} if tag else {}
    )
    times.milestones(draft, moments)
    _impact(draft)
    _hotfix(draft)
    _prevention(draft)
    _approvals(draft)
    _related_links(draft)
    return draft.finish()


def _header(draft: parts.Draft, head: Section) -> str | None:
    doc = draft.doc
    tag = parts.text_field(draft, doc.field(head, "Hotfix Tag"), "hotfix.tag")
    title = doc.title()
    match = _TITLE.match(title.title) if title else None
    title_tag = values.clean(match.group("tag")) if match else None
    if tag is None and title_tag is not None:
        tag = title_tag
        draft.put("hotfix.tag", tag)
    elif tag and title_tag and title_tag != tag:
        draft.notes.append(f"the title names {title_tag!r}, the Hotfix Tag field {tag!r}")
    parts.text_field(draft, doc.field(head, "Parent Release"), "hotfix.parent_release")
    ticket = doc.field(head, "Ticket")
    if ticket is not None:
        parts.link(draft, ticket.label, ticket.value, ticket.lines)
    return tag


def _title(draft: parts.Draft, tag: str | None) -> None:
    """The title line is the title; the tag is the id only when it is shaped like one."""
    heading = draft.doc.title()
    if heading is not None:
        draft.doc.use_heading(heading)
        title = heading.title.replace("{TAG}", tag) if tag else heading.title
        if values.clean(title) and not values.has_placeholder(title):
            draft.put("title", values.one_line(title))
    if tag and values.is_id(tag):
        draft.put("id", tag)
    elif tag:
        draft.missing.append(f"id (the hotfix tag {tag!r} is not an id like HOTFIX-231)")


def _impact(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("What Was the Impact", "Impact")
    if section is None:
        return
    fields = doc.fields(section, plain=parts.IMPACT_LABELS)
    parts.impact(draft, fields)
    parts.severity_field(draft, next((f for f in fields if f.key == "severity"), None))
    times.duration(draft, [f for f in fields if f.key == "duration"])


def _hotfix(draft: parts.Draft) -> None:
    doc = draft.doc
    files = doc.find("Files Modified")
    if files is not None:
        found = [
            line.strip().lstrip("-*+ ").strip("`")
            for block in doc.code_blocks(files)
            for line in block.text
        ]
        for block in doc.code_blocks(files):
            doc.use(block.lines)
        for item in doc.items(files):
            found.append(item.text.strip("`"))
            doc.use(item.lines)
        kept = [v for v in (values.clean(f) for f in found) if v]
        if kept:
            draft.put("hotfix.files_modified", kept)
    testing = doc.find("Testing Performed", "Testing")
    if testing is not None:
        _testing(draft, testing)
    waivers = doc.find("Waivers Used", "Waivers")
    if waivers is not None:
        _waivers(draft, waivers)


def _testing(draft: parts.Draft, section: Section) -> None:
    """Checked kinds of testing; a line that says more than the kind (`Manual verification
    (checked three locales)`) also stays in the body, for what it says."""
    done: list[str] = []
    for item in draft.doc.items(section):
        words = key(item.text).split()
        kind = next((k for k in _TESTING if k in words), None)
        if kind is None:
            if values.clean(item.text):
                draft.note(
                    item.lines[0],
                    f"testing {item.text!r} is not one of {', '.join(_TESTING)}; kept in the body",
                )
            continue
        said = re.sub(r"[^a-z0-9]+", " ", item.text.casefold()).split()
        if not set(said) - {kind, *_TESTING_WORDS}:
            draft.doc.use(item.lines)
        if item.checked and kind not in done:
            done.append(kind)
    if done:
        draft.put("hotfix.testing", done)


def _waivers(draft: parts.Draft, section: Section) -> None:
    found = []
    for table in draft.doc.tables(section):
        columns = [
            table.column("id", "waiver"),
            table.column("type"),
            table.column("gates", "gate"),
            table.column("justification", "reason", "why"),
        ]
        mapped = {c for c in columns if c is not None}
        for row in table.rows:
            waiver_id, kind, gates, why = (values.clean(table.cell(row, c)) for c in columns)
            if waiver_id is None or waiver_id.casefold() == "none":
                if any((kind, gates, why)) and waiver_id is None:
                    draft.note(row.line, "a waiver without an id; kept in the body")
                elif not any(values.has_placeholder(cell) for cell in row.cells):
                    draft.doc.use(row.line)  # `None` or `N/A`: no waiver
                continue
            waiver: dict[str, Any] = {"id": waiver_id}
            if kind:
                waiver["type"] = kind
            if gates:
                waiver["gates"] = [g for g in re.split(r"\s*[,;]\s*", gates) if g]
            if why:
                waiver["justification"] = why
            found.append(waiver)
            if not parts.keep_extra_cells(draft, table, row, mapped, "a waiver"):
                draft.doc.use(row.line)
    if found:
        draft.put("hotfix.waivers", found)


def _prevention(draft: parts.Draft) -> None:
    """Checklists by horizon -> action items to prevent recurrence, done when checked."""
    doc = draft.doc
    measures = doc.find("Prevention Measures")
    for names, horizon in _HORIZONS:
        section = doc.find(*names, within=measures)
        if section is None:
            continue
        items = parts.action_list(draft, doc.items(section), "prevent", horizon)
        if items:
            draft.data.setdefault("action_items", []).extend(items)


def _approvals(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("Approvals", "Sign-off", "Sign off")
    if section is None:
        return
    found = []
    for item in doc.items(section):
        role, colon, name = item.text.partition(":")
        role = re.sub(r"\s*\(if applicable\)", "", role, flags=re.IGNORECASE).strip(" *_")
        person = values.clean(name) if colon else None
        if person is None and name.strip() and not values.has_placeholder(name):
            draft.note(
                item.lines[0],
                f"approval {role!r} reads {name.strip()!r}: no approval recorded; kept in the body",
            )
            continue  # `N/A`, `TBD`: neither approved nor waiting for someone named
        doc.use(item.lines)
        if not values.clean(role) or (person is None and not item.checked):
            continue
        approval: dict[str, Any] = {"role": values.one_line(role)}
        if person:
            approval["name"] = person
        approval["approved"] = bool(item.checked)
        found.append(approval)
    if found:
        draft.put("approvals", found)


def _related_links(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("Related Links", "Links")
    if section is None:
        return
    for item in doc.items(section):
        label, colon, value = item.text.partition(": ")
        if colon:
            parts.link(draft, label.strip(" *_"), value, item.lines)
        elif values.https_url(item.text):
            parts.link(draft, "link", item.text, item.lines)
