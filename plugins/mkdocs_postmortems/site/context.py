"""What the analytics and report pages read: the catalog for links, the analytics tables,
the stats figures, and the files their charts go to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.site.catalog import Catalog, Published

QUARTER_WINDOW = 24
"""Quarters a per-quarter chart shows (six years): older ones are in the reports."""


@dataclass
class Context:
    catalog: Catalog
    frames: Frames
    figures: dict[str, Any]
    """The stats JSON's figures, so pages and `/data/stats.json` show the same numbers."""
    files: dict[str, bytes] = field(default_factory=dict)
    by_path: dict[str, Published] = field(default_factory=dict)
    """Each published postmortem by its source path: the pages link the rows they list."""

    def __post_init__(self) -> None:
        self.by_path = {item.entry.path: item for item in self.catalog.items}

    hrefs: dict[tuple[str, str], str] = field(default_factory=dict)

    def rel(self, here: str, to: str) -> str:
        return self.catalog.links.rel(here, to)

    def href(self, here: str, to: str) -> str:
        """`rel`, worked out once per folder and target: every report sits in the same
        folder and links to the same postmortem and term pages, hundreds of times."""
        links = self.catalog.links
        url = links.url(here)
        key = (url.rsplit("/", 1)[0] if "/" in url else "", to)
        found = self.hrefs.get(key)
        if found is None:
            found = self.hrefs[key] = links.rel(here, to)
        return found

    def page_href(self, here: str, path: str) -> str | None:
        """The href from `here` to the page of the postmortem at source `path`; None when
        this build does not publish it."""
        item = self.by_path.get(path)
        return None if item is None else self.href(here, item.src_uri)


def quarter_span(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, empty ones included: a gap is a data point."""
    year, number = int(first[:4]), int(first[-1])
    out = []
    while True:
        quarter = f"{year}-Q{number}"
        out.append(quarter)
        if quarter >= last:
            return out
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)


def window(quarters: list[str]) -> list[str]:
    """The last `QUARTER_WINDOW` quarters up to the latest with postmortems, gaps filled."""
    if not quarters:
        return []
    last = quarters[-1]
    index = int(last[:4]) * 4 + int(last[-1]) - 1 - (QUARTER_WINDOW - 1)
    start = f"{index // 4:04d}-Q{index % 4 + 1}"
    return quarter_span(max(start, quarters[0]), last)
