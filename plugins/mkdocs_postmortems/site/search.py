"""What a postmortem is found by in the site's search: its id and its hotfix tag, first.

Readers paste `PM-2025-002` or `v4.12.1` from a ticket or a chat. Material's search (lunr)
splits them into words (`pm`, `2025`, `002`) and ranks any page that shares one of them, so
a quarterly report that names the id among fifty others came first. Its index weighs a
section's title a thousand times its text, and a page's own entry above its sections': the
page's title heading, given the id and the tag, leads what search reads of the page (only
there, `html.search_view`), so it is the page's own entry and holds every word of them in its
title. Readers see them in the result, beside the title.
"""

from __future__ import annotations

import re

from markupsafe import escape

from mkdocs_postmortems.site.catalog import Published
from mkdocs_postmortems.site.headings import TITLE_ID

_TITLE = re.compile(f'<h1 id="{TITLE_ID}"[^>]*>(.*?)</h1>', re.DOTALL)
BOOST = 2
"""Material's per-page search boost (`search: boost:`) of a postmortem page: a service page
titled `media-pipeline` shares two words with the hotfix tag `media-pipeline-v5.3.1`, and its
entry is short; twice the weight keeps the postmortem, which has every word, ahead."""


def keys(item: Published) -> list[str]:
    """The strings a postmortem is looked up by: its id, then its hotfix tag if it has one."""
    pm = item.postmortem
    found = [item.id]
    tag = pm.hotfix.tag if pm.hotfix is not None else None
    if tag and tag not in found:
        found.append(tag)
    return found


def with_keys(search_html: str, found: list[str]) -> str:
    """The search view of a postmortem page led by its title heading, keys first: the page's
    first section is its own entry in Material's index (others are its sections, ranked
    lower), and a heading first in the page makes that entry. Unchanged when the page has no
    title heading (a site's override removed it)."""
    match = _TITLE.search(search_html)
    if match is None or not found:
        return search_html
    shown = "".join(f"{escape(key)} · " for key in found)
    heading = f'<h1 id="{TITLE_ID}">{shown}{match.group(1)}</h1>'
    return heading + search_html[: match.start()] + search_html[match.end() :]
