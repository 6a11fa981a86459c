"""Material's search parser, without `html.parser` for the HTML it is usually given.

Material's search plugin cuts every page into sections with a `html.parser.HTMLParser`
subclass, `Parser`: about 0.4 ms a page, a tenth of a build's time in its own process, most
of it `html.parser` finding tags in Python and the parser's handlers looking through the
open tags again for every piece of text. The HTML of a page is usually simple (Markdown's
output, the sanitiser's, our generated pages'): tags with double-quoted attributes, text
and comments. For that, `sections` finds the tags with one regular expression and does what
the handlers would, keeping its state as it goes, and gives the same sections.

Anything else (a `<` that starts no such tag, a script or style element, an attribute
Material acts on to skip content) makes `sections` give up, and Material's own parser reads
the page, as it would have. The parser this mirrors is pinned by a hash of its source
(`KNOWN`): another version of Material's parser keeps its own, untouched.
`tests/test_search_sections.py` proves the same sections on real sites and on generated
HTML, and that the pin matches the Material installed.
"""

from __future__ import annotations

import hashlib
import html
import inspect
import re
from typing import Any

KNOWN = frozenset({"5df7bdb5cc1761c338a5481ddf8345c7d5401051ff87c83ff0fc04558a0b6dc9"})
"""Hashes (`source_hash`) of the Material parsers `sections` mirrors: 9.7.7 to 9.8.2."""

_TOKEN = re.compile(
    r"<(?:"
    r"([a-zA-Z][a-zA-Z0-9-]*)"  # 1: a start tag's name
    r"((?:[ \t\n]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"<]*\")?)*)"  # 2: its attributes
    r"[ \t\n]*(/?)>"  # 3: self-closing
    r"|/([a-zA-Z][a-zA-Z0-9-]*)>"  # 4: an end tag's name
    r"|!--(?!-?>)(?:(?!--!>|--\s+>)[\s\S])*?-->"  # a comment, closed where all read it closed
    r")"
)
"""The constructs `html.parser` reads one way only: anything else is read by it."""
_ATTRIBUTE = re.compile(r"[ \t\n]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=\"([^\"<]*)\")?")
_RAW_TEXT = re.compile(
    r"<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)[\s/>]",
    re.IGNORECASE,
)
"""Elements whose content some version of `html.parser` reads as text, not as tags."""
_GIVE_UP = frozenset(
    {"object", "script", "style", "hx", "textarea", "title", "xmp", "iframe", "noembed"}
    | {"noframes", "noscript", "plaintext"}
)
"""Tags Material skips the content of, or compares its own stand-in (`hx`) with."""
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
"""The tags Material's parser writes into the index (`Parser.keep`)."""
_ENDLESS = float("inf")


def source_hash(module: Any) -> str:
    """The parser's source as this mirrors it: its classes and its list of void tags (the
    parser's own, when `install` has put the mirror in its place)."""
    parser = module.Parser
    if getattr(parser, "postmortems_sections", False):
        parser = parser.__mro__[1]
    parts = [inspect.getsource(parser), inspect.getsource(module.Element)]
    parts += [inspect.getsource(module.Section), repr(sorted(module.void))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def sections(content: str, module: Any) -> list[Any] | None:
    """`module.Parser`'s sections of `content`, or None where this cannot tell.

    The handlers' state, kept as it changes rather than looked up: the open tags (by name,
    as Material compares its elements), how many of them are `pre` and permalinks, and the
    name of the current section's heading."""
    if _RAW_TEXT.search(content):
        return None
    section_type, element, void = module.Section, module.Element, module.void
    unescape, escape = html.unescape, html.escape
    open_tags: list[str] = []
    open_elements: list[Any] = []
    found: list[Any] = []
    section: Any = None
    heading = ""  # the name of the current section's element
    in_pre = permalinks = 0
    end = len(content)
    done = 0
    tokens = _TOKEN.finditer(content)
    while True:
        token = next(tokens, None)
        start = end if token is None else token.start()
        if start > done:  # text: `handle_data`
            data = content[done:start]
            if "<" in data:
                return None
            if "&" in data:
                data = unescape(data)
            if not in_pre:
                data = " " if data.isspace() else data.replace("\n", " ")
            if section is None:
                section = section_type(element("hx"))
                found.append(section)
                heading = "hx"
            if heading in open_tags:
                if not permalinks:
                    section.title.append(escape(data, quote=False))
            elif data.isspace():
                text = section.text
                if not text or not text[-1].isspace() or in_pre:
                    text.append(data)
            else:
                section.text.append(escape(data, quote=False))
        if token is None:
            return found
        done = token.end()
        name = token.group(1)
        if name is not None:  # a start tag: `handle_starttag`
            tag = name.lower()
            written = token.group(2)
            attrs: dict[str, str | None] = {}
            if written:  # as `html.parser` gives them, and as Material keeps them (last wins)
                for attribute in _ATTRIBUTE.finditer(written):
                    key, value = attribute.group(1, 2)
                    attrs[key.lower()] = unescape(value) if value and "&" in value else value
            skips = "data-search-exclude" in attrs or attrs.get("class") == "linenodiv"
            if skips or tag in _GIVE_UP:
                return None
            if tag in void:  # never opened, so never closed either
                continue
            opened = element(tag, attrs)
            open_tags.append(tag)
            open_elements.append(opened)
            if tag == "pre":
                in_pre += 1
            elif tag == "a" and attrs.get("class") == "headerlink":
                permalinks += 1
            if tag in _HEADINGS and "id" in attrs:
                depth = len(open_tags)
                if tag != "h1" and not found:
                    found.append(section_type(element("hx"), depth))
                section = section_type(opened, depth)
                if found:
                    section.id = attrs["id"]
                found.append(section)
                heading = tag
            if section is None:
                section = section_type(element("hx"))
                found.append(section)
                heading = "hx"
            if tag in _KEEP:
                (section.title if heading in open_tags else section.text).append(f"<{tag}>")
            if not token.group(3):
                continue
        else:
            name = token.group(4)
            if name is None:  # a comment
                continue
            tag = name.lower()
        # An end tag, or a start tag that closes itself: `handle_endtag`.
        if not open_tags or open_tags[-1] != tag:
            continue
        depth = len(open_tags)
        if section.depth > depth:
            for earlier in reversed(found):
                if earlier.depth <= depth:
                    section.depth = _ENDLESS
                    section = earlier
                    heading = earlier.el.tag
                    break
        open_tags.pop()
        closed = open_elements.pop()
        if tag == "pre":
            in_pre -= 1
        elif tag == "a" and closed.attrs.get("class") == "headerlink":
            permalinks -= 1
        if tag in _KEEP:
            written_to = section.title if heading in open_tags else section.text
            opening = f"<{tag}>"
            if opening not in written_to:  # Material's parser raises here: let it
                return None
            index = written_to.index(opening)
            if any(not piece.isspace() for piece in written_to[index + 1 :]):
                written_to.append(f"</{tag}>")
            else:
                del written_to[index:]


def install() -> bool:
    """Put `sections` in front of Material's search parser, where it mirrors that parser;
    False (and nothing changed) elsewhere. Once per process: the parser is the module's."""
    try:
        from material.plugins.search import plugin as module
    except ImportError:
        return False
    if getattr(module.Parser, "postmortems_sections", False):
        return True
    try:
        known = source_hash(module) in KNOWN
    except (OSError, TypeError, AttributeError):  # no source to read, or another layout
        known = False
    if known:
        module.Parser = _mirrored(module)
    return known


def _mirrored(module: Any) -> Any:
    original = module.Parser

    class Parser(original):  # type: ignore[misc,valid-type]
        """Material's parser, reading what it is fed first with `sections` when it can."""

        postmortems_sections = True
        data: list[Any]  # Material's sections, as its handlers leave them

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._read_ahead: str | None = None

        def feed(self, data: str) -> None:
            if self._read_ahead is not None:  # fed again: read it all the way it would be
                data = self._read_ahead + data
                self.__init__()  # type: ignore[misc]
            elif not self.rawdata and not self.data and not self.context:
                found = sections(data, module)
                if found is not None:
                    self.data = found
                    self._read_ahead = data
                    return
            super().feed(data)

    Parser.__name__ = Parser.__qualname__ = original.__name__
    return Parser
