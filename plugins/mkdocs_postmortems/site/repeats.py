"""Body sections that only repeat a front-matter field, left out of the postmortem's page.

The rule (docs/writing.md): the field wins. A section of the body whose heading names a
field (`NAMES`) that the page shows, and all of whose words are among the words the page
shows for that field, is left out with its subsections. A section with any word of its
own is kept whole. Headings are compared without case, punctuation or a bracketed tail
(`Timeline (detailed)` names the timeline); words are runs of letters and digits, compared
without case.

A dropped section's lines become blank lines, so that the body's line numbers (where the
sanitiser reports what it removed) stay those of the file.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

NAMES: dict[str, str] = {
    heading: field
    for field, headings in {
        "summary": ("summary", "executive summary", "tldr", "tl dr"),
        "impact": ("impact", "what was the impact", "customer impact", "user impact"),
        "trigger": ("root cause", "immediate cause", "trigger"),
        "contributing_factors": ("contributing factors",),
        "gaps": (
            "why not caught",
            "why it was not caught earlier",
            "why it wasnt caught earlier",
            "why it was not caught",
            "why it wasnt caught",
            "gaps",
        ),
        "timeline": ("timeline",),
        "action_items": ("action items", "prevention measures"),
        "hotfix": ("hotfix", "files modified", "testing performed", "waivers used", "proper fix"),
        "approvals": ("approvals",),
        "communication": ("communication",),
        "review": ("review meeting",),
        "links": ("links", "related links"),
    }.items()
    for heading in headings
}
"""Each heading (as `normalise` writes it) -> the field it names."""

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)
_BRACKETED = re.compile(r"\([^)]*\)|\{[^}]*\}")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=4096)
def normalise(heading: str) -> str:
    """`Why It Wasn't Caught Earlier` -> `why it wasnt caught earlier`. Bodies share their
    headings, so each is worked out once."""
    text = _BRACKETED.sub(" ", heading.casefold()).replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def html_words(fragment: str) -> set[str]:
    """The words a reader sees in generated HTML."""
    return words(html.unescape(_TAG.sub(" ", fragment)))


def drop(markdown: str, shown: Callable[[str], str]) -> str:
    """`markdown` without the sections that only repeat a field; `shown(field)` is the HTML
    (or text) the page shows for a field, empty when it shows nothing of it."""
    headings = [
        (m.start(), m.end(), len(m.group(1)), NAMES.get(normalise(m.group(2) or "")))
        for m in _HEADING.finditer(markdown)
    ]
    if not any(field for *_, field in headings):
        return markdown  # most bodies
    if "```" in markdown or "~~~" in markdown:
        fenced = _fenced(markdown)
        headings = [h for h in headings if not any(a <= h[0] < b for a, b in fenced)]
    known: dict[str, set[str]] = {}
    cut: list[tuple[int, int]] = []
    done = 0
    for number, (start, end_of_line, level, field) in enumerate(headings):
        if start < done or field is None:
            continue
        if field not in known:
            known[field] = html_words(shown(field))
        if not known[field]:
            continue  # the page shows nothing of the field: the body says it
        end = next((s for s, _, lv, _ in headings[number + 1 :] if lv <= level), len(markdown))
        if words(markdown[end_of_line:end]) <= known[field]:
            cut.append((start, end))
            done = end
    if not cut:
        return markdown
    parts = []
    kept = 0
    for start, end in cut:
        parts.append(markdown[kept:start])
        parts.append("\n" * markdown.count("\n", start, end))
        kept = end
    parts.append(markdown[kept:])
    return "".join(parts)


def _fenced(markdown: str) -> list[tuple[int, int]]:
    """(start, end) of each fenced code block; an unclosed one runs to the end."""
    found = []
    opened: tuple[int, str] | None = None
    for fence in _FENCE.finditer(markdown):
        marks, rest = fence.group(1), fence.group(2)
        if opened is None:
            opened = (fence.start(), marks)
        elif marks[0] == opened[1][0] and len(marks) >= len(opened[1]) and not rest.strip():
            found.append((opened[0], fence.end()))
            opened = None
    if opened is not None:
        found.append((opened[0], len(markdown)))
    return found
