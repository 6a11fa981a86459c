"""Owner pages: `/owners/` (every action item owner, with counts) and `/owners/<slug>/` (one
owner's overdue, open and done items, each with its postmortem), and the open-work section
of the service, team, factor and severity pages.

An owner is anyone named in `owner:` of an action item of a postmortem the catalog holds
(drafts only when the site shows drafts). Overdue is `metrics.days_overdue` on the catalog's
as-of day, the rule of every other page. The slug is the catalog's (`Catalog.owners`), the
one their calendar uses too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.core.schema import ActionItem
from mkdocs_postmortems.site import calendars, templates, urls
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.figures import LIST_LIMIT

TITLE = "Owners"
_PRIORITY = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Work:
    """One action item with the postmortem it belongs to."""

    item: Published
    action: ActionItem
    place: int
    """The item's place in its postmortem's list: ties keep the file's order."""
    days_overdue: int | None

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None

    @property
    def open(self) -> bool:
        return metrics.is_open(self.action)


def _by_urgency(catalog: Catalog, work: Work) -> tuple[int, int, int, str, int]:
    """Most overdue first, then the earliest due, the most severe, the highest priority."""
    due = work.action.due
    return (
        -(work.days_overdue or 0),
        due.toordinal() if due else 10**7,  # no due day: after every day
        catalog.taxonomy.rank(work.item.postmortem.severity) * 3
        + _PRIORITY.get(work.action.priority, 3),
        work.item.id,
        work.place,
    )


def _by_closing(work: Work) -> tuple[int, str, int]:
    """Latest closed (or due) first: what was done lately is what a reader looks for."""
    day = work.action.closed_on or work.action.due
    return (-(day.toordinal() if day else 0), work.item.id, work.place)


@dataclass
class Owner:
    name: str
    slug: str
    overdue: list[Work] = field(default_factory=list)
    open: list[Work] = field(default_factory=list)
    """Open or in progress, not overdue."""
    done: list[Work] = field(default_factory=list)
    dropped: list[Work] = field(default_factory=list)
    """Won't do."""
    calendar: str | None = None
    """The path of their calendar (`calendars.owner_path`), when they have one: an item open,
    with a due day, of a postmortem that is not a draft (the calendars' rule)."""

    @property
    def src_uri(self) -> str:
        return urls.owner(self.slug)

    def sort_key(self) -> tuple[int, int, str]:
        """Most overdue, then most open, then by name: who needs attention first."""
        return (-len(self.overdue), -len(self.open), self.name.casefold() + "\0" + self.name)


def works(catalog: Catalog, items: list[Published]) -> list[Work]:
    """Every action item of these postmortems, in their order."""
    return [
        Work(item, action, place, metrics.days_overdue(action, catalog.as_of))
        for item in items
        for place, action in enumerate(item.postmortem.action_items)
    ]


class Workload:
    """Every action item of the catalog, made once per build: the owner pages and the open
    work of every term page read it instead of going through the postmortems each."""

    def __init__(self, catalog: Catalog) -> None:
        self.all = works(catalog, catalog.items)
        self.open = sorted(
            (work for work in self.all if work.open), key=lambda w: _by_urgency(catalog, w)
        )
        """The open and in-progress items, most urgent first (`_by_urgency`)."""

        self.catalog_by = catalog.by
        self.terms: dict[str, dict[str, list[Work]]] = {}

    def open_by(self, kind: str) -> dict[str, list[Work]]:
        """Each key of a kind (`urls.KINDS`) -> the open items of its postmortems, most
        urgent first: `catalog.by[kind]`'s postmortems, gathered once for every page."""
        found = self.terms.get(kind)
        if found is None:
            keys: dict[int, list[str]] = {}  # id of a postmortem -> its keys of the kind
            for key, items in self.catalog_by[kind].items():
                for item in items:
                    keys.setdefault(id(item), []).append(key)
            found = self.terms[kind] = {}
            for work in self.open:
                for key in keys.get(id(work.item), ()):
                    found.setdefault(key, []).append(work)
        return found

    def open_of(self, items: list[Published]) -> list[Work]:
        """The open items of these postmortems, most urgent first: the sorted whole, filtered,
        is what sorting theirs would give (ties, between postmortems that share an id, keep
        the catalog's order, which every listing's postmortems are in)."""
        wanted = {id(item) for item in items}
        return [work for work in self.open if id(work.item) in wanted]


def collect(catalog: Catalog, load: Workload | None = None) -> list[Owner]:
    """Every owner of the catalog, with their items grouped and sorted, neediest first."""
    owners = {name: Owner(name, slug) for name, slug in catalog.owners.items()}
    load = load or Workload(catalog)
    for work in load.open:  # most urgent first, as each owner's are sorted
        owner = owners.get(work.action.owner or "")
        if owner is None:
            continue
        (owner.overdue if work.overdue else owner.open).append(work)
        if work.action.due is not None and not work.item.postmortem.is_draft:
            owner.calendar = calendars.owner_path(owner.slug)
    for work in load.all:
        owner = owners.get(work.action.owner or "")
        if owner is None or work.open:
            continue
        (owner.done if work.action.status == "done" else owner.dropped).append(work)
    for owner in owners.values():
        owner.done.sort(key=_by_closing)
        owner.dropped.sort(key=_by_closing)
    return sorted(owners.values(), key=Owner.sort_key)


GROUPS = (
    ("overdue", "Overdue", (), "Nothing overdue."),
    ("open", "Open", (), "Nothing else open."),
    ("done", "Done", ("closed",), "Nothing done yet."),
    ("dropped", "Won't do", ("closed",), ""),
)
"""(`Owner` attribute, heading, optional columns, text when empty) of an owner page's
sections; won't-do items get a section only when there are some."""


def owner_page(catalog: Catalog, owner: Owner) -> Page:
    """The owner's page: the head, then a section per group. The headings are Markdown (fixed
    words, never the owner's name) so that they are in the page's table of contents."""
    here = owner.src_uri
    page = Page(src_uri=here, title=f"{owner.name}: action items", hide=["toc"])
    context = {"catalog": catalog, "here": here}
    head = templates.render(
        catalog.templates,
        "owners/owner.html",
        owner=owner,
        index=urls.OWNERS,
        subscribe=SUBSCRIBE,
        **context,
    )
    parts = [page.slot("head", head)]
    for name, heading, show, empty in GROUPS:
        group: list[Work] = getattr(owner, name)
        if not group and not empty:
            continue
        # Done and dropped items pile up with the years: the latest few are what a reader
        # wants; the open ones are the owner's work, all of them.
        shown = group if name in ("overdue", "open") else group[:LIST_LIMIT]
        html = templates.render(
            catalog.templates,
            "owners/group.html",
            works=shown,
            count=len(group),
            show=show,
            empty=empty,
            **context,
        )
        parts += [f"## {heading}\n", page.slot(name, html)]
    page.markdown = "\n".join(parts)
    return page


SUBSCRIBE = "subscribe.md"
"""`subscribe.SUBSCRIBE`, which imports the listings this module is imported beside."""


def index_page(catalog: Catalog, owners: list[Owner]) -> Page:
    here = urls.OWNERS
    page = Page(src_uri=here, title=TITLE, in_nav=True, hide=["toc"])
    html = templates.render(
        catalog.templates, "owners/index.html", catalog=catalog, here=here, owners=owners
    )
    page.markdown = page.slot("owners", html)
    return page


def pages(catalog: Catalog, load: Workload | None = None) -> list[Page]:
    """`/owners/` and a page per owner, in the index's order."""
    owners = collect(catalog, load)
    return [index_page(catalog, owners), *(owner_page(catalog, owner) for owner in owners)]


def open_work(catalog: Catalog, here: str, found: list[Work]) -> str:
    """The overdue and open action items of some postmortems (a service's, a team's ...),
    each with its owner and postmortem: what is still to do, not only how much. `found`:
    their open items, most urgent first (`Workload.open_by`, `Workload.open_of`)."""
    overdue = [work for work in found if work.days_overdue is not None]
    still_open = [work for work in found if work.days_overdue is None]
    return templates.render(
        catalog.templates,
        "owners/open_work.html",
        catalog=catalog,
        here=here,
        overdue=overdue[:LIST_LIMIT],
        overdue_count=len(overdue),
        still_open=still_open[:LIST_LIMIT],
        open_count=len(still_open),
        limit=LIST_LIMIT,
    )
