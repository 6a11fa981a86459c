"""The "Postmortem: HOTFIX-{ID}" seed template, filled in -> a postmortem.

The title line gives the id and `**Incident:**` the title; its free-form timeline gives the
start (the first row, unless that row is the detection) and the rows that say detected,
mitigated or resolved; action items come in tables by type; the review meeting closes it.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs_postmortems.cli.importers import template_parts as parts
from mkdocs_postmortems.cli.importers import template_timeline as times
from mkdocs_postmortems.cli.importers import values
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.markdown_sections import Document, Section
from mkdocs_postmortems.core.taxonomy import Taxonomy

NAME = "postmortem-template"

_TITLE = re.compile(r"^post[-\s]?mortem\s*[:\u2013\u2014-]\s*(?P<rest>.*)$", re.IGNORECASE)
_SECTIONS = frozenset(
    {
        "where we got lucky",
        "blameless culture note",
        "prevent recurrence",
        "improve detection",
        "improve response",
        "proper fix",
        "why it wasnt caught earlier",
    }
)
_KINDS = (
    ("prevent", "prevent"),
    ("detect", "detect"),
    ("respon", "respond"),
    ("mitigat", "mitigate"),
    ("process", "process"),
)


def detect(text: str) -> bool:
    """The `Postmortem:` title line with the template's header or sections, or most of
    its distinctive sections."""
    if text.lstrip("\ufeff").startswith("---\n"):
        return False  # front matter: a postmortem (or a corpus file) already
    doc = Document(text[:200_000])
    title = doc.title()
    marked = len({s.key for s in doc.root.walk()} & _SECTIONS)
    titled = title is not None and _TITLE.match(title.title) is not None
    incident = doc.field(doc.preamble(), "Incident") is not None
    return (titled and (incident or marked >= 1)) or marked >= 3


def convert(name: str, text: str, taxonomy: Taxonomy) -> Imported:
    doc = Document(text)
    draft = parts.Draft(doc, taxonomy)
    head = doc.preamble()
    _id_and_title(draft, head)
    day = parts.date_field(draft, doc.field(head, "Date"), "date")
    parts.severity_field(draft, doc.field(head, "Severity"))
    parts.names_field(draft, doc.field(head, "Author", "Authors"), "authors")
    parts.summary_field(draft)
    durations = [f for f in [doc.field(head, "Duration")] if f is not None]
    impact = doc.find("Impact")
    if impact is not None:
        fields = doc.fields(impact, plain=parts.IMPACT_LABELS)
        parts.impact(draft, fields)
        durations += [f for f in fields if f.key == "duration"]
    moments = times.timeline(draft, times.first_table(doc, doc.find("Timeline")), day)
    times.milestones(draft, moments)
    times.duration(draft, durations)
    _causes(draft)
    _action_items(draft)
    _proper_fix(draft)
    _communication(draft)
    _review(draft)
    return draft.finish()


def _id_and_title(draft: parts.Draft, head: Section) -> None:
    doc = draft.doc
    heading = doc.title()
    rest = None
    if heading is not None:
        doc.use_heading(heading)
        match = _TITLE.match(heading.title)
        rest = values.clean(match.group("rest")) if match else values.clean(heading.title)
    title = parts.text_field(draft, doc.field(head, "Incident"), "title")
    if rest is None or values.has_placeholder(rest):
        if rest:
            draft.missing.append(f"id (the title line still reads {rest!r})")
        return
    first, _, remainder = rest.partition(" ")
    first = first.rstrip(":,\u2013\u2014-")  # `HOTFIX-77: Login errors`
    if values.is_id(first):
        draft.put("id", first)
        rest = remainder.strip(" -:\u2013\u2014") or None
    if title is None and rest and not values.is_id(rest):
        draft.put("title", values.one_line(rest))
    elif title is None:
        draft.missing.append("title (fill in **Incident:**)")
    if draft.get("title") is not None:
        draft.put("title", values.one_line(draft.get("title")))


def _causes(draft: parts.Draft) -> None:
    doc = draft.doc
    why = doc.find("Why It Happened")
    if why is not None:
        parts.text_field(draft, doc.field(why, "Immediate cause"), "trigger")
        parts.factors(draft, doc.field(why, "Contributing factors", "Contributing factor"))
    caught = doc.find("Why It Wasn't Caught Earlier", "Why It Was Not Caught Earlier")
    if caught is not None:
        for label, path in (
            ("Testing gap", "gaps.testing"),
            ("Monitoring gap", "gaps.monitoring"),
            ("Process gap", "gaps.process"),
        ):
            parts.text_field(draft, doc.field(caught, label), path)


def _action_items(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("Action Items")
    if section is None:
        return
    for part in section.walk():
        kind = next((k for word, k in _KINDS if word in part.key), None)
        tables = doc.tables(part)
        for table in tables:
            if kind is None:
                draft.note(
                    table.lines[0],
                    f"action items under {part.title!r} have no type (prevent, detect, "
                    "mitigate, respond, process); add one to each",
                )
            _add(draft, parts.action_table(draft, table, kind))
        if kind is not None and not tables:  # a list instead: `- [ ] Add X (owner: ana)`
            _add(draft, parts.action_list(draft, doc.items(part), kind))


def _add(draft: parts.Draft, items: list[dict[str, Any]]) -> None:
    if items:
        draft.data.setdefault("action_items", []).extend(items)


def _proper_fix(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("Proper Fix")
    if section is None:
        return
    was = doc.field(section, "Hotfix was")
    if was is not None:
        _fix_kind(draft, was.value, was.lines)
    needed = doc.field(section, "If temporary, proper fix required", "Proper fix required")
    if needed is None:
        return
    homes = (("story", "story"), ("schedul", "scheduled"), ("descri", "description"))
    unread = False
    for item in needed.items:
        label, colon, value = item.text.partition(":")
        home = next((h for word, h in homes if word in label.casefold()), None)
        if home is None or not colon:
            unread = unread or values.clean(item.text) is not None
            continue
        doc.use(item.lines)
        written = values.clean(value)
        if written:
            draft.put(f"hotfix.proper_fix.{home}", values.one_line(written))
    if not unread:
        doc.use(needed.lines)


def _fix_kind(draft: parts.Draft, text: str, lines: tuple[int, ...]) -> None:
    """`Full fix / Temporary workaround` with one of them kept (or struck out, or bold)."""
    value = values.clean(text) or ""
    kept = re.sub(r"~~.*?~~", "", value)
    bold = re.findall(r"\*\*(.+?)\*\*|__(.+?)__", kept)
    if bold:
        kept = " ".join(a or b for a, b in bold)
    full = re.search(r"\bfull\b", kept, re.IGNORECASE) is not None
    temporary = re.search(r"\b(temporary|workaround)\b", kept, re.IGNORECASE) is not None
    if full != temporary:
        draft.put("hotfix.fix", "full" if full else "workaround")
        said = re.sub(
            r"~~.*?~~|\*\*|__|\b(full|fix|temporary|workaround)\b|[/|,.]", "", value, flags=re.I
        )
        if said.strip():  # `Temporary workaround (proper fix in PAY-1301)`: keep the rest
            draft.note(lines[0], "'Hotfix was:' says more than full or temporary; kept in the body")
        else:
            draft.doc.use(lines)
    elif full and re.fullmatch(r"full fix\s*/\s*temporary workaround", value, re.IGNORECASE):
        draft.doc.use(lines)  # the template's choice, not made
    elif value:
        draft.note(
            lines[0],
            f"'Hotfix was: {value}' names neither or both of full fix and temporary "
            "workaround; kept in the body",
        )


def _communication(draft: parts.Draft) -> None:
    doc = draft.doc
    section = doc.find("Communication")
    if section is None:
        return
    for label, path in (
        ("Internal notification", "communication.internal"),
        ("Customer notification", "communication.customer"),
        ("Public postmortem", "communication.public"),
    ):
        parts.text_field(draft, doc.field(section, label), path)


def _review(draft: parts.Draft) -> None:
    doc = draft.doc
    everywhere = doc.root
    held = doc.field(everywhere, "Meeting held", "Review meeting", own=False)
    meeting = doc.find("Review meeting", "Postmortem review", "Review")
    if held is None and meeting is not None:  # `**Date:**` under a review heading
        held = doc.field(meeting, "Date", "Held on", own=False)
    parts.date_field(draft, held, "review.held_on")
    parts.names_field(draft, doc.field(everywhere, "Attendees", own=False), "review.attendees")
    parts.text_field(
        draft, doc.field(everywhere, "Documented by", own=False), "review.documented_by"
    )
