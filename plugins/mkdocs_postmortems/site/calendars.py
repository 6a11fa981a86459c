"""iCalendar files (RFC 5545) of follow-up: the due days of open action items, for the whole
site and one per owner, and the review meetings (`review.held_on`) in a calendar of their own.

Which items count is the site's overdue rule: open or in progress, of every postmortem but
drafts; an item without a due day has no day to show. UIDs come from the postmortem's id and
the item's title, and `DTSTAMP` from the postmortem's own dates (`feeds.moment`), so a calendar
app that reads the file again updates its events instead of adding them twice, and the same
knowledge base gives the same bytes. Each event is written once, as text, and shared by the
site's calendar and its owner's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mkdocs_postmortems.core import metrics
from mkdocs_postmortems.site.catalog import Catalog, Published
from mkdocs_postmortems.site.feeds import DOMAIN, About, moment, part
from mkdocs_postmortems.site.owner_slugs import digest as _digest
from mkdocs_postmortems.site.owner_slugs import owner_slugs as owner_slugs
from mkdocs_postmortems.site.owner_slugs import slug as slug

SITE_CALENDAR = "calendars/action-items.ics"
REVIEWS_CALENDAR = "calendars/reviews.ics"
OWNERS_FOLDER = "calendars/owners"
PRODID = "-//mkdocs-postmortems//Postmortems//EN"
NO_OWNER = "(no owner)"


def owner_path(slug: str) -> str:
    return f"{OWNERS_FOLDER}/{slug}.ics"


_SPECIAL = re.compile("[\\\\;,\x00-\x08\x0a-\x1f\x7f]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""What TEXT may not hold (RFC 5545 3.3.11) but a tab, once line breaks are `\\n`: it would
end the line, and a line break is how one property could smuggle in another."""


def escape(value: str) -> str:
    """A TEXT value: `\\`, `;`, `,` escaped, line breaks as `\\n`, other controls U+FFFD.
    Most text has none of them, and one search says so."""
    if not _SPECIAL.search(value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("\ufffd", value).replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence."""
    if line.isascii():  # a character an octet: cut by characters
        if len(line) <= 75:
            return line
        pieces = [line[start : start + 74] for start in range(75, len(line), 74)]
        return line[:75] + "\r\n " + "\r\n ".join(pieces)
    data = line.encode()
    if len(data) <= 75:
        return line
    pieces = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        pieces.append(data[start:end].decode())
        start, limit = end, 74  # the space that starts a folded line is an octet
    return "\r\n ".join(pieces)


def _lines(lines: Iterable[str]) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    day: dt.date
    order: tuple[str, int]
    """(postmortem id, item's place): the order of events on one day."""
    text: str
    """The VEVENT, folded, each line ending in CRLF."""


def _event(
    uid: str, stamp: str, day: dt.date, summary: str, description: str, url: str | None
) -> str:
    # Only the lines of text can be long enough to fold; a day's year is 1000 to 9999.
    link = f"{fold('URL:' + url)}\r\n" if url else ""
    return (
        f"BEGIN:VEVENT\r\n{fold('UID:' + escape(uid))}\r\nDTSTAMP:{stamp}\r\n"
        f"DTSTART;VALUE=DATE:{day.isoformat().replace('-', '')}\r\n"
        "DURATION:P1D\r\n"  # not DTEND: the day after 9999-12-31 is no date
        f"{fold('SUMMARY:' + escape(summary))}\r\n"
        f"{fold('DESCRIPTION:' + escape(description))}\r\n"
        f"{link}TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
    )


def calendar(name: str, description: str, events: Iterable[Event]) -> bytes:
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape(name)}",
        f"X-WR-CALNAME:{escape(name)}",
        f"DESCRIPTION:{escape(description)}",
        f"X-WR-CALDESC:{escape(description)}",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ]
    ordered = sorted(events, key=lambda event: (event.day, event.order))
    body = "".join(event.text for event in ordered)
    return (_lines(head) + body + "END:VCALENDAR\r\n").encode()


@dataclass
class _Page:
    """Where an event points: its postmortem's page and the words around it."""

    url: str | None
    where: str

    @classmethod
    def of(cls, catalog: Catalog, item: Published, about: About) -> _Page:
        path = catalog.links.url(item.src_uri)
        if about.base is not None:
            return cls(about.href(path), about.href(path))
        return cls(None, f"{path} (from the site's root)")


def _item_events(
    item: Published, page: _Page, stamp: str, ident: str
) -> list[tuple[str | None, Event]]:
    """(owner, event) for each open action item of a postmortem that has a due day. `ident`
    is the postmortem's id as part of a UID (`part`)."""
    pm = item.postmortem
    # What every item's description ends with: the postmortem and its page.
    severity = f" ({pm.severity})" if pm.severity else ""
    about = f"Postmortem: {item.id}: {item.title}{severity}\n{page.where}"
    seen: dict[str, int] = {}
    out = []
    for index, action in enumerate(pm.action_items):
        digest = _digest(action.title)[:12]
        seen[digest] = count = seen.get(digest, 0) + 1  # the same title twice: -2, -3 ...
        if action.due is None or not metrics.is_open(action):
            continue
        suffix = f"-{count}" if count > 1 else ""
        ticket = f"Ticket: {action.ticket}\n" if action.ticket else ""
        details = (
            f"Owner: {action.owner or NO_OWNER}\nPriority: {action.priority}\n"
            f"Status: {action.status}\nType: {action.type}\n{ticket}{about}"
        )
        text = _event(
            f"action-{ident}-{digest}{suffix}@{DOMAIN}",
            stamp,
            action.due,
            f"{action.title} ({item.id})",
            details,
            page.url,
        )
        out.append((action.owner, Event(action.due, (item.id, index), text)))
    return out


def _review(item: Published, page: _Page, stamp: str, ident: str) -> Event | None:
    pm = item.postmortem
    held = pm.review.held_on if pm.review is not None else None
    if held is None or pm.review is None:
        return None
    details = [
        *([f"Severity: {pm.severity}"] if pm.severity else []),
        *([f"Attendees: {', '.join(pm.review.attendees)}"] if pm.review.attendees else []),
        *([f"Documented by: {pm.review.documented_by}"] if pm.review.documented_by else []),
        page.where,
    ]
    text = _event(
        f"review-{ident}@{DOMAIN}",
        stamp,
        held,
        f"Review: {item.title} ({item.id})",
        "\n".join(details),
        page.url,
    )
    return Event(held, (item.id, 0), text)


@dataclass(frozen=True)
class Calendar:
    path: str
    name: str
    description: str
    events: list[Event]

    def ics(self) -> bytes:
        return calendar(self.name, self.description, self.events)


@dataclass
class Calendars:
    calendars: list[Calendar] = field(default_factory=list)
    """The site's, the reviews', then each owner's by owner."""
    owners: list[tuple[str, str, int]] = field(default_factory=list)
    """(owner, path of their calendar, number of events), by owner."""
    items: int = 0
    reviews: int = 0

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Each calendar's path and bytes, made as they are asked for."""
        for made in self.calendars:
            yield made.path, made.ics()


def make(catalog: Catalog, about: About) -> Calendars:
    """The site's calendar of due days, each owner's, and the calendar of reviews."""
    events: list[Event] = []
    by_owner: dict[str, list[Event]] = {}
    reviews: list[Event] = []
    for item in catalog.items:
        if item.postmortem.is_draft:  # serve and include_drafts put drafts in the catalog
            continue
        page = _Page.of(catalog, item, about)
        stamp = _stamp(moment(item.postmortem))
        ident = part(item.id)
        for owner, event in _item_events(item, page, stamp, ident):
            events.append(event)
            if owner is not None:
                by_owner.setdefault(owner, []).append(event)
        review = _review(item, page, stamp, ident)
        if review is not None:
            reviews.append(review)
    made = Calendars(items=len(events), reviews=len(reviews))
    made.calendars += [
        Calendar(
            SITE_CALENDAR,
            f"{about.name}: action items due",
            "The due days of open and in-progress action items of postmortems.",
            events,
        ),
        Calendar(
            REVIEWS_CALENDAR,
            f"{about.name}: postmortem reviews",
            "The review meetings of postmortems.",
            reviews,
        ),
    ]
    # The catalog's slugs, which its owner pages use too: slugs of colliding names depend on
    # the whole set of owners, and an owner with no due day has a page but no calendar.
    names = catalog.owners if set(by_owner) <= set(catalog.owners) else owner_slugs(by_owner)
    for owner in sorted(by_owner):
        path = owner_path(names[owner])
        made.calendars.append(
            Calendar(
                path,
                f"{about.name}: action items of {owner}",
                f"The due days of open and in-progress action items owned by {owner}.",
                by_owner[owner],
            )
        )
        made.owners.append((owner, path, len(by_owner[owner])))
    return made
