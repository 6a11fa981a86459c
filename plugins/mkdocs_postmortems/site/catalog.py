"""The published corpus, indexed once per build for every page to read from.

Each page looks things up here instead of scanning the corpus, so the work per page does
not grow with the number of postmortems.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from mkdocs_postmortems.core import deadlines, metrics, recurrence
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.schema import ActionItem, Postmortem
from mkdocs_postmortems.core.taxonomy import TICKET, Taxonomy
from mkdocs_postmortems.site import urls
from mkdocs_postmortems.site.owner_slugs import owner_slugs

if TYPE_CHECKING:
    from mkdocs_postmortems.site.common_macros import CommonMacros

RELATED_LIMIT = 5
RELATED_SCAN = 25
"""Candidates read per shared service or factor: bounds the related block's cost."""


@dataclass(frozen=True)
class Published:
    """One postmortem as the site shows it, with its figures computed once."""

    entry: Entry
    stem: str
    source: str
    """Path of the source file from the site's root, for edit links."""
    durations: dict[str, float | None]
    quarter: str | None
    open_items: int
    overdue: list[tuple[ActionItem, int]]

    @property
    def postmortem(self) -> Postmortem:
        return self.entry.postmortem

    @property
    def src_uri(self) -> str:
        return urls.postmortem(self.stem)

    @property
    def id(self) -> str:
        return self.postmortem.id or self.stem

    @property
    def title(self) -> str:
        return self.postmortem.title or self.stem

    def sort_key(self) -> tuple[float, str]:
        """Newest first, then by id: a stable order for every listing."""
        return self._order

    @functools.cached_property
    def _order(self) -> tuple[float, str]:  # listings and related blocks sort many times
        start = self.postmortem.started_at
        return (-start.timestamp() if start else float("inf"), self.id)


@dataclass
class Catalog:
    taxonomy: Taxonomy
    as_of: dt.date
    items: list[Published] = field(default_factory=list)
    by: dict[str, dict[str, list[Published]]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    links: urls.Urls = field(default_factory=urls.Urls)

    ranks: dict[str, int] = field(default_factory=dict)
    """Each item's place in `items` by stem: the related block ranks by it."""
    late: list[deadlines.LatePublication] = field(default_factory=list)
    """Postmortems past their publish deadline, drafts included (`deadlines`)."""
    owners: dict[str, str] = field(default_factory=dict)
    """Each action item owner, as written, -> the slug of their page and calendar."""
    templates: tuple[str, ...] = ()
    """Folders whose `postmortems/` templates override the package's (`site.templates`):
    the theme's `custom_dir`, when the site has one."""

    _common: CommonMacros | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def common(self) -> CommonMacros:
        """The macros of `_common.html` for templates to call, each output made once per
        distinct input (`common_macros`); made again if the templates' folders change."""
        from mkdocs_postmortems.site import templates as site_templates
        from mkdocs_postmortems.site.common_macros import CommonMacros

        env = site_templates.environment(tuple(self.templates))
        made = self._common
        if made is None or made.env is not env or made.catalog() is not self:
            made = self._common = CommonMacros(self, env)
        return made

    def owner_page(self, owner: str | None) -> str | None:
        """The page of an action item owner (`/owners/<slug>/`), or None for no owner."""
        slug = self.owners.get(owner) if owner else None
        return urls.owner(slug) if slug else None

    def ticket_url(self, ticket: str | None) -> str | None:
        """Where a ticket id leads, by the taxonomy's `tickets.url` template, if it has one.
        The id is percent-encoded whole (`/`, `?`, `#`, `&` too), so it stays one path
        segment or query value; an id of dots only would be a step up the path, not a name."""
        tickets = self.taxonomy.tickets
        if not ticket or tickets is None or not ticket.strip("."):
            return None
        return tickets.url.replace(TICKET, quote(ticket, safe=""))

    @functools.cached_property
    def recurring(self) -> recurrence.Index:
        """The published postmortems that recurrence alerts point to, indexed when the first
        page asks (a catalog copied for the analytics (`build.thin`) never needs it)."""
        return recurrence.Index(item.entry for item in self.items)

    @functools.cached_property
    def _related_scan(self) -> dict[str, dict[str, list[int]]]:
        """The ranks `related` reads for each service and factor: made once, not looked up
        again from each postmortem's stem for every page."""
        ranks = self.ranks
        return {
            kind: {
                key: [ranks[other.stem] for other in items[:RELATED_SCAN]]
                for key, items in self.by[kind].items()
            }
            for kind in ("services", "factors")
        }

    def related(self, item: Published) -> list[tuple[Published, list[tuple[str, str]]]]:
        """Postmortems sharing services or factors, most shared first; what they share, as
        (kind, key) pairs. Ties go to the newer (`items` order). A hot loop: one per page."""
        own = self.ranks[item.stem]
        shared: dict[int, list[tuple[str, str]]] = {}
        pm = item.postmortem
        scan = self._related_scan
        for kind, keys in (("services", pm.services), ("factors", pm.contributing_factors)):
            by_key = scan[kind]
            for key in keys:
                for rank in by_key.get(key, ()):
                    if rank == own:
                        continue
                    found = shared.get(rank)
                    if found is None:
                        shared[rank] = [(kind, key)]
                    else:
                        found.append((kind, key))
        # The first few of a stable sort, without sorting the rest.
        best = heapq.nsmallest(RELATED_LIMIT, [(-len(v), rank) for rank, v in shared.items()])
        return [(self.items[rank], shared[rank]) for _, rank in best]


class _Sources:
    """Paths from the site's root, for edit links. Folders are resolved once each, not once
    per file: resolving a path costs a system call per component."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root is not None else None
        self.folders: dict[Path, Path] = {}

    def __call__(self, entry: Entry) -> str:
        if self.root is None:
            return entry.path
        source = entry.source
        if source.is_symlink():
            real = source.resolve()
        else:
            folder = self.folders.get(source.parent)
            if folder is None:
                folder = self.folders[source.parent] = source.parent.resolve()
            real = folder / source.name
        try:
            return real.relative_to(self.root).as_posix()
        except ValueError:
            return entry.path


def build(
    entries: list[Entry],
    taxonomy: Taxonomy,
    as_of: dt.date,
    *,
    include_drafts: bool = False,
    root: Path | None = None,
    use_directory_urls: bool = True,
) -> Catalog:
    catalog = Catalog(
        taxonomy, as_of, by={kind: {} for kind in urls.KINDS}, links=urls.Urls(use_directory_urls)
    )
    stems: dict[str, str] = {}
    sources = _Sources(root)
    for entry in entries:
        pm = entry.postmortem
        if pm.is_draft and not include_drafts:
            continue
        stem = entry.stem
        if stem in stems:
            catalog.problems.append(
                Diagnostic(
                    entry.path,
                    1,
                    1,
                    "",
                    f"expected a file name unique in the knowledge base, got {stem!r}, "
                    f"already used by {stems[stem]}; both would publish at /postmortems/{stem}/",
                )
            )
            continue
        stems[stem] = entry.path
        overdue = [
            (item, days)
            for item in pm.action_items
            if (days := metrics.days_overdue(item, as_of)) is not None
        ]
        catalog.items.append(
            Published(
                entry=entry,
                stem=stem,
                source=sources(entry),
                durations={name: metrics.minutes(pm, name) for name in metrics.DURATIONS},
                quarter=metrics.quarter(pm),
                open_items=sum(1 for item in pm.action_items if metrics.is_open(item)),
                overdue=overdue,
            )
        )
    catalog.items.sort(key=Published.sort_key)
    catalog.ranks = {item.stem: rank for rank, item in enumerate(catalog.items)}
    catalog.late = deadlines.late_publications(entries, taxonomy, as_of)
    for item in catalog.items:
        pm = item.postmortem
        keys = {
            "severity": [pm.severity] if pm.severity else [],
            "services": pm.services,
            "teams": pm.teams,
            "factors": pm.contributing_factors,
        }
        for kind, values in keys.items():
            for value in dict.fromkeys(values):
                catalog.by[kind].setdefault(value, []).append(item)
    catalog.owners = owner_slugs(
        a.owner for item in catalog.items for a in item.postmortem.action_items if a.owner
    )
    return catalog
