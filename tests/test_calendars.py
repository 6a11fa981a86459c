"""The iCalendar files, read with the `icalendar` package from real builds and checked
against the knowledge base's files as PyYAML reads them: exactly the open items with a due
day (every postmortem but drafts) in the site's calendar and in each owner's, exactly the
review meetings in the reviews calendar; stable UIDs; hostile text kept as text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import icalendar
from hypothesis import example, given
from hypothesis import strategies as st

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import calendars, catalog, feeds
from mkdocs_postmortems.site.feeds import About
from subscriptions_kb import (
    AS_OF,
    INJECTING_OWNER,
    OWNERS,
    Built,
    analytics_kb,
    changed,
    day,
    example_site,
    hostile_kb,
    open_items,
)

__all__ = ["analytics_kb", "example_site", "hostile_kb"]  # session fixtures, shared

OWNER_NAME = re.compile(r".*: action items of (.*)", re.DOTALL)


def read(path: Path) -> icalendar.Calendar:
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)  # CRLF, and only CRLF
    assert all(len(line) <= 75 for line in lines)  # folded
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar


_ESCAPED = re.compile(r"\\([\\;,nN])")


def text(value: Any) -> str:
    """A TEXT value that icalendar leaves escaped (the calendar's NAME, X-WR-CALNAME),
    unescaped as RFC 5545 3.3.11 says."""
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value))


def events(path: Path) -> list[Any]:
    return list(read(path).walk("VEVENT"))


def _item_key(item: dict[str, Any]) -> tuple[str, dt.date]:
    return (f"{item['title']} ({item['postmortem']})", item["due"])


def _event_key(event: Any) -> tuple[str, dt.date]:
    return (str(event["SUMMARY"]), event.decoded("DTSTART"))


def check_calendars(built: Built) -> int:
    """Every calendar of the site against the files; how many events were checked."""
    fronts = built.fronts()
    stamps = {f["id"]: changed(f) for f in fronts}
    expected = open_items(fronts)
    site = events(built.site / calendars.SITE_CALENDAR)
    assert Counter(map(_event_key, site)) == Counter(map(_item_key, expected))
    assert len({str(e["UID"]) for e in site}) == len(site)
    for event in site:
        assert isinstance(event.decoded("DTSTART"), dt.date)
        assert not isinstance(event.decoded("DTSTART"), dt.datetime)  # all day
        assert event.decoded("DURATION") == dt.timedelta(days=1)
        postmortem = str(event["SUMMARY"]).rsplit("(", 1)[1][:-1]
        assert event.decoded("DTSTAMP") == stamps[postmortem]
        assert str(event["UID"]).startswith(f"action-{postmortem}-")
        description = str(event["DESCRIPTION"])
        assert "Priority: " in description and f"Postmortem: {postmortem}: " in description
        if built.site_url:
            assert str(event["URL"]).startswith(built.site_url + "postmortems/")
            assert str(event["URL"]) in description
    uids = {_event_key(e): str(e["UID"]) for e in site}

    owners = {item["owner"] for item in expected if item.get("owner") is not None}
    files = sorted((built.site / calendars.OWNERS_FOLDER).glob("*"))
    assert len(files) == len(owners)
    seen = set()
    for file in files:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.ics", file.name), file.name
        calendar = read(file)
        match = OWNER_NAME.fullmatch(text(calendar["X-WR-CALNAME"]))
        assert match is not None
        owner = match.group(1)
        seen.add(owner)
        mine = [item for item in expected if item.get("owner") == owner]
        theirs = list(calendar.walk("VEVENT"))
        assert Counter(map(_event_key, theirs)) == Counter(map(_item_key, mine)), owner
        assert all(uids[_event_key(e)] == str(e["UID"]) for e in theirs)  # the same events
    assert seen == owners

    reviews = [
        (f"Review: {f['title']} ({f['id']})", day(f["review"]["held_on"]))
        for f in fronts
        if f.get("status") != "draft" and (f.get("review") or {}).get("held_on")
    ]
    held = events(built.site / calendars.REVIEWS_CALENDAR)
    assert Counter(map(_event_key, held)) == Counter(reviews)
    assert {str(e["UID"]) for e in held} == {
        f"review-{key[0].rsplit('(', 1)[1][:-1]}@{feeds.DOMAIN}" for key in reviews
    }
    return len(site) + len(held)


def test_the_analytics_kb_calendars(analytics_kb: tuple[Built, Built]) -> None:
    first, _ = analytics_kb
    items = open_items(first.fronts())
    assert any(item.get("owner") is None for item in items)  # in the site's calendar only
    assert check_calendars(first) == len(items) > 5


def test_the_example_site_calendars(example_site: Built) -> None:
    assert check_calendars(example_site) > 20
    assert events(example_site.site / calendars.REVIEWS_CALENDAR)


def test_hostile_text_stays_inside_its_property(hostile_kb: Built) -> None:
    expected = open_items(hostile_kb.fronts())
    assert check_calendars(hostile_kb) == len(expected) + 1
    site = hostile_kb.site / calendars.SITE_CALENDAR
    raw = site.read_bytes().split(b"\r\n")
    assert raw.count(b"BEGIN:VEVENT") == len(expected)  # no event smuggled in by a line break
    assert not [line for line in raw if line.startswith((b"SUMMARY:injected", b"UID:injected"))]
    by_owner = {
        str(e["DESCRIPTION"]).split("\n", 1)[0]: e for e in events(site) if "DESCRIPTION" in e
    }
    assert f"Owner: {INJECTING_OWNER.split(chr(10))[0]}" in by_owner  # first line of it
    descriptions = [str(e["DESCRIPTION"]) for e in events(site)]
    assert any(f"Owner: {INJECTING_OWNER}\nPriority:" in d for d in descriptions)
    assert any("Owner: (no owner)" in d for d in descriptions)
    names = sorted(p.name for p in (hostile_kb.site / calendars.OWNERS_FOLDER).iterdir())
    assert len(names) == len(set(OWNERS))
    # The first of the three in code point order keeps the name, the others add a digest.
    assert [n for n in names if n.startswith("ana-silva")] == sorted(
        f"{calendars.owner_slugs(OWNERS)[o]}.ics" for o in ("ANA SILVA", "Ana Silva", "ana.silva")
    )
    assert "ana-silva.ics" in names
    reviews = events(hostile_kb.site / calendars.REVIEWS_CALENDAR)
    assert f"Attendees: {INJECTING_OWNER}\\, a\\, b\\; c" not in str(reviews[0]["DESCRIPTION"])
    assert f"Attendees: {INJECTING_OWNER}, a, b; c" in str(reviews[0]["DESCRIPTION"])


def test_colliding_owners_get_names_that_do_not_depend_on_order() -> None:
    owners = ["Ana Silva", "ana.silva", "ANA SILVA", "李雷", "王芳", "", "-", "ana-silva"]
    names = calendars.owner_slugs(owners)
    assert names == calendars.owner_slugs(list(reversed(owners)))
    assert len(set(names.values())) == len(owners)
    assert names["ANA SILVA"] == "ana-silva"  # first in code point order
    assert names["Ana Silva"].startswith("ana-silva-") and names["李雷"].startswith("owner-")


@given(st.lists(st.text(max_size=30), max_size=12))
def test_every_owner_gets_a_safe_name_of_their_own(owners: list[str]) -> None:
    names = calendars.owner_slugs(owners)
    assert set(names) == set(owners)
    assert len(set(names.values())) == len(names)
    for name in names.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) and len(name) <= 80
    assert names == calendars.owner_slugs(sorted(owners, reverse=True))


_TEXT = st.text(st.characters(codec="utf-8"), max_size=200)


@given(_TEXT, _TEXT)
@example("a\\nb \\\\; c\\", "line\r\nbreaks\rand\nEND:VCALENDAR")
@example("é" * 80, "€" * 50 + "😀" * 30)
def test_any_text_survives_a_calendar(summary: str, name: str) -> None:
    """What a TEXT value holds comes back as written (line breaks as `\\n`, other controls
    replaced), folded at 75 octets, and adds no property or event of its own."""
    event = calendars.Event(
        dt.date(2026, 1, 2),
        ("PM-1", 0),
        calendars._event("uid@x", "20260101T000000Z", dt.date(2026, 1, 2), summary, name, None),
    )
    data = calendars.calendar(name, summary, [event])
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert lines.count(b"BEGIN:VEVENT") == 1
    parsed = icalendar.Calendar.from_ical(data)
    (only,) = parsed.walk("VEVENT")

    def kept(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return re.sub("[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", text)

    assert str(only["SUMMARY"]) == kept(summary)
    assert str(only["DESCRIPTION"]) == kept(name)
    assert text(parsed["X-WR-CALNAME"]) == text(parsed["NAME"]) == kept(name)


def _hostile_catalog(built: Built, *, include_drafts: bool = False) -> catalog.Catalog:
    taxonomy = taxonomy_module.load(built.folder / "taxonomy.yml")
    corpus = load_corpus([built.folder], taxonomy)
    assert corpus.ok, corpus.diagnostics
    as_of = dt.date.fromisoformat(AS_OF)
    return catalog.build(corpus.entries, taxonomy, as_of, include_drafts=include_drafts)


def test_drafts_stay_out_where_the_site_shows_them(hostile_kb: Built) -> None:
    """`mkdocs serve` and `include_drafts: true` put drafts in the catalog: not in calendars."""
    shown = _hostile_catalog(hostile_kb, include_drafts=True)
    assert any(item.postmortem.is_draft for item in shown.items)
    made = calendars.make(shown, About())
    parsed = icalendar.Calendar.from_ical(dict(made.files())[calendars.SITE_CALENDAR])
    expected = open_items(hostile_kb.fronts())
    assert Counter(map(_event_key, parsed.walk("VEVENT"))) == Counter(map(_item_key, expected))
    assert "Draft Owner" not in {owner for owner, _, _ in made.owners}


def _uids(made: calendars.Calendars) -> dict[tuple[str, dt.date], str]:
    parsed = icalendar.Calendar.from_ical(dict(made.files())[calendars.SITE_CALENDAR])
    return {(str(e["SUMMARY"]), e.decoded("DTSTART")): str(e["UID"]) for e in parsed.walk("VEVENT")}


def test_uids_survive_reordered_items_and_moved_due_days(hostile_kb: Built) -> None:
    """A calendar app matches events by UID: moving an item, or its due day, must not make
    it a new event."""
    before = _hostile_catalog(hostile_kb)
    uids = _uids(calendars.make(before, About()))
    after = _hostile_catalog(hostile_kb)
    for index, item in enumerate(after.items):
        pm = item.postmortem
        moved = [
            a.model_copy(update={"due": a.due + dt.timedelta(days=3) if a.due else None})
            for a in reversed(pm.action_items)
        ]
        entry = dataclasses.replace(
            item.entry, postmortem=pm.model_copy(update={"action_items": moved})
        )
        after.items[index] = dataclasses.replace(item, entry=entry)
    moved_uids = _uids(calendars.make(after, About("Elsewhere", "https://x.example/")))
    assert sorted(moved_uids.values()) == sorted(uids.values()) and len(uids) > 5
    # Items of one title in one postmortem are told apart by their order; the others keep
    # their UIDs whatever the order.
    titles = Counter(summary for summary, _ in uids)
    unique = {
        (s, due + dt.timedelta(days=3)): uid for (s, due), uid in uids.items() if titles[s] == 1
    }
    assert len(unique) >= 3
    assert {key: moved_uids[key] for key in unique} == unique
