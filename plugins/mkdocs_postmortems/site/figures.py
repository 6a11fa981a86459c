"""Charts on pages: the SVG file, its alt text and caption, and its numbers in a table.

Charts are drawn only here, through `charts` (imported when a site is built, never by the
CLI's `validate`), and are cached there by their data, so a `mkdocs serve` rebuild whose
figures did not change draws nothing.
"""

from __future__ import annotations

from mkdocs_postmortems.site import colours
from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.analytics.summary import SMALL_N, Distribution
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.html import esc

Files = dict[str, bytes]


LIST_LIMIT = 100
"""Rows a generated list shows: past it a page would grow with the whole corpus, and the
full list is a filter or a data file away."""


def severity_colour(catalog: Catalog, level: str) -> str:
    return colours.severity(catalog.taxonomy.rank(level))[0]


def figure(
    catalog: Catalog,
    files: Files,
    here: str,
    path: str,
    svg: bytes,
    *,
    alt: str,
    caption: str,
    numbers: str,
) -> str:
    """`<figure>` with the chart and caption, followed by the table of its numbers."""
    files[path] = svg
    src = catalog.links.rel(here, path)
    return (
        '<div class="pm-chart">\n<figure>'
        f'<img src="{esc(src)}" alt="{esc(alt)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>\n"
        f'<div class="pm-chart__numbers">{numbers}</div>\n</div>'
    )


def days_text(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def minutes_cell(value: float | None) -> str:
    return esc(metrics.format_minutes(value))


def small_n(n: int) -> str:
    """A warning beside figures from too few postmortems to conclude anything."""
    if n == 0:
        return '<span class="pm-muted">no data</span>'
    if n < SMALL_N:
        return (
            f'<span class="pm-small-n" title="fewer than {SMALL_N} postmortems">'
            "too few to conclude</span>"
        )
    return ""


def distribution_cells(d: Distribution) -> list[str]:
    """n, median, p90, mean (beside the median only), and the small-n warning."""
    return [
        str(d["n"]),
        minutes_cell(d["median"]),
        minutes_cell(d["p90"]),
        minutes_cell(d["mean"]),
        small_n(d["n"]),
    ]


DISTRIBUTION_HEAD = ["n", "Median", "p90", "Mean", ""]
