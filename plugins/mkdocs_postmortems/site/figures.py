"""Charts on pages: the SVG file, its alt text and caption; the templates put its numbers in
a table beside it (`templates/analytics/_figures.html`).

Charts are drawn only here, through `charts` (imported when a site is built, never by the
CLI's `validate`), and are cached there by their data, so a `mkdocs serve` rebuild whose
figures did not change draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs_postmortems.site import colours
from mkdocs_postmortems.site.catalog import Catalog

Files = dict[str, bytes]


LIST_LIMIT = 100
"""Rows a generated list shows: past it a page would grow with the whole corpus, and the
full list is a filter or a data file away."""


def severity_colour(catalog: Catalog, level: str) -> str:
    return colours.severity(catalog.taxonomy.rank(level))[0]


@dataclass(frozen=True)
class Chart:
    """A chart as a template shows it: the image's address from the page, its alt text and
    its caption (plain text: the template escapes them)."""

    src: str
    alt: str
    caption: str


def chart(
    catalog: Catalog, files: Files, here: str, path: str, svg: bytes, *, alt: str, caption: str
) -> Chart:
    """Put the chart's file at `path` in the site and say how page `here` shows it."""
    files[path] = svg
    return Chart(catalog.links.rel(here, path), alt, caption)


def days_text(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
