"""Author-written HTML made inert: what Markdown produced from a postmortem's body.

Markdown passes raw HTML through, so a body could carry `<script>`, `onerror=`, a
`javascript:` link, an element with an id the theme's scripts look up, or an image from
another host. Rendered bodies are cleaned with ammonia (via nh3) under `html_rules`, keeping
what Markdown, pymdown-extensions and Material write: headings with anchors, tables, code
highlighting, admonitions, footnotes, task lists, details. The body check reports the same
rules at validation; whatever it misses is still made inert here, and what this removes is
returned, so the build can report it too.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Collection
from contextvars import ContextVar
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

from mkdocs_postmortems.core import html_rules
from mkdocs_postmortems.core.html_rules import BodyIds, Removed


@dataclass(frozen=True)
class Cleaned:
    html: str
    removed: list[Removed] = field(default_factory=list)


@dataclass(frozen=True)
class _Body:
    ids: BodyIds
    removed: list[Removed]


_BODY: ContextVar[_Body | None] = ContextVar("body", default=None)
"""The body being cleaned: the filter's ids and what it removed (set around each clean)."""


def _checked(body: _Body, name: str, value: str) -> str | None:
    """`value` if the page may have it as attribute `name`, else None, said."""
    problem = html_rules.value_problem(name, value, author=False)
    if problem is None:
        return value
    body.removed.append(Removed(problem, value))
    return None


def _classes(body: _Body, value: str) -> str | None:
    reserved = html_rules.reserved_classes(value)
    if not reserved:
        return value
    for name in reserved:
        body.removed.append(
            Removed(f"expected {html_rules.EXPECTED_CLASS}, got class {name!r}", name)
        )
    kept = " ".join(name for name in value.split() if name not in reserved)
    return kept or None


def _style(body: _Body, value: str) -> str | None:
    """Text alignment (what the tables extension writes), nothing else."""
    kept, dropped = html_rules.split_style(value)
    if dropped:
        body.removed.append(Removed(html_rules.value_problem("style", value) or "", value))
    return kept or None


def _filter(tag: str, name: str, value: str) -> str | None:
    """Every attribute nh3 keeps passes here: ids and the links to them are moved out of
    the theme's way; classes, URLs, titles and styles are held to `html_rules`."""
    body = _BODY.get()
    if body is None:  # a direct call to the cleaner: rules alike, nothing to report
        body = _Body(BodyIds(), [])
    if name == "id":
        return body.ids.element(tag, value)
    if name == "href":
        stripped = value.strip()
        if stripped.startswith("#"):
            return "#" + body.ids.target(stripped[1:])
        return _checked(body, name, value)
    if name in ("src", "title"):
        return _checked(body, name, value)
    if name == "class":
        return _classes(body, value)
    if name == "style":
        return _style(body, value)
    return value


_CLEANER = nh3.Cleaner(
    tags=set(html_rules.TAGS),
    clean_content_tags=set(html_rules.EMPTY_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in html_rules.ATTRIBUTES.items()},
    attribute_filter=_filter,
    # nh3 drops script-capable schemes (javascript:, data:, vbscript: ...) itself; the
    # filter narrows the rest to the front matter's and says what it dropped.
    url_schemes=set(nh3.ALLOWED_URL_SCHEMES),
    link_rel=None,
    filter_style_properties=set(html_rules.STYLE_PROPERTIES),
    # Any <input> left is a task list's checkbox, and does nothing.
    set_tag_attribute_values={"input": {"type": "checkbox", "disabled": "disabled"}},
)
"""Built once: `nh3.clean` would convert these rules again for every page."""


def clean_body(html: str, ids: BodyIds) -> Cleaned:
    """A rendered body, inert, with its ids placed by `ids`, and what was removed."""
    body = _Body(ids, _dropped(html))
    token = _BODY.set(body)
    try:
        return Cleaned(_CLEANER.clean(html), body.removed)
    finally:
        _BODY.reset(token)


URL_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES)
KEPT = {
    **html_rules.ATTRIBUTES,
    "input": html_rules.ATTRIBUTES["input"] | {"type"},  # set to checkbox (the only one)
}
"""The attributes nh3 keeps by its own lists (the filter then judges their values)."""

_START_TAG = re.compile(
    r"""<([a-zA-Z][^\s/<>"']*)((?:[^<>"']|"[^"]{0,2000}"|'[^']{0,2000}'){0,2000})>"""
)
"""A start tag and its attributes, its end in reach (see `html_rules.WHOLE_TAG`)."""
_ATTRIBUTE = re.compile(r"""([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _dropped(html: str) -> list[Removed]:
    """What nh3 drops by its own lists, which the filter never sees: elements, attributes
    and URLs of script-capable schemes. A quick look at the tags says whether there can be
    any (in Markdown's own output, never); a parse then says which."""
    if not any(_suspect_tag(tag, attributes) for tag, attributes in _START_TAG.findall(html)):
        return []
    reader = _Dropped()
    reader.feed(html_rules.without_unended_tags(html))
    reader.close()
    return reader.removed


_SUSPECT: dict[tuple[str, str], bool] = {}
"""`_suspect` of each start tag met: a site's bodies repeat a few dozen of them thousands of
times (`<p>`, `<li>`, `<a href="...">`), and a look-up costs a tenth of a judgement."""
_SUSPECT_KEPT = 4096


def _suspect_tag(tag: str, attributes: str) -> bool:
    found = _SUSPECT.get((tag, attributes))
    if found is None:
        if len(_SUSPECT) >= _SUSPECT_KEPT:  # bodies full of distinct tags: memory stays flat
            _SUSPECT.clear()
        found = _SUSPECT[tag, attributes] = _suspect(tag.lower(), attributes)
    return found


def _suspect(tag: str, attributes: str) -> bool:
    if tag not in html_rules.TAGS:
        return True
    kept = KEPT["*"] | KEPT.get(tag, frozenset())
    found = _ATTRIBUTE.findall(attributes)
    if html_rules.missing_problem(tag, (name.lower() for name, *_ in found)):
        return True
    for name, *values in found:
        name = name.lower()
        if name not in kept or (name in ("href", "src") and _scheme_dropped("".join(values))):
            return True
        if tag == "input" and name == "type" and "".join(values).lower() != "checkbox":
            return True
    return False


def _scheme_dropped(value: str) -> bool:
    scheme = html_rules.scheme(html_module.unescape(value))
    return scheme is not None and scheme not in URL_SCHEMES


class _Dropped(HTMLParser):
    """Rendered HTML read for what nh3 will drop by its lists, each as `Removed`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[Removed] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        problem = html_rules.tag_problem(tag, html_rules.TAGS)
        if problem is not None:
            self.removed.append(Removed(problem, f"<{tag}"))
            return
        problem = html_rules.missing_problem(tag, (name for name, _ in attrs))
        if problem is not None:  # nh3 cannot mend it: kept, and said
            self.removed.append(Removed(problem, f"<{tag}", kept=True))
        for name, value in attrs:
            text = value or ""
            problem = html_rules.name_problem(tag, name, KEPT)
            if problem is None and name in ("href", "src") and _scheme_dropped(text):
                problem = html_rules.value_problem(name, text)
            if problem is None and tag == "input" and name == "type" and text != "checkbox":
                problem = html_rules.tag_problem("input")
            if problem is not None:
                self.removed.append(Removed(problem, text if name in ("href", "src") else name))

    handle_startendtag = handle_starttag


def clean(html: str, headings: Collection[str] = ()) -> str:
    """`html` inert; every id prefixed but those of the headings named in `headings`."""
    return clean_body(html, BodyIds({i: i for i in headings})).html
