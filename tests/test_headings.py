"""Section headings of postmortem pages: written once as the site's Markdown writes them,
joined with the body's in the table of contents, never sharing an id with the body's."""

from __future__ import annotations

import re

import pytest

from mkdocs_postmortems.site import headings
from mkdocs_postmortems.site.postmortem import SECTIONS
from test_site import SiteBuilder, _project

BODY = """
## Timeline

Our own notes, under a heading the front matter's section also has: [back](#timeline).

### Detail

## Postmortem title
"""


def _toc(page: str) -> list[str]:
    """The hrefs of the page's table of contents, in order."""
    toc = page.split('aria-label="Table of contents"', 1)[1].split('class="md-content"', 1)[0]
    return re.findall(r'<a href="(#[^"]*)" class="md-nav__link">', toc)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, build_site: SiteBuilder) -> str:
    tmp = tmp_path_factory.mktemp("headings")
    project = _project(tmp, BODY)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "markdown_extensions:\n  - toc:\n      permalink: '#'\n      permalink_title: Link\n",
        encoding="utf-8",
    )
    site = build_site(config, tmp / "site")
    return (site / "postmortems" / "a" / "index.html").read_text(encoding="utf-8")


def test_a_body_heading_named_like_a_section_gets_its_own_id(page: str) -> None:
    ids = re.findall(r'\bid="([^"]*)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert '<h2 id="timeline">Timeline' in page
    assert '<h2 id="timeline_1">Timeline' in page
    assert '<h2 id="postmortem-title_1">Postmortem title' in page
    # The body's own link follows its heading to the new id.
    assert '<a href="#timeline_1">back</a>' in page


def test_section_headings_follow_the_sites_toc_settings(page: str) -> None:
    assert '<h2 id="impact">Impact<a class="headerlink" href="#impact" title="Link">#</a></h2>' in (
        page
    )


def test_the_toc_holds_the_body_then_the_sections(page: str) -> None:
    """The story first: the author's headings, then the record's sections in their order."""
    toc = _toc(page)
    sections = [f"#{headings.render(SECTIONS).ids[title]}" for title in SECTIONS]
    shown = [anchor for anchor in toc if anchor in sections]
    assert shown == [anchor for anchor in sections if anchor in shown]
    assert {"#timeline", "#action-items", "#immediate-cause", "#review-meeting"} <= set(shown)
    assert toc[0] not in sections
    assert toc.index("#timeline_1") < toc.index("#detail") < toc.index("#postmortem-title_1")
    assert toc.index("#postmortem-title_1") < toc.index(shown[0])
    assert toc[len(toc) - len(shown) :] == shown
    assert len(toc) == len(set(toc))


def test_toc_depth_leaves_sections_out_of_the_toc_but_keeps_their_ids() -> None:
    written = headings.render(SECTIONS, ["toc"], {"toc": {"toc_depth": 1}})
    assert written.tokens == {}
    assert written.ids["Action items"] == "action-items"
    assert written.html["Action items"] == '<h2 id="action-items">Action items</h2>'


def test_baselevel_is_followed() -> None:
    written = headings.render(["Impact"], ["toc"], {"toc": {"baselevel": 3}})
    assert written.html["Impact"] == '<h4 id="impact">Impact</h4>'
    assert written.tokens["Impact"]["level"] == 4


def test_headings_without_ids_fall_back_to_plain_ones() -> None:
    written = headings.render(["Why it was not caught earlier"], [], {})
    assert written.html["Why it was not caught earlier"] == (
        '<h2 id="why-it-was-not-caught-earlier">Why it was not caught earlier</h2>'
    )
    assert written.reserved == {"why-it-was-not-caught-earlier", headings.TITLE_ID}


@pytest.mark.parametrize(
    ("toc", "expected"),
    [
        (["notes"], {"notes": "notes"}),
        (["timeline", "notes"], {"timeline": "timeline_1", "notes": "notes"}),
        (["timeline", "timeline_1"], {"timeline": "timeline_2", "timeline_1": "timeline_1"}),
        (
            ["__drawer", "_x", "search"],
            {i: f"user-content-{i}" for i in ("__drawer", "_x", "search")},
        ),
    ],
)
def test_body_ids(toc: list[str], expected: dict[str, str]) -> None:
    """A body heading keeps its id unless the page or the theme has it."""
    ids = headings.body_ids(toc, frozenset({"timeline", "impact"}))
    assert ids.headings == expected
    assert ids.target("impact") == "impact"  # the page's own section
    assert ids.target("timeline") == expected.get("timeline", "timeline")
    assert ids.anchor("fn:1") == "user-content-fn:1"  # any other id of the body


def test_every_section_has_a_heading() -> None:
    written = headings.render(SECTIONS)
    assert list(written.html) == list(SECTIONS)
    assert set(written.tokens) == set(SECTIONS)
