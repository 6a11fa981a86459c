"""Material's search reads the same sections with `adapters.search_sections` in front of its
parser as without: on whole sites (ours, and plain Material over real postmortems that were
never sanitised), and on generated HTML, where what it cannot read the same way is left to
Material's parser."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search import plugin as material_search

from conftest import FIXTURES, REPO, SiteBuilder
from mkdocs_postmortems.adapters import search_sections
from test_import_icco import CORPUS as ICCO
from test_markdown_reuse import STATEFUL


def _material_parser() -> Any:
    """Material's own class, whether or not a build has put the mirror in front of it."""
    parser = material_search.Parser
    return parser.__mro__[1] if getattr(parser, "postmortems_sections", False) else parser


def _material(html: str) -> list[tuple[Any, ...]]:
    parser = _material_parser()()
    parser.feed(html)
    parser.close()
    return _seen(parser.data)


def _seen(found: list[Any]) -> list[tuple[Any, ...]]:
    """What the index is made of: each section's element, id, title and text."""
    return [(s.el.tag, dict(s.el.attrs), s.id, s.depth, list(s.title), list(s.text)) for s in found]


def _mirrored(html: str) -> list[tuple[Any, ...]] | None:
    found = search_sections.sections(html, material_search)
    return None if found is None else _seen(found)


# The pin ------------------------------------------------------------------------------------


def test_the_material_installed_has_a_parser_this_mirrors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Material whose parser changed fails here (the mirror would stay out of its way):
    read its new parser, mirror it, add its hash to `KNOWN`."""
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    assert search_sections.source_hash(material_search) in search_sections.KNOWN
    search_sections.install()  # once a build has put the mirror in place, the same hash
    assert getattr(material_search.Parser, "postmortems_sections", False)
    assert search_sections.source_hash(material_search) in search_sections.KNOWN


def test_a_parser_this_does_not_know_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    monkeypatch.setattr(search_sections, "KNOWN", frozenset({"another version"}))
    assert search_sections.install() is False
    assert not getattr(material_search.Parser, "postmortems_sections", False)


def test_installed_once_the_parser_reads_through_the_mirror(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    assert search_sections.install() is True
    assert search_sections.install() is True  # again: one subclass, not one on another
    parser = material_search.Parser
    assert parser.__mro__[1] is _material_parser()
    html = '<h2 id="a">A</h2><p>one &amp; two</p>'
    made = parser()
    made.feed(html)
    made.close()
    assert made._read_ahead == html  # the mirror read it
    assert _seen(made.data) == _material(html)


def test_a_parser_fed_twice_reads_everything_as_material_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    search_sections.install()
    first, second = '<h2 id="a">A</h2><p>one', ' two</p><h3 id="b">B</h3>'
    made = material_search.Parser()
    made.feed(first)
    made.feed(second)
    made.close()
    assert _seen(made.data) == _material(first + second)


# Whole sites -------------------------------------------------------------------------------


class _Counted:
    """`sections`, counting what it reads and what it leaves to Material's parser."""

    def __init__(self) -> None:
        self.read = self.left = 0
        self.original = search_sections.sections

    def __call__(self, content: str, module: Any) -> list[Any] | None:
        found = self.original(content, module)
        if found is None:
            self.left += 1
        else:
            self.read += 1
        return found


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Counted]:
    counter = _Counted()
    monkeypatch.setattr(search_sections, "sections", counter)
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    yield counter


def _without_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(material_search, "Parser", _material_parser())
    monkeypatch.setattr(search_sections, "install", lambda: False)


SITES = {
    "example": REPO / "mkdocs.yml",
    "hostile": FIXTURES / "kb-hostile" / "mkdocs.yml",
    "payloads": FIXTURES / "kb-payloads" / "mkdocs.yml",
    "long tokens": FIXTURES / "kb-long-tokens" / "mkdocs.yml",
}


@pytest.mark.parametrize("name", list(SITES))
def test_our_sites_index_the_same(
    name: str,
    build_site: SiteBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counted: _Counted,
) -> None:
    mirrored = build_site(SITES[name], tmp_path / "mirrored")
    assert counted.read > 0
    with monkeypatch.context() as inner:
        _without_mirror(inner)
        plain = build_site(SITES[name], tmp_path / "plain")
    index = Path("search", "search_index.json")
    assert (mirrored / index).read_bytes() == (plain / index).read_bytes()
    if name == "example":  # Markdown's output and ours: every page is read by the mirror
        assert counted.left == 0


PLAIN_CONFIG = STATEFUL.replace("site_name: Stateful", "site_name: icco\ndocs_dir: {docs}").replace(
    "  - pymdownx.highlight\n", "  - pymdownx.highlight:\n      linenums: true\n"
)
"""Plain Material and many of its extensions, line numbers among them (a table Material's
search skips, by its class)."""


@pytest.mark.skipif(not ICCO.is_dir(), reason=f"the icco corpus is not at {ICCO}")
def test_plain_material_over_real_postmortems_indexes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: _Counted
) -> None:
    """Real Markdown, never sanitised, through Material's extensions: whatever is read,
    by the mirror or by Material's parser, gives Material's index."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(PLAIN_CONFIG.format(docs=ICCO), encoding="utf-8")

    def index(site: Path) -> bytes:
        config = load_config(config_file=str(config_file), site_dir=str(site))
        config.plugins.on_startup(command="build", dirty=False)
        search_sections.install()  # as our plugin does in a site that has it
        build(config)
        return (site / "search" / "search_index.json").read_bytes()

    mirrored = index(tmp_path / "mirrored")
    assert counted.read > 200  # of 242 pages, and the index page
    with monkeypatch.context() as inner:
        _without_mirror(inner)
        plain = index(tmp_path / "plain")
    assert mirrored == plain


# Generated HTML ----------------------------------------------------------------------------

PIECES = [
    *(f'<h{n} id="s{n}">' for n in range(1, 7)),
    *(f"</h{n}>" for n in range(1, 7)),
    "<h2>",
    '<H3 ID="Up">',
    '<a class="headerlink" href="#x" title="Permanent link">',
    '<a href="/x?a=1&amp;b=2">',
    "</a>",
    "<p>",
    "</p>",
    "<P>",
    "</P>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<pre>",
    "</pre>",
    "<code>",
    "</code>",
    "<sub>",
    "</sub>",
    "<sup>",
    "</sup>",
    "<div>",
    '<div class="admonition note">',
    "</div>",
    "<strong>",
    "</strong>",
    "<br>",
    "<br/>",
    "<hr />",
    '<img alt="a &quot;b&quot;" src="x.png">',
    '<input checked disabled type="checkbox">',
    '<p title="">',
    "<p/>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "</tr>",
    "</table>",
    "<!---->",
    "<!-- a comment -->",
    "<!-- made by `postmortems schema --markdown` -->",
    "<!-- a --->",
    "text",
    "Two words",
    " ",
    "  ",
    "\n",
    "\n\n  ",
    "\t",
    "a\nb",
    "&amp;",
    "&lt;tag&gt;",
    "&nbsp;",
    "&#x27;",
    "&copy",
    "AT&T",
    "x > y",
    "¶",
    "日本",
]


@settings(max_examples=int(os.environ.get("SEARCH_SECTIONS_EXAMPLES", "2000")), deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_generated_html_gives_materials_sections(pieces: list[str]) -> None:
    html = "".join(pieces)
    mirrored = _mirrored(html)
    try:
        material = _material(html)
    except ValueError:  # a kept tag closed in another section than it opened in
        assert mirrored is None
    else:
        assert mirrored == material  # every piece is one the mirror reads


def test_html_the_mirror_cannot_read_as_material_does_is_left_to_it() -> None:
    left = [
        "<p>a < b</p>",  # a `<` that starts no tag
        "<script>var a = '<p>';</script>",
        "<style>p { color: red }</style>",
        "<textarea><p></textarea>",
        '<div data-search-exclude><h2 id="x">X</h2></div>',
        '<div class="linenodiv">1</div>',
        "<object>x</object>",
        "<p class=bare>unquoted</p>",
        "<p title='single'>x</p>",
        '<p a="1"b="2">no space</p>',
        "<!DOCTYPE html><p>x</p>",
        "<![CDATA[x]]>",
        "<?php echo 1 ?>",
        "<!-->not a comment to every parser-->",
        "<!-- a -- > b -->",
        "<!-- a --!> b -->",
        "<p\r>carriage return</p>",
        "</p >",
        "<hx>Material's stand-in</hx>",
        "</ol></ul></li>",  # closing what was opened elsewhere: Material raises, or not
    ]
    for html in left:
        if html == "</ol></ul></li>":
            assert _mirrored(html) == _material(html)  # unopened ends are ignored by both
            continue
        assert _mirrored(html) is None, html


def test_a_closing_tag_without_its_opening_kept_is_left_to_material() -> None:
    """Material looks for the opening tag it wrote in the section being written, and fails
    when a heading began a new section in between; the mirror leaves that to it."""
    html = textwrap.dedent(
        """\
        <ul><li><h2 id="inside">Inside</h2></li></ul>
        """
    )
    parser = _material_parser()()
    try:
        parser.feed(html)
        parser.close()
    except ValueError:
        assert _mirrored(html) is None
    else:
        assert _mirrored(html) == _seen(parser.data)
