"""The postmortem page tells the story first: its order, the rule that keeps a field and a
body section from saying the same thing twice, the tables' columns, owner and ticket links,
escaping in every part template, and a site's override of one part.

Pages are made from real files on disk, read by the project's loader, without MkDocs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import postmortem, repeats
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.common import Page

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
HOSTILE = FIXTURES / "kb-hostile" / "postmortems"
AS_OF = dt.date(2026, 11, 24)
TEMPLATES = HERE.parent / "plugins" / "mkdocs_postmortems" / "site" / "templates" / "postmortem"

FRONT = """---
id: PM-2026-900
title: Search was slow
severity: P2
status: published
date: 2026-03-16
authors: [ana.silva]
services: [search]
summary: Search answered in ten seconds for an hour.
started_at: 2026-03-14T09:00:00+00:00
detected_at: 2026-03-14T09:10:00+00:00
mitigated_at: 2026-03-14T09:40:00+00:00
resolved_at: 2026-03-14T10:00:00+00:00
trigger: A cache flush emptied the search cache.
contributing_factors: [capacity]
timeline:
  - at: 2026-03-14T09:00:00+00:00
    event: Cache flushed.
  - at: 2026-03-14T09:40:00+00:00
    event: Cache warm again.
{extra}---
{body}"""


def _catalog(folder: Path, taxonomy_file: Path | None = None) -> Catalog:
    taxonomy = taxonomy_module.load(taxonomy_file or FIXTURES / "taxonomy.yml")
    corpus = load_corpus([folder], taxonomy)
    assert corpus.ok, [str(d) for d in corpus.diagnostics]
    return catalog_module.build(corpus.entries, taxonomy, AS_OF, include_drafts=True)


def _page(
    tmp_path: Path, body: str = "", extra: str = "", taxonomy: str | None = None
) -> tuple[Page, Catalog]:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "a.md").write_text(FRONT.format(extra=extra, body=body), encoding="utf-8")
    taxonomy_file = None
    if taxonomy is not None:
        taxonomy_file = folder / "taxonomy.yml"
        taxonomy_file.write_text(
            (FIXTURES / "taxonomy.yml").read_text(encoding="utf-8") + taxonomy, encoding="utf-8"
        )
    catalog = _catalog(folder, taxonomy_file)
    return postmortem.page(catalog, catalog.items[0]), catalog


def _every_field() -> tuple[Page, Catalog]:
    catalog = _catalog(FIXTURES / "valid" / "every-field.md")
    return postmortem.page(catalog, catalog.items[0]), catalog


def _positions(text: str, *needles: str) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at == -1]
    return found


# --- the order ------------------------------------------------------------------------------


def test_the_header_is_title_meta_line_summary_impact() -> None:
    page, _ = _every_field()
    assert [heading for heading, _ in page.before] == [None]
    header = page.before[0][1]
    title, meta, where, lede, impact = _positions(
        header,
        '<h1 id="postmortem-title">',
        '<p class="pm-meta">',
        '<p class="pm-where">',
        '<p class="pm-lede">',
        '<p class="pm-impact">',
    )
    assert title < meta < where < lede < impact
    line = header[meta : header.index("</p>", meta)]
    # Severity (coloured badge, linked), status and both dates, on the one line.
    assert 'class="pm-sev pm-sev-1"' in line and "P1 · Major" in line
    assert 'href="../../severity/P1/"' in line
    assert "pm-status-published" in line
    assert 'Started <time datetime="2026-03-14T09:12:00+01:00">' in line
    assert 'Resolved <time datetime="2026-03-14T10:05:00+01:00">10:05 +01:00</time>' in line
    assert "\n" not in line


def test_the_body_comes_before_the_record_and_timeline_and_actions_lead_it() -> None:
    page, _ = _every_field()
    headings = [heading for heading, _ in page.after]
    assert headings[:2] == ["Timeline", "Action items"]
    named = [h for h in headings if h is not None]
    assert named == [h for h in postmortem.SECTIONS if h in named]
    assert page.markdown.startswith("## Executive Summary")  # the author's words, unchanged


def test_the_impact_sentence_gives_the_figures_it_has() -> None:
    page, _ = _every_field()
    assert (
        '<p class="pm-impact">For 53 min (mitigated after 29 min): 12,000 users affected; '
        "$18,500.50 revenue impact; no data lost; customer-facing.</p>"
    ) in page.before[0][1]


@pytest.mark.parametrize(
    ("impact", "sentence"),
    [
        ("", "For 1 h 00 min (mitigated after 40 min); no impact recorded."),
        (
            "impact:\n  reputation: 37 support tickets\n",
            "For 1 h 00 min (mitigated after 40 min); impact described below.",
        ),
        ("impact:\n  users_affected: about 4% of EU users\n", "users affected: about 4% of EU"),
        ("impact:\n  users_affected: 1\n  revenue_usd: 8000\n", "1 user affected; $8,000 revenue"),
        (
            "impact:\n  data_loss: true\n  customer_facing: false\n",
            "data lost; not customer-facing",
        ),
    ],
)
def test_impact_sentences(tmp_path: Path, impact: str, sentence: str) -> None:
    page, _ = _page(tmp_path, extra=impact)
    shown = page.before[0][1].split('<p class="pm-impact">', 1)[1].split("</p>", 1)[0]
    assert sentence in shown


def test_an_impact_sentence_is_never_a_bare_duration(tmp_path: Path) -> None:
    """The reviewer's case: resolved, no mitigation time, no impact field."""
    extra = "impact:\n  users_affected: 3\n"
    page, _ = _page(tmp_path, extra="")
    shown = page.before[0][1].split('<p class="pm-impact">', 1)[1].split("</p>", 1)[0]
    assert re.fullmatch(r"For .+; no impact recorded\.", shown), shown
    (tmp_path / "figures").mkdir()
    figures, _ = _page(tmp_path / "figures", extra=extra)
    assert "no impact recorded" not in figures.before[0][1]


def _hotfix_section(tmp_path: Path, hotfix: str) -> str:
    tmp_path.mkdir(exist_ok=True)
    page, _ = _page(tmp_path, extra="hotfix:\n  tag: v1.2.1\n" + hotfix)
    return dict(page.after)["Hotfix"]


def test_a_hotfix_without_testing_says_not_recorded(tmp_path: Path) -> None:
    for name, hotfix in (("absent", ""), ("empty", "  testing: []\n")):
        shown = _hotfix_section(tmp_path / name, hotfix)
        testing = shown.split("<dt>Testing performed</dt>", 1)[1].split("</div>", 1)[0]
        assert "Not recorded" in testing, name
        assert "☐" not in testing and "pm-checklist" not in testing, name


def test_a_hotfix_with_testing_keeps_its_checklist(tmp_path: Path) -> None:
    shown = _hotfix_section(tmp_path, "  testing: [unit, staging]\n")
    testing = shown.split("<dt>Testing performed</dt>", 1)[1].split("</div>", 1)[0]
    assert "Not recorded" not in testing
    assert '<li class="pm-done">☑ unit</li>' in testing
    assert '<li class="pm-not-done">☐ canary</li>' in testing


def test_an_impact_of_words_only_goes_below_the_body(tmp_path: Path) -> None:
    page, _ = _page(tmp_path, extra="impact:\n  reputation: 37 support tickets\n")
    assert "37 support tickets" not in page.before[0][1]
    assert "37 support tickets" in dict(page.after)["Impact"]


def test_a_draft_says_so_under_its_title(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    shutil.copy(FIXTURES / "valid" / "minimal-draft.md", folder)
    catalog = _catalog(folder)
    header = postmortem.page(catalog, catalog.items[0]).before[0][1]
    assert 'class="admonition warning pm-draft"' in header
    assert "pm-status-draft" in header


def test_the_page_is_the_same_each_time() -> None:
    first, _ = _every_field()
    second, _ = _every_field()
    assert (first.markdown, first.before, first.after) == (
        second.markdown,
        second.before,
        second.after,
    )


# --- nothing shown twice ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "dropped"),
    [
        # Only the summary's words, in another case and punctuation: the field says it.
        ("## Executive summary\n\nSearch answered in TEN seconds, for an hour!\n", True),
        ("## Summary\n", True),  # nothing under the heading
        ("## Executive summary\n\nSearch answered in ten seconds for an hour at noon.\n", False),
        (
            "## Timeline (detailed)\n\n| 09:00 | Cache flushed |\n| 09:40 | Cache warm again |\n",
            True,
        ),
        ("## Root cause\n\nA cache flush emptied the search cache.\n", True),
        ("## Root cause\n\nA cache flush emptied the search cache, again.\n", False),
        ("## Impact\n\nFor 1 h: mitigated after 40 min.\n", True),
        ("## Why it wasn't caught earlier\n\nNo test.\n", False),  # no gaps: the body says it
        ("```\n## Summary\n```\n", False),  # a heading in code is code
    ],
)
def test_a_body_section_that_repeats_a_field_is_left_out(
    tmp_path: Path, body: str, dropped: bool
) -> None:
    page, _ = _page(tmp_path, body="Intro.\n\n" + body + "\n## Notes\n\nOurs.\n")
    kept = page.markdown
    assert kept.startswith("Intro.") and kept.endswith("## Notes\n\nOurs.")
    if dropped:
        assert body.splitlines()[0] not in kept
        # The lines stay, blank: what the sanitiser reports keeps its line in the file.
        assert kept.count("\n") == ("Intro.\n\n" + body + "\n## Notes\n\nOurs.").count("\n")
    else:
        assert body.strip() in kept


def test_a_kept_section_keeps_its_subsections_and_a_repeating_one_goes_with_them() -> None:
    shown = {"trigger": "<p>A cache flush emptied the cache.</p>", "summary": "Slow search."}
    body = (
        "## Root cause analysis\n\nLong story.\n\n### Root cause\n\nA cache flush.\n\n"
        "### What happened\n\nMore.\n\n## Summary\n\nSlow search.\n\n### Search\n\nSlow.\n"
    )
    kept = repeats.drop(body, lambda field: shown.get(field, ""))
    assert "## Root cause analysis" in kept and "### What happened" in kept
    assert "### Root cause\n" not in kept and "A cache flush." not in kept
    assert "## Summary" not in kept and "### Search" not in kept
    assert kept.count("\n") == body.count("\n")


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Executive Summary", "summary"),
        ("Timeline (Detailed)", "timeline"),
        ("Why It Wasn't Caught Earlier", "gaps"),
        ("Why it wasn\u2019t caught earlier", "gaps"),
        ("Action Items", "action_items"),
        ("Immediate cause", "trigger"),
        ("Contributing Factors", "contributing_factors"),
        ("What Was the Impact", "impact"),
        ("Waivers Used (if any)", "hotfix"),
        ("Related Links", "links"),
        ("Root Cause Analysis", None),  # says more than the immediate cause
        ("Lessons Learned", None),
    ],
)
def test_headings_that_name_fields(heading: str, field: str | None) -> None:
    assert repeats.NAMES.get(repeats.normalise(heading)) == field


# --- tables: columns, owners, tickets --------------------------------------------------------


def _head(html_text: str) -> list[str]:
    return re.findall(r"<th scope=\"col\"[^>]*>([^<]*)</th>", html_text)


def test_empty_columns_are_left_out(tmp_path: Path) -> None:
    extra = (
        "action_items:\n"
        "  - {title: Warm the cache, type: prevent, priority: high, status: done}\n"
        "  - {title: Alert on misses, type: detect, priority: low, status: wont-do}\n"
    )
    page, _ = _page(tmp_path, extra=extra)
    sections = dict(page.after)
    assert _head(sections["Timeline"]) == ["Time", "Event"]  # no entry names anyone
    assert _head(sections["Action items"]) == ["Action", "Status"]


def test_a_column_one_item_fills_is_shown_with_a_dash_for_the_others() -> None:
    page, _ = _every_field()
    sections = dict(page.after)
    assert _head(sections["Timeline"]) == ["Time", "Event", "Who"]
    actions = sections["Action items"]
    assert _head(actions) == ["Action", "Owner", "Status, due", "Ticket"]
    second = actions.split("<tr>", 2)[-1]
    assert '<td data-label="Ticket">\u2013</td>' in second
    assert '<td data-label="Owner">\u2013</td>' in second


def test_owners_and_tickets_link(tmp_path: Path) -> None:
    extra = (
        "action_items:\n"
        "  - {title: Warm the cache, type: prevent, owner: li.wei, due: 2026-04-01,"
        " priority: high, status: open, ticket: SRCH-12}\n"
        "hotfix:\n  tag: v1.2.1\n  proper_fix: {story: SRCH-99}\n"
    )
    taxonomy = 'tickets: {url: "https://tracker.example.com/browse/{ticket}"}\n'
    page, catalog = _page(tmp_path, extra=extra, taxonomy=taxonomy)
    sections = dict(page.after)
    owner_page = catalog.owner_page("li.wei")
    assert owner_page is not None
    href = catalog.links.rel(catalog.items[0].src_uri, owner_page)
    assert f'<a class="pm-owner" href="{href}">li.wei</a>' in sections["Action items"]
    assert (
        '<a class="pm-ticket" href="https://tracker.example.com/browse/SRCH-12" rel="noopener">'
        "<code>SRCH-12</code></a>"
    ) in sections["Action items"]
    assert 'href="https://tracker.example.com/browse/SRCH-99"' in sections["Hotfix"]
    # Overdue, marked on its row.
    assert '<tr class="pm-row-overdue">' in sections["Action items"]
    assert 'data-days-overdue="237"' in sections["Action items"]


# --- escaping in every template ----------------------------------------------------------------

ALLOWED = {
    "a", "code", "dd", "details", "div", "dl", "dt", "h1", "li", "p", "span", "strong",
    "summary", "table", "tbody", "td", "th", "thead", "time", "tr", "ul",
}  # fmt: skip
HOSTILE_VALUE = "<script>alert(1)</script> \"'><img src=x onerror=alert(2)> {{ 7*7 }} {% if 1 %}"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def _inert(fragment: str) -> None:
    parsed = _Tags()
    parsed.feed(fragment)
    assert parsed.tags <= ALLOWED, parsed.tags - ALLOWED
    assert parsed.handlers == []


def test_every_part_of_the_hostile_postmortem_reads_as_text() -> None:
    catalog = _catalog(HOSTILE, HOSTILE / "taxonomy.yml")
    jinja = 0
    for item in catalog.items:
        page = postmortem.page(catalog, item)
        parts = page.before + page.after
        for _, fragment in parts:
            _inert(fragment)
        shown = html.unescape(re.sub(r"<[^>]*>", "", "".join(f for _, f in parts)))
        pm = item.postmortem
        assert pm.title is not None and pm.title in shown
        if pm.summary:
            assert pm.summary in shown
        jinja += "{{ config.site_name }}" in pm.title  # Jinja syntax: shown as written
    assert jinja


@pytest.mark.parametrize(
    "where",
    ["title", "summary", "owner", "ticket", "event", "who", "story", "trigger", "tag"],
)
def test_a_hostile_value_is_text_wherever_it_goes(tmp_path: Path, where: str) -> None:
    """Each template that shows the field escapes it: tags, quotes and Jinja syntax."""
    _, catalog = _page(
        tmp_path,
        extra=(
            "action_items:\n  - {title: Fix, type: prevent, owner: li.wei, due: 2026-04-01,"
            " priority: high, status: open, ticket: T-1}\n"
            "hotfix:\n  tag: v1\n  proper_fix: {story: S-1}\n"
        ),
        taxonomy='tickets: {url: "https://tracker.example.com/browse/{ticket}"}\n',
    )
    item = catalog.items[0]
    pm = item.postmortem
    if where == "title":
        pm = pm.model_copy(update={"title": HOSTILE_VALUE})
    elif where in ("summary", "trigger"):
        pm = pm.model_copy(update={where: HOSTILE_VALUE})
    elif where in ("owner", "ticket"):
        action = pm.action_items[0].model_copy(update={where: HOSTILE_VALUE})
        pm = pm.model_copy(update={"action_items": [action]})
        catalog.owners[HOSTILE_VALUE] = "hostile"
    elif where in ("event", "who"):
        entry = pm.timeline[0].model_copy(update={where: HOSTILE_VALUE})
        pm = pm.model_copy(update={"timeline": [entry, *pm.timeline[1:]]})
    else:
        assert pm.hotfix is not None and pm.hotfix.proper_fix is not None
        if where == "story":
            fix = pm.hotfix.proper_fix.model_copy(update={"story": HOSTILE_VALUE})
            hotfix = pm.hotfix.model_copy(update={"proper_fix": fix})
        else:
            hotfix = pm.hotfix.model_copy(update={"tag": HOSTILE_VALUE})
        pm = pm.model_copy(update={"hotfix": hotfix})
    hostile = dataclasses.replace(item, entry=dataclasses.replace(item.entry, postmortem=pm))
    made = postmortem.page(catalog, hostile)
    everything = "".join(fragment for _, fragment in made.before + made.after)
    _inert(everything)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&#39;&gt;&lt;img" in everything
    assert "{{ 7*7 }} {% if 1 %}" in everything  # Jinja syntax in data is text, not run
    assert "49" not in everything
    if where == "ticket":  # in the link too, percent-encoded
        assert 'href="https://tracker.example.com/browse/%3Cscript%3Ealert' in everything


# --- a site overrides one part ------------------------------------------------------------------


def test_a_site_overrides_one_part_and_keeps_the_others(tmp_path: Path) -> None:
    theme = tmp_path / "overrides"
    (theme / "postmortems" / "postmortem").mkdir(parents=True)
    (theme / "postmortems" / "postmortem" / "timeline.html").write_text(
        '<ol class="site-timeline">{% for e in pm.timeline %}<li>{{ e.event }}</li>'
        "{% endfor %}</ol>\n",
        encoding="utf-8",
    )
    page, catalog = _page(tmp_path)
    catalog.templates = (str(theme),)
    overridden = postmortem.page(catalog, catalog.items[0])
    sections, before = dict(overridden.after), dict(page.after)
    assert sections["Timeline"] == (
        '<ol class="site-timeline"><li>Cache flushed.</li><li>Cache warm again.</li></ol>'
    )
    assert {k: v for k, v in sections.items() if k != "Timeline"} == {
        k: v for k, v in before.items() if k != "Timeline"
    }
    assert overridden.before == page.before


def test_every_part_template_is_in_the_package() -> None:
    included = re.findall(r'include "postmortem/([\w.]+)"', (TEMPLATES / "page.html").read_text())
    assert sorted(included) == sorted(
        p.name for p in TEMPLATES.glob("*.html") if p.name != "page.html"
    )


def test_tags_link_to_their_pages() -> None:
    page, catalog = _every_field()
    details = dict(page.after)["Details"]
    for tag in catalog.items[0].postmortem.tags:
        assert f'<a class="pm-tag" href="../../tags/{tag}/">{tag}</a>' in details
