"""What a postmortem's body may put on its page: the one set of rules that the body check
reports against (`body_check`, at validation) and the sanitiser enforces (`sanitize`, at
render time).

The page around a body belongs to the theme and its scripts: Material looks elements up by
id (`__config`, `__drawer`, `__search` ...), by class (`md-*`), by `data-md-*` and by `name`,
shows `title` attributes as HTML in its tooltips, and fetches mermaid from a CDN when it
finds `pre.mermaid`. So an author's ids are prefixed (as GitHub does), names, data
attributes, styles, forms and the theme's and the site's classes are refused, and nothing
may load from another host. Links follow the front matter's rules (https and mailto).
Kept free of nh3 and Markdown: `postmortems validate` imports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ID_PREFIX = "user-content-"
"""Prefix of every id an author's HTML sets, as on GitHub; `href="#x"` follows it."""

THEME_IDS = frozenset(
    {
        # MkDocs' own themes (mkdocs, readthedocs); Material's all start with "__".
        "content_search",
        "hljs-dark",
        "hljs-light",
        "keyboardModalLabel",
        "main-content",
        "mkdocs-search-query",
        "mkdocs-search-results",
        "mkdocs_keyboard_modal",
        "mkdocs_search_modal",
        "navbar-collapse",
        "search",
        "searchModalLabel",
        "theme-menu",
        "toc-collapse",
    }
)
"""Ids of the themes' pages that do not start with `_` (see `theme_id`)."""


def prefixed(value: str) -> str:
    return value if value.startswith(ID_PREFIX) else ID_PREFIX + value


def theme_id(value: str) -> bool:
    """Whether an id may be the theme's: every id Material writes or looks up starts with
    `_` (`__drawer`, `__nav_2`, `__codelineno-0-1`, `__md_scope` ...)."""
    return value.startswith("_") or value in THEME_IDS


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Removed:
    """One thing the sanitiser took out of a rendered body: what was expected and found
    (`expected X, got Y`), and text of it to look for in the Markdown (to report its line)."""

    message: str
    needle: str
    kept: bool = False
    """Left on the page, for want of a way to mend it (and said all the same)."""


@dataclass(frozen=True)
class BodyIds:
    """Where the ids of one body go on its page. The headings' ids (those of the page's
    table of contents) stay as Markdown wrote them, readable, unless the page or the theme
    has them (`headings.body_ids`); every other id gets `ID_PREFIX`. In-page links follow."""

    headings: Mapping[str, str] = field(default_factory=dict)
    """A heading's id as Markdown wrote it -> its id on the page."""
    page: frozenset[str] = frozenset()
    """Ids of the page around the body (its sections, its title): links may point there."""

    def anchor(self, value: str) -> str:
        """The id on the page of what the body gave id `value`: its heading's, if a heading
        of the table of contents has it, else prefixed."""
        moved = self.headings.get(value)
        return moved if moved is not None else prefixed(value)

    def element(self, tag: str, value: str) -> str:
        """The id of a `tag` element: only headings may keep their readable ids."""
        return self.anchor(value) if tag in HEADINGS else prefixed(value)

    def target(self, fragment: str) -> str:
        """Where a body's link `#fragment` goes: to the heading or element the body gave
        that id, else to the page's own section of that name."""
        if not fragment or (fragment in self.page and fragment not in self.headings):
            return fragment
        return self.anchor(fragment)


TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "area", "article", "aside", "b", "bdi", "bdo", "blockquote"),
        *("br", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del"),
        *("details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer"),
        *HEADINGS,
        *("header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "map", "mark", "nav"),
        *("ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s", "samp", "small", "span"),
        *("strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead"),
        *("time", "tr", "tt", "u", "ul", "var", "wbr"),
        "input",  # the task-list checkbox only (`INPUT_TYPES`), always disabled
        "label",  # around a task-list checkbox (pymdownx.tasklist's custom_checkbox)
    }
)
"""Elements kept: what Markdown, its usual extensions and pymdown-extensions write."""

AUTHOR_TAGS = TAGS - {"input", "label"}
"""Elements an author may write in HTML: no form control, not even a checkbox."""

EMPTY_CONTENT_TAGS = frozenset({"script", "style"})
"""Elements removed with everything in them, not only their tags."""

GENERIC = frozenset({"class", "id", "title", "lang", "dir", "align"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": GENERIC,
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "input": frozenset({"checked", "disabled"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "ol": frozenset({"start", "type"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
}
"""Attributes kept, by element. `style` only on table cells, where the tables extension
writes `text-align`, and nothing but `text-align` is kept of it (`STYLE_PROPERTIES`)."""

STYLE_PROPERTIES = frozenset({"text-align"})
INPUT_TYPES = frozenset({"checkbox"})

AUTHOR_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: names - {"style"} for tag, names in ATTRIBUTES.items()
}
"""Attributes an author may write in HTML: no style at all."""

IGNORED_ATTRIBUTES = frozenset({"markdown"})
"""Instructions to Markdown (md_in_html) rather than to the page: never reported."""

RESERVED_CLASS_PREFIXES = ("md-", "pm-")
"""Classes of Material's controls and of this site's own (postmortems.css, browse.js)."""
RESERVED_CLASSES = frozenset({"mermaid"})
"""Classes that make the theme act: Material fetches mermaid from unpkg.com for each
`pre.mermaid` on a page."""

LINK_SCHEMES = ("https", "mailto")
"""The schemes of front matter `links` (schema.py), for links in bodies too."""

EXPECTED_LINK = "an https://, mailto: or relative link"
EXPECTED_SOURCE = "an image of this site, by a relative path"
EXPECTED_CLASS = "no class of the theme or of this site (md-*, pm-*, mermaid, footnote-ref)"
EXPECTED_TITLE = "a title without '<'"
EXPECTED_STYLE = "no style (the theme's styles apply)"


AUTHOR_RESERVED_CLASSES = frozenset({"footnote-ref"})
"""Classes Markdown writes that an author may not: Material's footnote tooltips look up the
target of every `.footnote-ref` link, and one that leads nowhere breaks its script."""


def reserved_class(name: str, author: bool = False) -> bool:
    """Whether the body may not have class `name`; `author`: written by its author (in
    HTML or an attribute list) rather than by Markdown."""
    return (
        name.startswith(RESERVED_CLASS_PREFIXES)
        or name in RESERVED_CLASSES
        or (author and name in AUTHOR_RESERVED_CLASSES)
    )


def reserved_classes(value: str, author: bool = False) -> list[str]:
    """The classes of a `class` value that the body may not use, in order."""
    return [name for name in value.split() if reserved_class(name, author)]


_URL_IGNORED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_MAILTO = re.compile(r"^[^\s@/]+@[^\s@/]+$")
_AROUND = "".join(map(chr, range(0x21))) + "\x7f"


def _url(value: str) -> str:
    """A URL as a browser reads it: tabs and line breaks inside dropped, control
    characters and spaces around it stripped."""
    return _URL_IGNORED.sub("", value).strip(_AROUND)


def _scheme(url: str) -> str | None:
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (`javascript` of ` java\tscript:x`)."""
    return _scheme(_url(value))


def _other_host(url: str) -> bool:
    """A URL without a scheme that a browser still sends to another host: `//host`,
    and `\\` read as `/` (`/\\host`)."""
    return url.replace("\\", "/").startswith("//")


def _shown(scheme: str) -> str | None:
    """A scheme as messages name it; None for a long or odd one, which may be a pasted
    secret and is not repeated."""
    return f"{scheme}:" if len(scheme) <= 12 and scheme.isalpha() else None


def link_problem(value: str) -> str | None:
    """What is wrong with a link's URL, or None: https (with a host, no user name) and
    mailto as in front matter, and links within the site (relative, `#anchor`)."""
    url = _url(value)
    scheme = _scheme(url)
    if scheme is None:
        return "a link to another host without https://" if _other_host(url) else None
    if scheme not in LINK_SCHEMES:
        shown = _shown(scheme)
        return f"a {shown} link" if shown else "a link of another scheme"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return "a link that is not a valid URL"
    if scheme == "https":
        if "@" in parts.netloc:
            return "an https:// link with a user name before @ (it hides the real host)"
        if not parts.hostname:
            return "an https:// link without a host"
    elif not _MAILTO.match(parts.path):
        return "a mailto: link without one address"
    return None


def source_problem(value: str) -> str | None:
    """What is wrong with an image's URL, or None: only files of this site, by a relative
    path; a page loads nothing from other hosts (as `theme.font: false` promises)."""
    url = _url(value)
    scheme = _scheme(url)
    if not url:
        return "an image without a source"
    if _other_host(url) or scheme in ("http", "https"):
        return "an image from another host"
    if scheme is not None:
        shown = _shown(scheme)
        return f"an image at a {shown} address" if shown else "an image of another scheme"
    return None


WORD_JOINER = "\u2060"
_LESS_THAN = re.compile(r"&lt;|&#0*60;|&#x0*3c;", re.IGNORECASE)


def tooltip(text: str) -> str:
    """Text for a `title` attribute the site writes, as Material's tooltips read it: they put
    a title into the page as HTML, so each `<` is followed by an invisible U+2060 WORD JOINER,
    after which no tag can start (the tooltip shows the text as written)."""
    return text.replace("<", "<" + WORD_JOINER)


def tooltip_html(html: str) -> str:
    """HTML text whose words Material may show as HTML in a tooltip (a table-of-contents
    entry cut off by its width): each escaped `<` followed by U+2060, as in `tooltip`."""
    return _LESS_THAN.sub(lambda found: found.group(0) + WORD_JOINER, html)


def title_problem(value: str) -> str | None:
    """Material's tooltips (`content.tooltips`) show a title as HTML: no `<` in titles."""
    return "a title with '<' (the theme's tooltips would read it as HTML)" if "<" in value else None


_DECLARATION = re.compile(r"^\s*text-align\s*:\s*(?:left|right|center)\s*$", re.IGNORECASE)


def split_style(value: str) -> tuple[str, list[str]]:
    """A style value -> the text alignment in it (what the tables extension writes) and
    every other declaration, which the page does not keep."""
    kept: list[str] = []
    dropped: list[str] = []
    for declaration in value.split(";"):
        if declaration.strip():
            (kept if _DECLARATION.match(declaration) else dropped).append(declaration.strip())
    return "; ".join(kept), dropped


SCRIPT_TAGS = frozenset({"script", "noscript", "template"})
FORM_TAGS = frozenset(
    {
        *("form", "input", "button", "select", "option", "optgroup", "textarea", "label"),
        *("fieldset", "legend", "output", "datalist", "meter", "progress", "keygen"),
        *("dialog", "search"),
    }
)
LOADING_TAGS = frozenset(
    {
        *("iframe", "frame", "frameset", "object", "embed", "applet", "audio", "video"),
        *("source", "track", "picture", "image", "portal", "base", "meta", "link", "style"),
        *("svg", "math", "canvas"),
    }
)
LOADING_ATTRIBUTES = frozenset(
    {
        *("srcset", "poster", "background", "lowsrc", "dynsrc", "ping", "action"),
        *("formaction", "xlink:href", "cite", "longdesc", "usemap", "manifest", "codebase"),
        *("archive", "data", "imagesrcset", "src", "href"),
    }
)
"""Attributes that fetch or send something (where the element does not keep them)."""

_HTML_NAME = re.compile(r"[a-z][a-z:\-]*|h[1-6]")


def shown_name(name: str) -> str | None:
    """A tag or attribute name as messages repeat it; None for what may be a pasted
    secret (long, or with digits) rather than HTML."""
    return name if len(name) <= 24 and _HTML_NAME.fullmatch(name) else None


def tag_problem(tag: str, kept: frozenset[str] = AUTHOR_TAGS) -> str | None:
    """`expected X, got <tag>` for an element the page does not keep, else None."""
    if tag in kept:
        return None
    shown = f"<{shown_name(tag)}>" if shown_name(tag) else "an element"
    if tag in SCRIPT_TAGS:
        return f"expected no script, got {shown}"
    if tag in FORM_TAGS:
        return f"expected no forms or form controls, got {shown}"
    if tag in LOADING_TAGS:
        return f"expected nothing loaded from elsewhere or styled anew, got {shown}"
    return (
        f"expected HTML that the page keeps, got {shown}, which would be dropped "
        "(to show it as text, put it in `backticks` or write &lt;)"
    )


def name_problem(
    tag: str | None, name: str, kept: Mapping[str, frozenset[str]] = AUTHOR_ATTRIBUTES
) -> str | None:
    """`expected X, got name=` for an attribute the page does not keep on `tag` (None: an
    attribute list's element, which could be any), else None."""
    if tag is None:
        allowed = frozenset().union(*kept.values())
    else:
        allowed = kept["*"] | kept.get(tag, frozenset())
    if name in allowed or name in IGNORED_ATTRIBUTES:
        return None
    shown = f"{shown_name(name)}=" if shown_name(name) else "an attribute"
    on = f" on <{tag}>" if tag else ""
    if name.startswith("on"):
        return f"expected no event handlers, got {shown}{on}"
    if name == "name":
        return f"expected no name attributes (they stand in for the page's own), got name={on}"
    if name == "style":
        return f"expected {EXPECTED_STYLE}, got style={on}"
    if name.startswith("data-"):
        return f"expected no data- attributes (the theme's scripts read them), got {shown}{on}"
    if name in LOADING_ATTRIBUTES:
        return f"expected nothing loaded from elsewhere, got {shown}{on}"
    return f"expected an attribute that the page keeps, got {shown}{on}"


def missing_problem(tag: str, names: Iterable[str]) -> str | None:
    """`expected X, got Y` for an element without an attribute it needs: Material's
    instant navigation reads the `href` of any `<a>` clicked, and fails on one without."""
    if tag == "a" and "href" not in names:
        return (
            "expected a link with an href (mark a place with <span id=...>), got <a> without href"
        )
    return None


def value_problem(name: str, value: str, author: bool = True) -> str | None:
    """`expected X, got Y` for the value of a kept attribute that the page may not have
    (`author`: written by the body's author, see `reserved_class`)."""
    if name == "href":
        problem = link_problem(value)
        return f"expected {EXPECTED_LINK}, got {problem}" if problem else None
    if name == "src":
        problem = source_problem(value)
        return f"expected {EXPECTED_SOURCE}, got {problem}" if problem else None
    if name == "title":
        problem = title_problem(value)
        return f"expected {EXPECTED_TITLE}, got {problem}" if problem else None
    if name == "class":
        reserved = reserved_classes(value, author)
        return f"expected {EXPECTED_CLASS}, got class {reserved[0]!r}" if reserved else None
    if name == "style" and split_style(value)[1]:
        return f"expected {EXPECTED_STYLE}, got a style beyond text-align"
    return None


WHOLE_TAG = re.compile(r"""<[a-zA-Z/!?](?:[^<>"']|"[^"]{0,2000}"|'[^']{0,2000}'){0,2000}>""")
"""A tag with its end in reach and no `<` but in quotes: the standard library's parser looks
for the end of every `<` to the end of the text, which makes `<a <a <a ...` take hours.
(Where a browser reads `<b <i>` as one tag, this reads `<i>`: a problem either way.)"""


def without_unended_tags(text: str) -> str:
    """`text` without the `<` that start no tag: those with no `>` in reach, which neither
    Markdown nor a browser reads as one."""
    out, done = [], 0
    for found in re.finditer("<", text):
        start = found.start()
        if start >= done and WHOLE_TAG.match(text, start) is None:
            out += [text[done:start], " "]
            done = start + 1
    return "".join([*out, text[done:]])
