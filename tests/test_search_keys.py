"""What search reads of a postmortem page: its title heading first, led by the id and hotfix
tag, escaped (the browser test, tests/e2e/test_search.py, shows they then rank first)."""

from __future__ import annotations

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
