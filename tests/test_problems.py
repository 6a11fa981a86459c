"""What `mkdocs serve` shows of a knowledge base's problems (`site.problems`): whatever a
diagnostic quotes, it reaches the page as text, with its `path:line:col`, and adds no tag
or attribute of its own."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.site import problems

TAGS = {"div", "p", "a", "code", "ul", "li", "h1", "h2"}
ATTRIBUTES = {"class", "role", "href", "id"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


hostile = st.text(
    alphabet=st.sampled_from(list("<>&\"'=/ abc:;\n")) | st.characters(), min_size=1, max_size=40
)
diagnostics = st.builds(
    Diagnostic,
    path=hostile.map(lambda text: f"postmortems/{text}.md"),
    line=st.integers(1, 10_000),
    column=st.integers(1, 500),
    field=hostile,
    message=hostile,
    level=st.sampled_from(["error", "warning"]),
)


@given(st.lists(diagnostics, min_size=1, max_size=5))
def test_every_view_shows_each_diagnostic_as_text_and_nothing_else(
    found: list[Diagnostic],
) -> None:
    views = [
        problems.banner(found, "../_errors/", found[:1]),
        problems.banner(found, "_errors/", full=True),
        *problems.errors_page(found).slots.values(),
        problems.other_warnings([str(d) for d in found]),
    ]
    for html in views:
        reader = _read(html)
        assert reader.tags <= TAGS
        assert reader.attributes <= ATTRIBUTES
    listed = "".join(_read(problems.errors_page(found).slots["problems"]).text)
    for diagnostic in found:
        assert problems.where(diagnostic) in listed
        assert diagnostic.message in listed


def test_an_unpublished_postmortem_gets_a_page_at_its_place_unless_taken_or_unsafe() -> None:
    broken = Diagnostic("postmortems/2026/x.md", 4, 11, "severity", "expected one of P0; got 'p'")
    duplicate = Diagnostic("postmortems/2025/y.md", 2, 5, "id", "expected a unique id")
    unsafe = Diagnostic("postmortems/2026/a b<i>.md", 1, 1, "", "expected a safe name")
    warned = Diagnostic("postmortems/2026/ok.md", 9, 3, "links", "odd", "warning")
    grouped = problems.by_file([broken, duplicate, unsafe, warned])
    made = problems.unpublished_pages(
        grouped, published={"postmortems/2026/ok.md"}, taken={"postmortems/y.md"}
    )
    assert [(path, page.src_uri) for path, page in made] == [
        ("postmortems/2026/x.md", "postmortems/x.md")
    ]
    page = made[0][1]
    html = page.slots["unpublished"]
    assert "postmortems/2026/x.md:4:11" in html and "not published" in html
    assert "got 'p'" not in html and "got 'p'" in unescape(html)  # escaped, by any spelling


def test_a_banner_names_the_page_s_own_problems_and_links_to_all() -> None:
    mine = Diagnostic("postmortems/2026/x.md", 4, 11, "severity", "bad")
    other = Diagnostic("postmortems/2026/y.md", 1, 1, "", "worse")
    html = problems.banner([mine, other], "../../postmortems/_errors/", [mine])
    assert "2 errors" in html and 'href="../../postmortems/_errors/"' in html
    assert "postmortems/2026/x.md:4:11" in html and "y.md" not in html
    assert problems.banner([], "_errors/") == ""
    many = [Diagnostic(f"p/{n}.md", 1, 1, "", "bad") for n in range(problems.BANNER_LIMIT + 3)]
    assert "and 3 more" in problems.banner(many, "_errors/", full=True)
