"""What search reads of a postmortem page: its title heading first, led by the id and hotfix
tag, escaped (the browser test, tests/e2e/test_search.py, shows they then rank first)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.site import html
from mkdocs_postmortems.site.search import with_keys

VIEW = '<p>before</p><p><h1 id="postmortem-title">Checkout &amp; payments</h1> Severity P1</p>'


def test_the_title_heading_comes_first_led_by_the_keys() -> None:
    view = with_keys(VIEW, ["PM-2025-002", "v4.12.1"])
    heading = '<h1 id="postmortem-title">PM-2025-002 · v4.12.1 · Checkout &amp; payments</h1>'
    assert view.startswith(heading)
    assert view.count("<h1") == 1
    assert view[len(heading) :] == "<p>before</p><p> Severity P1</p>"


def test_a_key_is_text_not_markup() -> None:
    view = with_keys(VIEW, ["PM-1", '<img src=x onerror="alert(1)">'])
    assert "<img" not in view
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; · " in view


def test_a_page_without_its_title_heading_is_left_as_it_is() -> None:
    other = "<h1 id='elsewhere'>A site's own title</h1><p>text</p>"
    assert with_keys(other, ["PM-1"]) == other
    assert with_keys(VIEW, []) == VIEW


UNSEARCHED = re.compile(r"<!--nosearch-->.*?<!--/nosearch-->", re.DOTALL)
"""What `text_only` leaves out, as a regular expression: the oracle of its faster cut."""


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<!--nosearch-->", "<!--/nosearch-->", "a", " ", "<p>b</p>", "\n"]),
        max_size=12,
    )
)
def test_unsearched_parts_are_cut_as_the_expression_cuts_them(pieces: list[str]) -> None:
    fragment = "".join(pieces)
    assert html._without_unsearched(fragment) == UNSEARCHED.sub(" ", fragment)


def test_a_list_of_other_pages_is_not_searched() -> None:
    fragment = f"<p>kept</p>{html.unsearched('<a href=x>Other page</a>')}<p>also kept</p>"
    assert html.text_only(fragment) == "kept also kept"
