"""Author-written HTML made inert: what Markdown produced from a postmortem's body.

Markdown passes raw HTML through, so a body could carry `<script>`, `onerror=` or a
`javascript:` link. Rendered bodies are cleaned with ammonia (via nh3), keeping what
Markdown, pymdown-extensions and Material write: headings with anchors, tables, code
highlighting, admonitions, footnotes, task lists, details.
"""

from __future__ import annotations

import nh3

TAGS = nh3.ALLOWED_TAGS | {
    "details",
    "summary",
    "input",
    "mark",
    "figure",
    "figcaption",
    "time",
    "dl",
    "dt",
    "dd",
}
GENERIC = {"class", "id", "title", "lang", "dir", "align"}
ATTRIBUTES = {
    "*": GENERIC,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"checked", "disabled"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
}
SCHEMES = {"http", "https", "mailto"}


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    url_schemes=SCHEMES,
    link_rel=None,
    tag_attribute_values={"input": {"type": {"checkbox"}}},
)
"""Built once: `nh3.clean` would convert these rules again for every page."""


def clean(html: str) -> str:
    return _CLEANER.clean(html)
