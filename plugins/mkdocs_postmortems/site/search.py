"""What a postmortem is found by in the site's search: its id and its hotfix tag, first.

Readers paste `PM-2025-002` or `v4.12.1` from a ticket or a chat. Material's search (lunr)
splits them into words (`pm`, `2025`, `002`) and ranks any page that shares one of them, so
a quarterly report that names the id among fifty others came first. Its index weighs a
section's title a thousand times its text: the page's title section is given the id and the
tag in its title (in what search reads only, `html.search_view`), so the page that holds
every word of them in a title ranks first. Readers see them in the result, beside the title.
"""

from __future__ import annotations

from markupsafe import escape

from mkdocs_postmortems.site.catalog import Published
from mkdocs_postmortems.site.headings import TITLE_ID

_TITLE = f'<h1 id="{TITLE_ID}">'
BOOST = 2
"""Material's per-page search boost (`search: boost:`) of a postmortem page. Material ranks
a page's own entry above its sections' (the title heading is one), so a service page titled
`media-pipeline` outranked the postmortem whose hotfix tag is `media-pipeline-v5.3.1`;
twice the weight makes every word of the id or tag in a title count for more."""


def keys(item: Published) -> list[str]:
    """The strings a postmortem is looked up by: its id, then its hotfix tag if it has one."""
    pm = item.postmortem
    found = [item.id]
    tag = pm.hotfix.tag if pm.hotfix is not None else None
    if tag and tag not in found:
        found.append(tag)
    return found


def with_keys(search_html: str, found: list[str]) -> str:
    """The search view of a postmortem page with its keys ahead of the title in its title
    heading; unchanged when the page has no such heading (a site's override removed it)."""
    start = search_html.find(_TITLE)
    if start == -1 or not found:
        return search_html
    at = start + len(_TITLE)
    shown = "".join(f"{escape(key)} · " for key in found)
    return f"{search_html[:at]}{shown}{search_html[at:]}"
