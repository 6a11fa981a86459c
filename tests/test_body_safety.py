"""Author markup cannot reach the theme: a postmortem body's HTML, checked and sanitised.

Three layers, each tested for real: the body check (`postmortems validate` and the build
refuse a body the page would have to change, each problem at its line), the sanitiser
(whatever the check lets through is made inert, and said), and a real MkDocs build of a
knowledge base with hostile bodies (refused with path:line, or, with the check switched off
as if it had missed everything, published with nothing of the theme's, no form and no load
from another host), beside one of ordinary bodies whose permalinks, table of contents and
in-page links all still reach their ids.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import shutil
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_postmortems.core import body_check, html_rules
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.core.html_rules import BodyIds
from mkdocs_postmortems.site import headings, sanitize

SiteBuilder = Callable[..., Path]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.tasklist",
]
"""What a real knowledge base turns on (tests/fixtures/kb-hostile/mkdocs.yml)."""
CONFIGS = {"toc": {"permalink": True}, "pymdownx.tasklist": {"custom_checkbox": True}}


def _render(body: str) -> tuple[str, list[str]]:
    """A body through the site's Markdown: its HTML and its headings' ids."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    html = md.convert(body)
    ids: list[str] = []

    def walk(tokens: list[dict[str, object]]) -> None:
        for token in tokens:
            ids.append(str(token["id"]))
            walk(token["children"])  # type: ignore[arg-type]

    walk(md.toc_tokens)  # type: ignore[attr-defined]
    return html, ids


class Elements(HTMLParser):
    """Every element and attribute of some HTML, counted."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag

    def values(self, name: str) -> list[str]:
        return [value for _, n, value in self.attributes if n == name]


def _lost(before: str, after: str) -> list[object]:
    """What an element or attribute of `before` is missing from `after`, ids and in-page
    links aside (they are moved, not lost)."""

    def items(html: str) -> Counter[object]:
        found = Elements(html)
        counted: Counter[object] = Counter(found.tags)
        for tag, name, value in found.attributes:
            if name in ("id", "markdown") or (name == "href" and value.startswith("#")):
                continue
            if name == "style":
                value = re.sub(r"\s|;$", "", value)
            if name in ("disabled", "checked", "open"):
                value = ""  # written `disabled` or `disabled="disabled"`: the same
            counted[(tag, name, value)] += 1
        return counted

    old, new = items(before), items(after)
    return [item for item in old if old[item] > new[item]]


# --- the sanitiser ----------------------------------------------------------------------


def test_ids_are_prefixed_and_links_follow_them() -> None:
    ids = BodyIds({"notes": "notes", "__config": "user-content-__config"}, frozenset({"impact"}))
    html = (
        '<h2 id="notes">N</h2><h2 id="__config">C</h2><p id="__drawer">d</p>'
        '<a href="#__drawer">1</a><a href="#notes">2</a><a href="#__config">3</a>'
        '<a href="#impact">4</a><a href="#">5</a><p id="notes">dup</p>'
    )
    cleaned = sanitize.clean_body(html, ids)
    assert cleaned.removed == []
    assert cleaned.html == (
        '<h2 id="notes">N</h2><h2 id="user-content-__config">C</h2>'
        '<p id="user-content-__drawer">d</p>'
        '<a href="#user-content-__drawer">1</a><a href="#notes">2</a>'
        '<a href="#user-content-__config">3</a><a href="#impact">4</a><a href="#">5</a>'
        '<p id="user-content-notes">dup</p>'
    )


def test_a_plain_clean_prefixes_every_id_but_the_headings_named() -> None:
    assert sanitize.clean('<h2 id="impact">I</h2><a href="#impact">i</a>', ["impact"]) == (
        '<h2 id="impact">I</h2><a href="#impact">i</a>'
    )
    assert sanitize.clean('<h2 id="impact">I</h2>') == '<h2 id="user-content-impact">I</h2>'


@pytest.mark.parametrize(
    ("html", "expected", "got"),
    [
        ('<p class="md-button note">x</p>', '<p class="note">x</p>', "class 'md-button'"),
        ('<p class="pm-card">x</p>', "<p>x</p>", "class 'pm-card'"),
        ('<pre class="mermaid"><code>graph</code></pre>', "<pre><code>graph</code></pre>", None),
        ('<img src="https://evil.example/x.png" alt="a">', '<img alt="a">', None),
        ('<img src="//evil.example/x.png">', "<img>", None),
        ('<img src="/\\evil.example/x.png">', "<img>", None),
        ('<a href="http://example.org/">x</a>', "<a>x</a>", "a http: link"),
        ('<a href="ftp://example.org/">x</a>', "<a>x</a>", "a ftp: link"),
        ('<abbr title="a &lt;img src=x onerror=alert(1)&gt;">A</abbr>', "<abbr>A</abbr>", None),
        (
            '<table><tr><td style="color: red; text-align: right">1</td></tr></table>',
            '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>',
            "a style beyond text-align",
        ),
    ],
)
def test_what_the_filter_removes_is_said(html: str, expected: str | None, got: str | None) -> None:
    cleaned = sanitize.clean_body(html, BodyIds())
    if expected is not None:
        assert cleaned.html == expected
    assert len(cleaned.removed) == 1
    if got is not None:
        assert cleaned.removed[0].message.endswith(f"got {got}"), cleaned.removed


@pytest.mark.parametrize(
    "html",
    [
        "<script>window.x=1</script>",
        "<style>body{display:none}</style>",
        '<form action="https://evil.example/"><input name="q"><button>go</button></form>',
        "<select><option>o</option></select><textarea>t</textarea>",
        '<iframe src="https://evil.example/"></iframe>',
        '<video poster="https://evil.example/p.png"><source src="https://evil.example/v"></video>',
        '<img src="x.png" srcset="https://evil.example/2x.png 2x" onerror="x()">',
        '<link rel="stylesheet" href="https://evil.example/s.css">',
        '<table background="https://evil.example/b.png"><tr><td>x</td></tr></table>',
        '<div style="background:url(https://evil.example/b.png)" data-md-component="s">x</div>',
        '<img name="getElementById" src="x.png"><a name="__md_scope">x</a>',
        '<a href="javascript:alert(1)">x</a><a href="data:text/html,x">y</a>',
    ],
)
def test_nothing_runs_loads_or_names_itself(html: str) -> None:
    found = Elements(sanitize.clean_body(html, BodyIds()).html)
    assert not set(found.tags) & {"script", "style", "form", "button", "select", "textarea"}
    assert not set(found.tags) & {"iframe", "video", "source", "link", "option"}
    for tag, name, value in found.attributes:
        assert name not in ("name", "srcset", "poster", "background", "action", "style"), tag
        assert not name.startswith(("on", "data-")), (tag, name)
        assert not value.lower().startswith(("javascript:", "data:", "https:", "//")), value


def test_the_only_input_is_a_disabled_checkbox() -> None:
    html = '<input type="text" value="x"><input type="checkbox" checked>'
    found = Elements(sanitize.clean_body(html, BodyIds()).html)
    assert found.tags["input"] == 2
    assert sorted(found.values("type")) == ["checkbox", "checkbox"]
    assert found.values("disabled") == ["disabled", "disabled"]
    assert found.values("value") == []


ORDINARY = """\
# Title

## What happened {#what}

A [link](https://example.org/ "a title"), [mail](mailto:oncall@example.org), a
[relative one](../other/) and [back up](#what).[^1] *[HTML]: Hyper Text

| left | right | centre |
|:-----|------:|:------:|
| a    | 1     | x      |

!!! warning "Careful"
    An admonition.

??? note "Details"
    Hidden.

- [x] done
- [ ] to do

Term
:   Definition, with HTML in it.

```python title="retry.py"
if a < b: pass
```

![diagram](../assets/diagram.png){: width="300" }
<kbd>Ctrl</kbd> <sub>2</sub> <details><summary>More</summary>more</details>

[^1]: A footnote.
"""


def test_what_markdown_writes_passes_unchanged_but_for_ids() -> None:
    html, toc = _render(ORDINARY)
    cleaned = sanitize.clean_body(html, headings.body_ids(toc, frozenset()))
    assert cleaned.removed == []
    assert _lost(html, cleaned.html) == []
    assert body_check.problems(ORDINARY) == []
    found = Elements(cleaned.html)
    assert 'style="text-align:right"' in cleaned.html  # the table keeps its alignment
    assert found.tags["input"] == 2 and found.tags["label"] == 2  # the task list's
    assert set(found.values("id")) >= {"what", "user-content-fn:1", "user-content-fnref:1"}


# --- the body check ---------------------------------------------------------------------

HOSTILE = """\
## Script {#__config}

<script>alert(1)</script>
<img src="x.png" onerror="alert(1)">
[link](javascript:alert(1)) and ![image](https://evil.example/x.png)
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="q"></form>
<div class="md-dialog" data-md-component="dialog" style="position:fixed">fake</div>
<a name="__md_scope" href="http://example.org/">n</a>

!!! md-banner "A banner"
    x

A paragraph with an attribute list.
{: .pm-card onclick="alert(1)" }

![reference][evil]

*[HTML]: Hyper <img src=x onerror=alert(1)> Text
<span title="<img src=x onerror=alert(1)>">tip</span>
Keep <job-id> in backticks.

[evil]: https://evil.example/ref.png
"""

HOSTILE_PROBLEMS = [
    (3, 1, "expected no script, got <script>"),
    (4, 18, "expected no event handlers, got onerror= on <img>"),
    (5, 8, "got a javascript: link"),
    (5, 42, "got an image from another host"),
    (6, 1, "got <iframe>"),
    (7, 1, "expected no forms or form controls, got <form>"),
    (7, 38, "expected no forms or form controls, got <input>"),
    (8, 6, "got class 'md-dialog'"),
    (8, 24, "expected no data- attributes"),
    (8, 51, "expected no style"),
    (9, 4, "expected no name attributes"),
    (9, 22, "got a http: link"),
    (11, 5, "got class 'md-banner'"),
    (15, 4, "got class 'pm-card'"),
    (15, 13, "expected no event handlers, got onclick="),
    (17, 1, "got an image from another host"),
    (19, 10, "expected a title without '<'"),
    (20, 7, "expected a title without '<'"),
    (21, 6, "got <job-id>, which would be dropped"),
]


def test_each_problem_is_named_at_its_line_and_column() -> None:
    diagnostics = body_check.check("pm.md", HOSTILE, 40)
    found = [(d.line - 39, d.column, d.message) for d in diagnostics]
    assert len(found) == len(HOSTILE_PROBLEMS), found
    for (line, column, message), (want_line, want_column, want) in zip(
        found, HOSTILE_PROBLEMS, strict=True
    ):
        assert (line, column) == (want_line, want_column), message
        assert want in message, message
    assert {d.field for d in diagnostics} == {"body"}
    assert {d.level for d in diagnostics} == {"error"}
    assert all(
        str(d).startswith(f"pm.md:{d.line}:{d.column}: body: expected ") for d in diagnostics
    )


@pytest.mark.parametrize(
    "body",
    [
        "Code stays code: `<script>alert(1)</script>` and `<img src=x onerror=y>`.",
        "```html\n<iframe src='https://evil.example/'></iframe>\n```",
        "~~~\n<form><input name=x></form>\n~~~",
        "Escaped: \\[not a link](javascript:x) and a \\{: .md-button }",
        "Maths: a < b and c > d, x<3.",
        "Links: <https://example.org/> and <oncall@example.org>.",
        "A word in braces, {user}, and {#id}.",
        "<!-- a comment with <script> in it -->",
        "",
    ],
)
def test_code_and_text_are_not_problems(body: str) -> None:
    assert body_check.problems(body) == []


@pytest.mark.parametrize(
    "unit", ["[x](", "<a ", "<script>", "<x:y>", "{: .x}\n", "[a]: b\n", "`` ` ", "<!--", "<"]
)
def test_a_hostile_body_takes_time_in_proportion_to_its_size(unit: str) -> None:
    """A body as large as a file may be, made of one construct over and over: the standard
    library's HTML parser alone would take hours on `<a <a <a ...`."""
    import time

    body = unit * (500_000 // len(unit))
    started = time.perf_counter()
    body_check.problems(body)
    sanitize.clean_body(body, BodyIds())  # and the sanitiser's look at what nh3 drops
    assert time.perf_counter() - started < 15


def test_the_example_knowledge_base_has_no_problem() -> None:
    corpus = load_corpus([REPO / "postmortems"])
    assert corpus.entries
    assert [d for d in corpus.diagnostics if d.field == "body"] == []


def test_an_author_may_not_write_what_only_markdown_may() -> None:
    """A footnote mark of the author's own, leading nowhere, would break Material's
    footnote tooltips; Markdown's own are kept."""
    problems = body_check.problems('<a class="footnote-ref" href="#x">1</a>\n{: .footnote-ref }')
    assert sorted((p.line, p.column) for p in problems) == [(1, 4), (2, 4)]
    html, _ = _render("A claim.[^1]\n\n[^1]: The note.")
    assert 'class="footnote-ref"' in sanitize.clean_body(html, BodyIds()).html


def test_a_link_needs_an_href() -> None:
    """Material's instant navigation fails on a click of an <a> without one."""
    problems = body_check.problems('<a id="x">x</a> <a href="#x">y</a>')
    assert [(p.column, p.message) for p in problems] == [
        (1, "expected a link with an href (mark a place with <span id=...>), got <a> without href")
    ]
    cleaned = sanitize.clean_body('<p><a id="x">x</a></p>', BodyIds())
    assert [(r.needle, r.kept) for r in cleaned.removed] == [("<a", True)]


def test_an_unclosed_script_hides_nothing_after_it() -> None:
    problems = body_check.problems("<style>\nx\n\n<form>\n\n<span name=y>z</span>\n")
    assert [p.line for p in problems] == [1, 4, 6]


def test_a_double_backslash_is_read_as_the_browser_reads_it() -> None:
    """Raw HTML and reference definitions keep `\\\\`, which a browser reads as `//`: another
    host; an inline link unescapes it to one `\\`, a path of this site."""
    body = (
        '<a href="\\\\evil.example">a</a>\n\n<img src="\\\\evil.example\\i.png" alt="i">\n\n'
        "[b][r]\n\n[r]: \\\\evil.example\\x\n\n[c](\\\\\\\\evil.example) [d](\\\\here)"
    )
    problems = body_check.problems(body)
    assert sorted((p.line, p.column) for p in problems) == [(1, 4), (3, 6), (7, 6), (9, 5)]
    html, _ = _render(body)
    cleaned = sanitize.clean_body(html, BodyIds())
    assert "evil.example" not in cleaned.html
    assert 'href="\\here"' in cleaned.html


def test_an_entity_in_a_title_is_read_as_the_browser_reads_it() -> None:
    """Abbreviations and attribute lists write `&lt;` as it is: a `<` in the title."""
    body = "Q here.\n\n*[Q]: &lt;img src=x&gt;\n\nPara.\n{: title='&#60;b&#62;' }"
    problems = body_check.problems(body)
    assert sorted((p.line, p.column) for p in problems) == [(3, 7), (6, 4)]
    assert all("title with '<'" in p.message for p in problems)


SNIPPETS = [
    *HOSTILE.split("\n\n"),
    *ORDINARY.split("\n\n"),
    "`<iframe>`",
    "\\<script>x</script>",
    "<!--><img src=x onerror=y>-->",
    "<!-- c --> `<b onclick=x>`",
    "<div markdown=\"1\">\n\n*x* <b onclick='y'>z</b>\n\n</div>",
    "`c`{: onclick=x}",
    "*e*{: .md-y}",
    "> [r]: javascript:x",
    "[a][r]",
    "![i][r]",
    "[r]: //evil.example/x.png",
    "[r]: \\\\evil.example\\x.png",
    '<img src="\\\\evil.example\\x.png">',
    "[a](\\\\b)",
    "*[Q]: &lt;b&gt;",
    "Q{: title='&#60;i&#62;' }",
    "[a](<javascript:x> 't')",
    "[a](x (t<b))",
    "<https://ok.example/> <http://no.example/>",
    "```{ .python .md-x }\nx\n```",
    "    indented <i onclick=x>code</i>",
    "- item <img src=//evil.example/x>",
    "Term\n:   def <span onclick=x>y</span>",
    "## Timeline",
    "## __drawer",
    "plain text",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=4),
    st.sampled_from(["\n\n", "\n", " "]),
)
def test_what_the_check_passes_the_sanitiser_keeps(parts: list[str], separator: str) -> None:
    """A body the check finds nothing in loses nothing to the sanitiser, but its ids; so
    nothing is removed unsaid (and what the build says it removed counts as said)."""
    body = separator.join(parts)
    if body_check.problems(body):
        return
    html, toc = _render(body)
    cleaned = sanitize.clean_body(html, headings.body_ids(toc, frozenset({"timeline"})))
    if cleaned.removed:
        return  # the build reports these (test_a_missed_problem_is_still_reported)
    assert _lost(html, cleaned.html) == []


def test_every_id_the_themes_write_is_one_a_body_cannot_take() -> None:
    """Read from the installed themes, so an upgrade that adds an id fails here."""
    literal = re.compile(r"""\bid=["']([^"'{}$]+)["']""")
    found = set()
    for package in ("material", "mkdocs"):
        root = Path(str(importlib.resources.files(package)))
        for path in root.rglob("*.html"):
            found.update(literal.findall(path.read_text(encoding="utf-8", errors="replace")))
    assert "__drawer" in found and "mkdocs-search-query" in found
    found -= {"404-page-not-found"}  # the heading of MkDocs' own 404 page, not looked up
    assert [i for i in sorted(found) if not html_rules.theme_id(i)] == []


# --- real builds ------------------------------------------------------------------------

FRONT = """\
---
id: PM-2026-{n:03d}
title: Body {n}
severity: P2
status: published
date: 2026-03-02
authors: [ana.silva]
services: [checkout]
teams: [payments]
summary: A body.
started_at: 2026-03-01T10:00:00Z
detected_at: 2026-03-01T10:05:00Z
resolved_at: 2026-03-01T11:00:00Z
contributing_factors: [config-change]
---
"""
BODY_LINE = FRONT.count("\n") + 1

ORDINARY_PAGE = """\
## Timeline

Our own timeline, whose heading the page's section also has: [see it](#timeline), and the
[contributing factors](#contributing-factors) section.

## __config

A heading named like an id of the theme.

<span id="marker"></span>An anchor of the author's, and [a link to it](#marker).[^n]

### Details {#__drawer}

Back to [the top](#postmortem-title).

[^n]: A note.
"""

MISSED = """\
BODYSTART

!!! md-dialog "A fake dialog"
    Copied.

![tracker](https://evil.example/pixel.png)

[plain](http://example.org/)

*[KB]: Knowledge <img src=x onerror=alert(1)> base

KB

BODYEND
"""
"""Problems the sanitiser removes itself, with the check switched off."""


def _kb(tmp_path: Path, bodies: dict[str, str]) -> Path:
    project = tmp_path / "kb"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    folder = project / "postmortems" / "2026"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "taxonomy.yml", project / "postmortems")
    for n, (name, body) in enumerate(bodies.items(), 1):
        (folder / f"{name}.md").write_text(FRONT.format(n=n) + body, encoding="utf-8")
    extensions = "".join(
        f"  - {name}\n" for name in EXTENSIONS if name not in ("toc", "pymdownx.tasklist")
    )
    (project / "mkdocs.yml").write_text(
        "site_name: KB\nsite_url: https://kb.example.com/\n"
        "theme:\n  name: material\n  font: false\n  features: [content.tooltips]\n"
        "plugins:\n  - search\n  - postmortems\n"
        f"markdown_extensions:\n{extensions}  - toc:\n      permalink: true\n"
        "  - pymdownx.tasklist:\n      custom_checkbox: true\n",
        encoding="utf-8",
    )
    return project


def _build(project: Path, site: Path) -> Path:
    """A build that is not strict: the site is written whatever it warns of."""
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return site


@pytest.fixture(autouse=True)
def _as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMORTEMS_AS_OF", "2026-11-24")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_hostile_body_fails_the_strict_build_at_each_line(
    tmp_path: Path, build_site: SiteBuilder, caplog: pytest.LogCaptureFixture
) -> None:
    project = _kb(tmp_path, {"hostile": HOSTILE, "ordinary": ORDINARY_PAGE})
    with pytest.raises(Abort):
        build_site(project / "mkdocs.yml", tmp_path / "site")
    path = (project / "postmortems" / "2026" / "hostile.md").as_posix()
    said = [m for m in _warnings(caplog) if "body:" in m]
    places = sorted(
        (int(line), int(column))
        for line, column in (re.search(r"\.md:(\d+):(\d+): body:", m).groups() for m in said)  # type: ignore[union-attr]
    )
    assert places == [(BODY_LINE + line - 1, column) for line, column, _ in HOSTILE_PROBLEMS]
    assert all(path in m for m in said)
    assert not (tmp_path / "site" / "postmortems" / "hostile").exists()  # never published


@pytest.fixture(scope="module")
def ordinary_site(tmp_path_factory: pytest.TempPathFactory, build_site: SiteBuilder) -> str:
    tmp = tmp_path_factory.mktemp("ordinary")
    project = _kb(tmp, {"ordinary": ORDINARY_PAGE})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTMORTEMS_AS_OF", "2026-11-24")
        site = build_site(project / "mkdocs.yml", tmp / "site")  # strict: no warning at all
    return (site / "postmortems" / "ordinary" / "index.html").read_text(encoding="utf-8")


def test_permalinks_the_toc_and_in_page_links_reach_their_ids(ordinary_site: str) -> None:
    found = Elements(ordinary_site)
    ids = found.values("id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    fragments = [v[1:] for v in found.values("href") if v.startswith("#") and len(v) > 1]
    missing = sorted({f for f in fragments if f not in ids} - {"__consent"})
    assert missing == []
    toc = ordinary_site.split('aria-label="Table of contents"', 1)[1].split("md-content", 1)[0]
    toc_links = re.findall(r'<a href="#([^"]*)" class="md-nav__link">', toc)
    assert {"timeline_1", "user-content-__config", "user-content-__drawer"} <= set(toc_links)
    assert '<a href="#timeline_1">see it</a>' in ordinary_site
    assert '<a href="#contributing-factors">contributing factors</a>' in ordinary_site
    assert '<a href="#user-content-marker">a link to it</a>' in ordinary_site
    assert 'id="user-content-marker"' in ordinary_site
    assert '<a href="#postmortem-title">the top</a>' in ordinary_site


def test_no_body_id_is_one_of_the_themes(ordinary_site: str) -> None:
    body = ordinary_site.split('id="postmortem-title"', 1)[1].split('class="md-footer"', 1)[0]
    ids = Elements(body).values("id")
    assert "user-content-__config" in ids and "user-content-__drawer" in ids
    assert [i for i in ids if html_rules.theme_id(i)] == []
    assert ordinary_site.count('id="__config"') == 1  # the theme's own, alone


def test_a_missed_problem_is_still_made_inert_and_reported(
    tmp_path: Path,
    build_site: SiteBuilder,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the body check switched off, as if it missed everything: the sanitiser still
    removes it all, and the build says so at each line."""
    monkeypatch.setattr(body_check, "check", lambda *args: [])
    hostile = HOSTILE.replace("## Script {#__config}", "BODYSTART\n\n## Script {#__config}")
    project = _kb(tmp_path, {"hostile": hostile + "\nBODYEND\n", "missed": MISSED})
    site = _build(project, tmp_path / "site")
    said = [m for m in _warnings(caplog) if "missed.md:" in m]
    lines = sorted(int(re.search(r"missed\.md:(\d+):", m).group(1)) for m in said)  # type: ignore[union-attr]
    expected = [BODY_LINE + n for n, line in enumerate(MISSED.splitlines()) if _flagged(line)]
    assert lines == expected, said
    for name in ("hostile", "missed"):
        page = (site / "postmortems" / name / "index.html").read_text("utf-8")
        body = page.split("BODYSTART", 1)[1].split("BODYEND", 1)[0]
        _assert_inert(Elements(body))


def _flagged(line: str) -> bool:
    return any(word in line for word in ("md-dialog", "evil.example", "http://", "*[KB]"))


def _assert_inert(found: Elements) -> None:
    assert not set(found.tags) & {"script", "style", "iframe", "form", "button", "select"}
    assert not set(found.tags) & {"textarea", "link", "video", "audio", "object", "embed"}
    for tag, name, value in found.attributes:
        assert not name.startswith(("on", "data-")), (tag, name)
        assert name not in ("name", "style", "srcset", "poster", "background", "action"), name
        if name == "id":
            assert not html_rules.theme_id(value), value
        if name == "class":
            assert html_rules.reserved_classes(value) == [], value
        if name in ("src", "href"):
            assert not value.lower().startswith(("javascript:", "data:", "http:", "//")), value
        if name == "src":
            assert html_rules.source_problem(value) is None, value
        if name == "title":
            assert "<" not in value, value
