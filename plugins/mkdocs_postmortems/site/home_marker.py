"""Where the home page's block goes, and what a site built without the plugin shows there.

The marker is visible text between two comments: a generator that skips the plugin
(Zensical ignores plugins it does not know, without a word) publishes the notice, so an
empty knowledge base never looks like a complete one. The plugin, or `postmortems generate`,
replaces the whole region with the home block.
"""

from __future__ import annotations

START = "<!-- postmortems:home -->"
END = "<!-- /postmortems:home -->"
NOTICE = (
    "**The postmortems plugin did not run:** this site was built without it, so it has no "
    "postmortem pages, indexes, analytics or reports. Build it with MkDocs and the "
    "`postmortems` plugin, or run `postmortems generate` before the build (see "
    '"Generators" in the mkdocs-postmortems documentation, docs/generators.md).'
)
NOTICE_TEXT = "The postmortems plugin did not run:"
"""The notice's first words as a browser shows them: what a check of a built site looks for."""
MARKDOWN = f"{START}\n\n{NOTICE}\n\n{END}"
"""The region as a docs/index.md holds it."""


def find(text: str) -> tuple[int, int] | None:
    """Where the region is in `text` (Markdown or the HTML made of it): its start and end
    offsets, markers included. A lone start marker (as written before the notice existed)
    is a region of its own."""
    start = text.find(START)
    if start == -1:
        return None
    end = text.find(END, start + len(START))
    if end == -1:
        return start, start + len(START)
    return start, end + len(END)


def replace(text: str, block: str) -> str:
    """`text` with its region, if any, replaced by `block`."""
    found = find(text)
    if found is None:
        return text
    return text[: found[0]] + block + text[found[1] :]
