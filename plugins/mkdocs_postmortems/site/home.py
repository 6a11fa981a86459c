"""The home page's block: headline figures, the latest postmortems and the ways in."""

from __future__ import annotations

import dataclasses
from typing import Any

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import severity_badge, summary_list
from mkdocs_postmortems.site.html import esc, link
from mkdocs_postmortems.site.listings import KIND_NOUN

LATEST = 5


def home_catalog(catalog: Catalog) -> Catalog:
    """What `home_block` reads of a catalog: the latest postmortems, not all of them."""
    return dataclasses.replace(catalog, items=catalog.items[:LATEST], by={}, problems=[])


def home_block(catalog: Catalog, figures: dict[str, Any], here: str) -> str:
    """Headline figures, the latest postmortems and the ways in, for the home page.

    The figures are the analytics' (drafts left out, even under `mkdocs serve`)."""
    rel = catalog.links.rel
    items = catalog.items
    resolve = figures["time_to_resolve_minutes"]
    actions = figures["action_items"]
    figures_shown = [
        (str(figures["count"]), "postmortems published"),
        (
            metrics.format_minutes(resolve["median"]),
            f"median time to resolve (p90 {metrics.format_minutes(resolve['p90'])}, "
            f"n = {resolve['n']})",
        ),
        (str(actions["open"] + actions["in_progress"]), "open action items"),
        (str(actions["overdue"]), f"overdue as of {catalog.as_of.isoformat()}"),
    ]
    tiles = "".join(
        f'<div class="pm-figure"><span class="pm-figure__value">{esc(value)}</span>'
        f'<span class="pm-figure__label">{esc(label)}</span></div>'
        for value, label in figures_shown
    )
    ways = [
        link(rel(here, urls.BROWSE), "Browse and filter all postmortems"),
        *(link(rel(here, urls.term_index(kind)), f"By {KIND_NOUN[kind]}") for kind in urls.KINDS),
        link(rel(here, urls.ANALYTICS), "Analytics: trends, durations, factors, action items"),
        link(rel(here, urls.REPORTS), "Quarterly trend reports"),
        link(rel(here, "data/postmortems.json"), "Data: JSON")
        + " · "
        + link(rel(here, "data/postmortems.csv"), "CSV"),
    ]
    severities = " ".join(
        f'<a href="{esc(rel(here, urls.term("severity", level)))}">'
        f"{severity_badge(catalog, level)} {figures['by_severity'].get(level, 0)}</a>"
        for level in catalog.taxonomy.severities
    )
    return (
        f'<div class="pm-figures">{tiles}</div>\n'
        f'<p class="pm-severities">{severities}</p>\n'
        '<h2 id="latest-postmortems">Latest postmortems</h2>\n'
        + summary_list(catalog, here, items[:LATEST])
        + '\n<h2 id="ways-in">Ways in</h2>\n<ul class="pm-ways">'
        + "".join(f"<li>{w}</li>" for w in ways)
        + "</ul>"
    )
