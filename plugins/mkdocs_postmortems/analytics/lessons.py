"""Brief quotes of a body's "Lessons Learned" and "Where We Got Lucky" sections, for the
quarterly report: plain text, to be escaped wherever it is shown."""

from __future__ import annotations

import re

SECTIONS = {"lessons learned": "Lessons Learned", "where we got lucky": "Where We Got Lucky"}
BRIEF = 280
"""Characters of a quote, at most: a report quotes, the postmortem's page says it all."""

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MARKS = (" ", "#", "`", "~")
"""How a line that can be a heading or a fence starts: most lines are neither."""


def quotes(body: str) -> list[tuple[str, str]]:
    """(section, brief text) of each quoted section with text, in the body's order.

    Linear in the body: one pass over its lines, headings inside fenced code ignored; and
    none at all for the many bodies that name neither section (a build reads them all)."""
    folded = body.casefold()
    if "lessons learned" not in folded and "where we got lucky" not in folded:
        return []
    found: list[tuple[str, str]] = []
    current: str | None = None
    level = 0
    lines: list[str] = []
    fence = ""
    size = 0

    def close() -> None:
        if current is not None:
            text = " ".join(" ".join(lines).split())
            if text:
                found.append((current, brief(text)))

    for line in body.splitlines():
        marked = line.startswith(_MARKS)
        opened = _FENCE.match(line) if marked else None
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        heading = None if fence or opened or not marked else _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if current is None or depth <= level:
                close()
                name = SECTIONS.get(" ".join(heading.group(2).split()).lower())
                current, level, lines, size = name, depth, [], 0
                continue
        if current is not None and size <= BRIEF and not opened:
            line = heading.group(2) + ":" if heading else line  # a subheading, as a lead-in
            lines.append(line)
            size += len(line)
    close()
    return found


def brief(text: str) -> str:
    """`text` cut at a word before BRIEF characters, with an ellipsis when cut."""
    if len(text) <= BRIEF:
        return text
    cut = text[: BRIEF - 1].rsplit(" ", 1)[0] or text[: BRIEF - 1]
    return cut.rstrip() + "\u2026"
