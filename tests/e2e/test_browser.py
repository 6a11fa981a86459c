"""The built site in a real Chromium: sorting, filtering, a postmortem page, search, safety.

Every expectation is computed from the same build's `data/postmortems.json` (and the source
files), never written down by hand, so the tests follow the example knowledge base as it
grows. Screenshots are kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page

from e2e.support import AS_OF, REPO, RunCli, Site, Tab, mkdocs_build, serve
from mkdocs_postmortems.core import loader, taxonomy

pytestmark = pytest.mark.browser

Record = dict[str, Any]
BROWSE = "postmortems/"
ACTIVE = ("open", "in-progress")


# --- what the data says -------------------------------------------------------------------


@pytest.fixture(scope="module")
def records(example_site: Site) -> list[Record]:
    data = example_site.data()
    assert data["as_of"] == AS_OF
    found: list[Record] = data["postmortems"]
    assert len(found) >= 5, "the example knowledge base is too small to test browsing"
    return found


@pytest.fixture(scope="module")
def kb_taxonomy() -> taxonomy.Taxonomy:
    return taxonomy.load(REPO / "postmortems" / "taxonomy.yml")


def collation_key(text: str) -> tuple[tuple[int, str], ...]:
    """`localeCompare` order (ICU's root collation), closely enough for ids, titles and slugs:
    spaces, then punctuation, then digits, then letters, ignoring case and accents."""
    key: list[tuple[int, str]] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue
        if char.isspace():
            key.append((0, " "))
        elif char.isdigit():
            key.append((2, char))
        elif char.isalpha():
            key.append((3, char.casefold()))
        else:
            key.append((1, char))
    return tuple(key)


def _instant(value: str | None) -> float | None:
    return None if value is None else dt.datetime.fromisoformat(value).timestamp()


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Record, list[str]], Any]
    """The record's sort value (given the severity levels in order); None sorts last."""


COLUMNS = [
    Column("Id", lambda r, _: collation_key(r["id"])),
    Column("Started", lambda r, _: _instant(r["started_at"])),
    Column("Title", lambda r, _: collation_key(r["title"].casefold())),
    Column(
        "Severity",
        lambda r, levels: levels.index(r["severity"]) if r["severity"] in levels else len(levels),
    ),
    Column("Status", lambda r, _: collation_key(r["status"]) if r["status"] else None),
    Column("Services", lambda r, _: collation_key(" ".join(r["services"])) or None),
    Column("Time to resolve", lambda r, _: r["time_to_resolve_minutes"]),
    Column("Open items", lambda r, _: r["open_action_items"]),
    Column("Overdue items", lambda r, _: r["overdue_action_items"]),
]


def expected_order(
    records: list[Record], column: Column, levels: list[str], ascending: bool
) -> list[str]:
    """Ids sorted by a column, ties in the table's own order, blanks last either way."""
    present = [r for r in records if column.value(r, levels) is not None]
    blank = [r for r in records if column.value(r, levels) is None]
    ordered = sorted(present, key=lambda r: column.value(r, levels), reverse=not ascending)
    return [r["id"] for r in ordered + blank]


def search_text(record: Record, kb: taxonomy.Taxonomy) -> str:
    """What the browse filter's free text is matched against."""
    factors = kb.contributing_factors or {}
    labels = [factors[k].label if k in factors else k for k in record["contributing_factors"]]
    parts = [
        record["id"],
        record["title"],
        record["summary"] or "",
        *record["services"],
        *record["teams"],
        *record["tags"],
        *labels,
    ]
    return " ".join(parts).casefold()


def overdue_days(action: Record) -> int | None:
    due = action.get("due")
    if action.get("status") not in ACTIVE or not due:
        return None
    days = (dt.date.fromisoformat(AS_OF) - dt.date.fromisoformat(due)).days
    return days if days > 0 else None


# --- what the page shows ------------------------------------------------------------------


def row_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "#pm-browse tbody tr", "rows => rows.map(r => r.cells[0].getAttribute('data-value'))"
    )
    return ids


def visible_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "#pm-browse tbody tr",
        "rows => rows.filter(r => r.checkVisibility())"
        ".map(r => r.cells[0].getAttribute('data-value'))",
    )
    return ids


def sort_states(page: Page) -> dict[str, str | None]:
    states: dict[str, str | None] = page.eval_on_selector_all(
        "#pm-browse thead th",
        "cells => Object.fromEntries(cells.map(c => [c.textContent.trim(), "
        "c.getAttribute('aria-sort')]))",
    )
    return states


def sort_button(page: Page, name: str) -> Locator:
    return page.locator("#pm-browse thead button.pm-sort", has_text=re.compile(f"^{name}$"))


def open_browse(tab: Tab, site: Site, query: str = "") -> Page:
    page = tab.open(site.url + BROWSE + query)
    page.wait_for_selector("form[data-pm-browse][data-pm-ready]")
    return page


# --- (a) sorting --------------------------------------------------------------------------


def test_the_table_starts_newest_first_and_unsorted(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    page = open_browse(tab, example_site)
    assert row_ids(page) == [r["id"] for r in records]
    assert set(sort_states(page).values()) == {"none"}
    assert page.locator("output.pm-count").inner_text() == (
        f"{len(records)} of {len(records)} postmortems"
    )
    assert not page.locator("[data-pm-none]").is_visible()
    tab.screenshot("browse")


@pytest.mark.parametrize("column", COLUMNS, ids=[c.name for c in COLUMNS])
def test_sort_by_each_column_both_ways(
    tab: Tab,
    example_site: Site,
    records: list[Record],
    kb_taxonomy: taxonomy.Taxonomy,
    column: Column,
) -> None:
    levels = list(kb_taxonomy.severities)
    page = open_browse(tab, example_site)
    button = sort_button(page, column.name)
    for ascending, state in ((True, "ascending"), (False, "descending")):
        button.click()
        assert row_ids(page) == expected_order(records, column, levels, ascending), state
        states = sort_states(page)
        assert states.pop(column.name) == state
        assert set(states.values()) == {"none"}


def test_sort_with_the_keyboard(
    tab: Tab, example_site: Site, records: list[Record], kb_taxonomy: taxonomy.Taxonomy
) -> None:
    levels = list(kb_taxonomy.severities)
    column = next(c for c in COLUMNS if c.name == "Time to resolve")
    page = open_browse(tab, example_site)
    button = sort_button(page, column.name)
    button.focus()
    page.keyboard.press("Enter")
    assert row_ids(page) == expected_order(records, column, levels, ascending=True)
    assert sort_states(page)[column.name] == "ascending"
    page.keyboard.press("Space")
    assert row_ids(page) == expected_order(records, column, levels, ascending=False)
    assert sort_states(page)[column.name] == "descending"
    assert page.evaluate("document.activeElement.textContent") == column.name
    # Tab moves on to the next sort button, which sorts from the keyboard too.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    following = COLUMNS[COLUMNS.index(column) + 1]
    assert sort_states(page)[following.name] == "ascending"
    assert row_ids(page) == expected_order(records, following, levels, ascending=True)


# --- (b) filtering ------------------------------------------------------------------------


def _pick(counts: Counter[str], total: int) -> str:
    """The most used value that does not cover every record: a filter that narrows."""
    candidates = [(n, value) for value, n in counts.items() if 1 < n < total]
    assert candidates, f"nothing to filter on in {counts}"
    return min(candidates, key=lambda c: (-c[0], c[1]))[1]


def _counts(records: list[Record], field: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in records:
        values = r[field] if isinstance(r[field], list) else [r[field]]
        counts.update(set(values))
    return counts


def check_shown(page: Page, records: list[Record], keep: Callable[[Record], bool]) -> list[str]:
    expected = [r["id"] for r in records if keep(r)]
    assert visible_ids(page) == expected
    assert page.locator("output.pm-count").inner_text() == (
        f"{len(expected)} of {len(records)} postmortems"
    )
    assert page.locator("[data-pm-none]").is_visible() == (not expected)
    return expected


def test_filter_by_each_severity(tab: Tab, example_site: Site, records: list[Record]) -> None:
    page = open_browse(tab, example_site)
    select = page.locator("select[data-filter=severity]")
    for level in sorted(_counts(records, "severity")):
        select.select_option(level)
        assert check_shown(page, records, lambda r: r["severity"] == level)  # noqa: B023
        assert parse_qs(urlsplit(page.url).query) == {"severity": [level]}
    select.select_option("")
    check_shown(page, records, lambda r: True)
    assert urlsplit(page.url).query == ""


@pytest.mark.parametrize("kind", ["services", "teams", "factors"])
def test_filter_by_service_team_and_factor(
    tab: Tab, example_site: Site, records: list[Record], kind: str
) -> None:
    field = {"factors": "contributing_factors"}.get(kind, kind)
    value = _pick(_counts(records, field), len(records))
    page = open_browse(tab, example_site)
    page.locator(f"select[data-filter={kind}]").select_option(value)
    shown = check_shown(page, records, lambda r: value in r[field])
    assert 1 < len(shown) < len(records)
    assert parse_qs(urlsplit(page.url).query) == {kind: [value]}


def _text_word(records: list[Record], kb: taxonomy.Taxonomy) -> str:
    """A word of the summaries found in some postmortems' searchable text but not all."""
    texts = [search_text(r, kb) for r in records]
    words = {w for r in records for w in re.findall(r"[a-z]{5,}", (r["summary"] or "").lower())}
    counts = Counter({w: sum(w in t for t in texts) for w in words})
    return _pick(counts, len(records))


def test_filter_by_free_text(
    tab: Tab, example_site: Site, records: list[Record], kb_taxonomy: taxonomy.Taxonomy
) -> None:
    word = _text_word(records, kb_taxonomy)
    page = open_browse(tab, example_site)
    box = page.locator("input[data-filter=text]")
    # Case and surrounding spaces do not matter.
    box.fill(f"  {word.upper()} ")
    shown = check_shown(page, records, lambda r: word in search_text(r, kb_taxonomy))
    assert 1 < len(shown) < len(records)
    # Two words: both must occur (here, the word and one postmortem's id).
    one = shown[-1]
    box.fill(f"{word} {one.lower()}")
    assert check_shown(
        page,
        records,
        lambda r: (
            word in search_text(r, kb_taxonomy) and one.lower() in search_text(r, kb_taxonomy)
        ),
    ) == [one]
    # A service slug is found by text too.
    service = records[0]["services"][0]
    box.fill(service)
    check_shown(page, records, lambda r: service in search_text(r, kb_taxonomy))


def test_filters_combine_and_can_match_nothing(
    tab: Tab, example_site: Site, records: list[Record], kb_taxonomy: taxonomy.Taxonomy
) -> None:
    def having(severity: str, service: str) -> list[Record]:
        return [r for r in records if r["severity"] == severity and service in r["services"]]

    severities = sorted(_counts(records, "severity"))
    services = sorted(_counts(records, "services"))
    narrowing = [
        (len(having(sev, svc)), sev, svc)
        for sev in severities
        for svc in services
        if 0
        < len(having(sev, svc))
        < min(_counts(records, "severity")[sev], _counts(records, "services")[svc])
    ]
    assert narrowing, "no severity and service combine to narrow the list"
    _, severity, service = min(narrowing, key=lambda n: (-n[0], n[1], n[2]))

    page = open_browse(tab, example_site)
    page.locator("select[data-filter=severity]").select_option(severity)
    page.locator("select[data-filter=services]").select_option(service)
    check_shown(page, records, lambda r: r["severity"] == severity and service in r["services"])
    tab.screenshot("browse-filtered")

    # Adding a team that none of them has empties the table and shows the message.
    teams_seen = {t for r in having(severity, service) for t in r["teams"]}
    absent = sorted(set(_counts(records, "teams")) - teams_seen)
    assert absent, "every team is in the combination: cannot filter to nothing"
    page.locator("select[data-filter=teams]").select_option(absent[0])
    assert check_shown(page, records, lambda r: False) == []
    assert page.locator("[data-pm-none]").inner_text() == "No postmortem matches these filters."

    # Back to the combination, narrowed by text.
    page.locator("select[data-filter=teams]").select_option("")
    first = having(severity, service)[0]
    word = max(re.findall(r"[a-z]{4,}", first["title"].lower()), key=len)
    page.locator("input[data-filter=text]").fill(word)
    check_shown(
        page,
        records,
        lambda r: (
            r["severity"] == severity
            and service in r["services"]
            and word in search_text(r, kb_taxonomy)
        ),
    )
    nonsense = "qqqzzzxxnothing"
    page.locator("input[data-filter=text]").fill(nonsense)
    assert check_shown(page, records, lambda r: False) == []


def test_filters_live_in_the_address_and_survive_a_reload(
    tab: Tab, example_site: Site, records: list[Record], kb_taxonomy: taxonomy.Taxonomy
) -> None:
    service = _pick(_counts(records, "services"), len(records))
    word = _text_word(records, kb_taxonomy)

    def keep(r: Record) -> bool:
        return service in r["services"] and word in search_text(r, kb_taxonomy)

    page = open_browse(tab, example_site)
    page.locator("select[data-filter=services]").select_option(service)
    page.locator("input[data-filter=text]").fill(word)
    shown = check_shown(page, records, keep)
    # The free text is `text`: Material's search reads `q` and would open its overlay.
    assert parse_qs(urlsplit(page.url).query) == {"services": [service], "text": [word]}

    page.reload(wait_until="load")
    page.wait_for_selector("form[data-pm-browse][data-pm-ready]")
    assert page.locator("select[data-filter=services]").input_value() == service
    assert page.locator("input[data-filter=text]").input_value() == word
    assert check_shown(page, records, keep) == shown

    # A link with filters opens filtered.
    team = _pick(_counts(records, "teams"), len(records))
    factor = _pick(_counts(records, "contributing_factors"), len(records))
    page = open_browse(tab, example_site, f"?teams={team}&factors={factor}")
    assert page.locator("select[data-filter=teams]").input_value() == team
    assert page.locator("select[data-filter=factors]").input_value() == factor
    check_shown(page, records, lambda r: team in r["teams"] and factor in r["contributing_factors"])


# --- (c) a postmortem page ----------------------------------------------------------------


def test_open_a_postmortem_from_the_table(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    record = max(records, key=lambda r: r["overdue_action_items"])
    overdue = [(a, overdue_days(a)) for a in record["action_items"]]
    assert sum(days is not None for _, days in overdue) == record["overdue_action_items"] > 0

    page = open_browse(tab, example_site)
    row = page.locator("#pm-browse tbody tr", has=page.locator(f'td[data-value="{record["id"]}"]'))
    row.locator("td").nth(2).get_by_role("link", name=record["title"], exact=True).click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == urlsplit(example_site.url + record["url"]).path

    assert page.locator("h1#postmortem-title").inner_text() == record["title"]
    assert page.title().startswith(record["title"])
    meta = page.locator("article p.pm-meta")  # severity, status and dates, under the title
    assert meta.is_visible()
    assert page.locator("article .pm-where__id").inner_text() == record["id"]
    assert meta.locator(".pm-sev").inner_text().startswith(record["severity"])
    assert meta.locator(".pm-status").inner_text() == record["status"]

    actions = page.locator("table.pm-actions tbody tr")
    assert actions.count() == len(record["action_items"])
    assert (
        page.locator("table.pm-actions tr.pm-row-overdue").count()
        == (record["overdue_action_items"])
    )
    for index, (action, days) in enumerate(overdue):
        row = actions.nth(index)
        assert row.locator(".pm-action-title").inner_text() == action["title"]
        marker = row.locator("strong.pm-overdue")
        if days is None:
            assert "pm-row-overdue" not in (row.get_attribute("class") or "")
            assert marker.count() == 0
        else:
            assert "pm-row-overdue" in (row.get_attribute("class") or "")
            assert marker.get_attribute("data-days-overdue") == str(days)
            assert marker.inner_text() == f"overdue by {days} day{'s' * (days != 1)}"
            assert marker.is_visible()
    tab.screenshot("postmortem")


# --- (d) Material's search ----------------------------------------------------------------


def body_only_word(site: Site, records: list[Record]) -> tuple[str, Record]:
    """A word found in one postmortem's Markdown body only: in no front matter, in no other
    body, and on no other page of the built site."""
    sources = sorted((REPO / "postmortems").rglob("*.md"))
    split = {
        p.relative_to(REPO).as_posix(): loader.split(p.name, p.read_text(encoding="utf-8"))
        for p in sources
    }
    fronts = "\n".join(front for front, _, _ in split.values()).casefold()
    pages = {
        p.relative_to(site.root).as_posix(): p.read_text(encoding="utf-8").casefold()
        for p in site.root.rglob("*.html")
    }
    for record in records:
        body = split[record["path"]][1].casefold()
        others = [b.casefold() for path, (_, b, _) in split.items() if path != record["path"]]
        own_page = record["url"] + "index.html"
        for word in sorted(set(re.findall(r"\b[a-z]{9,}\b", body))):
            if word in fronts or any(word in other for other in others):
                continue
            if any(word in text for path, text in pages.items() if path != own_page):
                continue
            return word, record
    raise AssertionError("no word occurs in only one postmortem's body")


def material_search(page: Page, query: str) -> list[str]:
    """Type into Material's search box; the absolute URLs of the results, once shown."""
    page.locator("input.md-search__input").click()
    page.keyboard.type(query, delay=20)
    meta = page.locator(".md-search-result__meta")
    meta.filter(has_text=re.compile(r"match", re.IGNORECASE)).wait_for()
    hrefs: list[str] = page.eval_on_selector_all(
        "a.md-search-result__link", "links => links.map(a => a.href)"
    )
    return hrefs


def test_search_finds_a_postmortem_by_a_word_of_its_body(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    word, record = body_only_word(example_site, records)
    page = tab.open(example_site.url)
    tab.screenshot("home")
    hrefs = material_search(page, word)
    target = urlsplit(example_site.url + record["url"]).path
    paths = [urlsplit(h).path for h in hrefs]
    assert paths, f"no search result for {word!r}"
    assert paths[0] == target, f"{word!r}: expected {target} first, got {paths}"
    tab.screenshot("search")
    page.locator("a.md-search-result__link").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == target
    assert page.locator("h1#postmortem-title").inner_text() == record["title"]


# --- (e) every page loads cleanly, and its links lead somewhere ----------------------------


def test_every_page_loads_without_errors_and_links_resolve(
    tab: Tab, example_site: Site, records: list[Record]
) -> None:
    pages = sorted(
        p.relative_to(example_site.root).as_posix() for p in example_site.root.rglob("*.html")
    )
    assert len(pages) > len(records)
    broken: list[str] = []
    for relative in pages:
        url = example_site.url + relative.removesuffix("index.html")
        page = tab.open(url)
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if not href.startswith(example_site.url) or parts.path.endswith(".md"):
                continue  # other sites; edit links to the repository
            target = example_site.root / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{url}: {href}")
    assert broken == []
    assert tab.errors == []


# --- layout: nothing wider than the page, on a desktop or a phone ----------------------------

OVERFLOW = """() => {
  const article = document.querySelector("article").getBoundingClientRect();
  const wide = new Set();
  for (const el of document.querySelectorAll("article *")) {
    if (el.closest(".pm-table-wrap, .md-typeset__scrollwrap, pre")) continue;  /* scroll */
    const box = el.getBoundingClientRect();
    if (box.width && box.right > article.right + 1) wide.add(`${el.tagName} ${el.className}`);
  }
  return {page: document.documentElement.scrollWidth, wide: [...wide].slice(0, 5)};
}"""
"""How wide the page is, and what in the article reaches past its right edge unscrolled."""


@pytest.mark.parametrize(
    "kind",
    [
        "home",
        "browse",
        "term",
        "postmortem",
    ],
)
def test_pages_fit_a_desktop_and_a_phone(
    tab: Tab, example_site: Site, records: list[Record], kind: str
) -> None:
    widest = max(records, key=lambda r: len(r["action_items"]) + len(r["timeline"]))
    path = {
        "home": "",
        "browse": BROWSE,
        "term": f"services/{widest['services'][0]}/",
        "postmortem": widest["url"],
    }[kind]
    for width in (1280, 390):
        tab.page.set_viewport_size({"width": width, "height": 900})
        page = tab.open(example_site.url + path)
        assert page.evaluate(OVERFLOW) == {"page": width, "wide": []}, f"{path} at {width}px"


# --- (g) hostile text stays text ----------------------------------------------------------

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
SVG = '"><svg onload=window.__pwned=1>'
PAYLOAD = f"{SCRIPT}{IMG}{SVG}'&amp;"


def _text(name: str) -> str:
    return f"{name} {PAYLOAD}"


def _payload_texts(value: Any) -> list[str]:
    """Every text of a postmortem that carries the payload (links are URLs, not text)."""
    if isinstance(value, dict):
        return [t for key, inner in value.items() if key != "links" for t in _payload_texts(inner)]
    if isinstance(value, list):
        return [t for inner in value for t in _payload_texts(inner)]
    return [value] if isinstance(value, str) and PAYLOAD in value else []


def _payload_postmortem() -> dict[str, Any]:
    t = _text
    return {
        "id": "PM-2026-001",
        "title": t("Title"),
        "severity": "P1",
        "status": "published",
        "date": "2026-03-02",
        "authors": [t("author")],
        "services": ["checkout"],
        "teams": ["payments"],
        "tags": ["xss"],
        "summary": t("summary"),
        "started_at": "2026-03-01T10:00:00+00:00",
        "detected_at": "2026-03-01T10:05:00+00:00",
        "mitigated_at": "2026-03-01T10:30:00+00:00",
        "resolved_at": "2026-03-01T11:00:00+00:00",
        "impact": {
            "users_affected": t("users"),
            "revenue_usd": 10,
            "data_loss": False,
            "data_impact": t("data impact"),
            "reputation": t("reputation"),
            "customer_facing": True,
        },
        "trigger": t("trigger"),
        "contributing_factors": ["config-change"],
        "gaps": {"testing": t("testing"), "monitoring": t("monitoring"), "process": t("process")},
        "timeline": [{"at": "2026-03-01T10:00:00+00:00", "event": t("event"), "who": t("who")}],
        "action_items": [
            {
                "title": t("action"),
                "type": "prevent",
                "owner": t("owner"),
                "due": "2026-03-10",
                "priority": "high",
                "status": "open",
                "ticket": t("ticket"),
            }
        ],
        "hotfix": {
            "tag": t("tag"),
            "parent_release": t("parent"),
            "fix": "workaround",
            "files_modified": [t("file")],
            "testing": ["unit"],
            "waivers": [
                {
                    "id": t("waiver"),
                    "type": t("waiver type"),
                    "gates": [t("gate")],
                    "justification": t("justification"),
                }
            ],
            "proper_fix": {
                "story": t("story"),
                "scheduled": t("scheduled"),
                "description": t("proper fix"),
            },
        },
        "approvals": [{"role": t("role"), "name": t("approver"), "approved": True}],
        "communication": {
            "internal": t("internal"),
            "customer": t("customer"),
            "public": t("public"),
        },
        "review": {
            "held_on": "2026-03-05",
            "attendees": [t("attendee")],
            "documented_by": t("scribe"),
        },
        "links": {"ticket": 'https://tracker.example.com/?q="><script>window.__pwned=1</script>'},
    }


PAYLOAD_BODY = f"""
## What happened

Raw HTML written as code stays text: `{SCRIPT}` and `{IMG}`.

`{SVG}`

```html
<div class="pm-hover" onclick="window.__pwned=1" onmouseover="window.__pwned=1">hover me</div>
<a href="javascript:window.__pwned=1">a raw javascript link</a>
<iframe src="javascript:window.__pwned=1"></iframe>
<form action="javascript:window.__pwned=1"><button>send</button></form>
<style>body {{ display: none }}</style>
```

The search word: xylophonequartz.
"""
"""A body whose HTML would run is refused before it is built (tests/test_body_safety.py):
here the payloads are code, which a body may hold and the page shows as text."""

SECOND = {
    "id": "PM-2026-002",
    "title": f"Second {SVG}",
    "severity": "P2",
    "status": "published",
    "date": "2026-03-04",
    "authors": [f"x{SCRIPT}"],
    "services": ["checkout"],
    "teams": ["payments"],
    "summary": f"Also {IMG}",
    "started_at": "2026-03-03T10:00:00+00:00",
    "detected_at": "2026-03-03T10:05:00+00:00",
    "resolved_at": "2026-03-03T11:00:00+00:00",
    "contributing_factors": ["config-change"],
}


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML with every scalar a JSON (double-quoted) string, number or boolean."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, dict | list) and inner:
                lines.append(f"{pad}{key}:\n{to_yaml(inner, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {json.dumps(inner, ensure_ascii=False)}")
    else:
        for inner in value:
            if isinstance(inner, dict):
                nested = to_yaml(inner, indent + 2)
                lines.append(f"{pad}- {nested.lstrip()}")
            else:
                lines.append(f"{pad}- {json.dumps(inner, ensure_ascii=False)}")
    return "\n".join(lines)


def make_kb(
    project: Path,
    title: str,
    files: dict[str, tuple[dict[str, Any], str]],
    run_cli: RunCli,
    plugin: str = "postmortems",
) -> Path:
    """A small knowledge base (fixture taxonomy, Material, search) that validates; its
    built site."""
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text(
        f"# {title}\n\n<!-- postmortems:home -->\n", encoding="utf-8"
    )
    folder = project / "postmortems" / "2026"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "tests" / "fixtures" / "taxonomy.yml", project / "postmortems")
    for name, (front, body) in files.items():
        (folder / name).write_text(f"---\n{to_yaml(front)}\n---\n{body}", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"site_name: {title}\nsite_url: https://kb.example.com/\n"
        "repo_url: https://git.example.com/kb/payloads\nedit_uri: edit/main/docs/\n"
        "theme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - {plugin}\n"
        "markdown_extensions:\n  - attr_list\n  - admonition\n  - tables\n",
        encoding="utf-8",
    )
    validated = run_cli("validate", project / "postmortems")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    root = project / "site"
    mkdocs_build(project, root)
    return root


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory, run_cli: RunCli) -> Iterator[Site]:
    files = {
        "2026-03-01-payloads.md": (_payload_postmortem(), PAYLOAD_BODY),
        "2026-03-03-second.md": (SECOND, f"\nA second body mentioning `{SCRIPT}`.\n"),
    }
    root = make_kb(tmp_path_factory.mktemp("payload-kb"), "Payload KB", files, run_cli)
    with serve(root) as url:
        yield Site(root, url)


INERT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) bad.push(`<${tag} ${name}>`);
      if (["href", "src", "action", "data", "formaction"].includes(name)
          && (value.startsWith("javascript:") || value.startsWith("data:")))
        bad.push(`<${tag} ${name}=${attr.value}>`);
    }
    if (["iframe", "object", "embed", "frame"].includes(tag)) bad.push(`<${tag}>`);
    if (["script", "style", "form"].includes(tag) && el.closest("article")
        && !el.matches("form[data-pm-browse]")) bad.push(`<${tag}>`);
  }
  return bad;
}"""
"""Anything that could run script, in the whole page; and in the article, any script, style
or form but the browse filters (the author's body may hold none)."""


def assert_not_pwned(page: Page, where: str) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", f"script ran on {where}"


def test_hostile_text_runs_nowhere_and_reads_literally(tab: Tab, payload_site: Site) -> None:
    # The payload put in the page at the end, to show it is live, loads src=x: a 404.
    tab.allow(r"Failed to load resource: the server responded with a status of 404")
    record = next(r for r in payload_site.data()["postmortems"] if r["id"] == "PM-2026-001")
    pages = sorted(
        p.relative_to(payload_site.root).as_posix() for p in payload_site.root.rglob("*.html")
    )
    for relative in pages:
        page = tab.open(payload_site.url + relative.removesuffix("index.html"))
        assert_not_pwned(page, relative)
        assert page.evaluate(INERT) == [], relative

    page = tab.open(payload_site.url + record["url"])
    title = record["title"]
    assert page.locator("h1#postmortem-title").inner_text() == title
    # The document title reads as written; each '<' is followed by an invisible U+2060 WORD
    # JOINER, which keeps Material's header tooltip from reading it as a tag.
    assert page.title().replace("\u2060", "").startswith(title)
    facts = page.locator("dl.pm-facts")
    assert facts.get_by_text(", ".join(record["authors"]), exact=True).is_visible()
    assert page.locator("p.pm-lede").inner_text() == record["summary"]
    assert (
        page.locator("table.pm-actions tbody .pm-action-title").first.inner_text()
        == (record["action_items"][0]["title"])
    )
    shown = page.locator("article").inner_text()
    missing = [text for text in _payload_texts(_payload_postmortem()) if text not in shown]
    assert missing == [], "not shown literally"
    # The body's payloads are text, and hovering or clicking them does nothing either.
    assert page.locator("article div.pm-hover").count() == 0
    page.get_by_text("hover me").first.hover()
    page.get_by_text("a raw javascript link").first.click()
    assert_not_pwned(page, "the postmortem page after clicks")
    tab.screenshot("payload-postmortem")

    browse = tab.open(payload_site.url + BROWSE)
    assert browse.get_by_role("link", name=title, exact=True).is_visible()

    home = tab.open(payload_site.url)
    for query in ("xylophonequartz", "pwned", "onerror", "script", "svg onload", "Title"):
        hrefs = material_search(home, query)
        assert_not_pwned(home, f"search results for {query!r}")
        assert home.evaluate(INERT) == [], query
        if query == "xylophonequartz":
            assert [urlsplit(h).path for h in hrefs][:1] == [
                urlsplit(payload_site.url + record["url"]).path
            ]
        if query == "Title":
            titles = home.locator(".md-search-result__article h1").all_inner_texts()
            # A postmortem's search title leads with its id (site/search.py).
            assert any(shown.replace("\u2060", "").endswith(title) for shown in titles), titles
            tab.screenshot("payload-search")
        home.locator("input.md-search__input").fill("")

    # The payloads are live: put in the page as HTML, they do run. So their silence above
    # is the site's escaping, not a payload that could never fire.
    home.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", IMG)
    home.wait_for_function("window.__pwned === 1")


# --- edges, on a knowledge base made for them -----------------------------------------------


def _minimal(pm_id: str, title: str, started: str) -> dict[str, Any]:
    start = dt.datetime.fromisoformat(started)

    def later(minutes: int) -> str:
        return (start + dt.timedelta(minutes=minutes)).isoformat()

    return {
        "id": pm_id,
        "title": title,
        "severity": "P2",
        "status": "published",
        "date": "2026-03-02",
        "authors": ["ana.silva"],
        "services": ["checkout"],
        "teams": ["payments"],
        "summary": f"{title}.",
        "started_at": started,
        "detected_at": later(5),
        "resolved_at": later(60),
        "contributing_factors": ["capacity"],
    }


EDGES = {
    # Three incidents on one morning, written in their authors' offsets: 04:30, 06:00 and
    # 07:00 UTC, while their local times read 10:00, 06:00 and 06:00.
    "2026-03-01-pune.md": (
        _minimal(
            "PM-2026-010", "Straßenbahn feed stalled for Pune sellers", "2026-03-01T10:00:00+05:30"
        ),
        "\nBody.\n",
    ),
    "2026-03-01-london.md": (
        # The author is named on the card only.
        _minimal("PM-2026-011", "Checkout slow in London", "2026-03-01T06:00:00+00:00")
        | {"authors": ["zebedee.quill"]},
        "\nBody.\n",
    ),
    "2026-03-01-azores.md": (
        _minimal("PM-2026-012", "Search stale in the Azores", "2026-03-01T06:00:00-01:00"),
        "\nBody.\n",
    ),
    # A draft (published here by include_drafts) not yet resolved: a blank time to resolve.
    "2026-02-27-draft.md": (
        {
            key: value
            for key, value in _minimal(
                "PM-2026-009", "Draft still open", "2026-02-27T09:00:00+00:00"
            ).items()
            if key not in ("resolved_at", "contributing_factors")
        }
        | {"status": "draft"},
        "\nBody.\n",
    ),
}


@pytest.fixture(scope="module")
def edge_site(tmp_path_factory: pytest.TempPathFactory, run_cli: RunCli) -> Iterator[Site]:
    root = make_kb(
        tmp_path_factory.mktemp("edge-kb"),
        "Edge KB",
        EDGES,
        run_cli,
        plugin="postmortems:\n      include_drafts: true",
    )
    with serve(root) as url:
        yield Site(root, url)


def test_the_table_starts_newest_instant_first(tab: Tab, edge_site: Site) -> None:
    records = edge_site.data()["postmortems"]
    page = open_browse(tab, edge_site)
    assert row_ids(page) == ["PM-2026-012", "PM-2026-011", "PM-2026-010", "PM-2026-009"]
    assert row_ids(page) == [r["id"] for r in records]


def test_started_sorts_by_instant_across_offsets(tab: Tab, edge_site: Site) -> None:
    records = edge_site.data()["postmortems"]
    column = next(c for c in COLUMNS if c.name == "Started")
    page = open_browse(tab, edge_site)
    sort_button(page, "Started").click()
    assert row_ids(page) == expected_order(records, column, [], ascending=True)
    sort_button(page, "Started").click()
    assert row_ids(page) == expected_order(records, column, [], ascending=False)


def test_blank_values_sort_last_both_ways(tab: Tab, edge_site: Site) -> None:
    records = edge_site.data()["postmortems"]
    assert [r["id"] for r in records if r["time_to_resolve_minutes"] is None] == ["PM-2026-009"]
    column = next(c for c in COLUMNS if c.name == "Time to resolve")
    page = open_browse(tab, edge_site)
    for ascending in (True, False):
        sort_button(page, column.name).click()
        shown = row_ids(page)
        assert shown == expected_order(records, column, [], ascending)
        assert shown[-1] == "PM-2026-009"
        last = page.locator("#pm-browse tbody tr").last
        assert last.locator("td").nth(6).inner_text() == "\u2013"  # shown as a dash


def test_text_filter_finds_what_the_title_says(tab: Tab, edge_site: Site) -> None:
    page = open_browse(tab, edge_site)
    page.locator("input[data-filter=text]").fill("Straßenbahn")
    assert visible_ids(page) == ["PM-2026-010"]


def test_search_finds_a_postmortem_by_its_author(tab: Tab, edge_site: Site) -> None:
    record = next(r for r in edge_site.data()["postmortems"] if r["id"] == "PM-2026-011")
    page = tab.open(edge_site.url)
    hrefs = material_search(page, "zebedee.quill")
    assert urlsplit(edge_site.url + record["url"]).path in [urlsplit(h).path for h in hrefs]
