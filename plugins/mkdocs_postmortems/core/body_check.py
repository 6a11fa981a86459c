"""A postmortem's body held to `html_rules` at validation, each problem at its line.

The sanitiser makes whatever a body holds inert when the page is rendered; this says, before
anything is built, what it would have to remove or change, so that nothing is removed in
silence. It reads the Markdown source, not Markdown's output: code (fenced blocks, code
spans, backslash escapes) is masked, then raw HTML is read with the standard library's
parser and Markdown's links, images, reference definitions, attribute lists (`attr_list`),
admonition types and abbreviations with patterns of their own. Most bodies hold none of
these, and cost a few string searches; a hostile one costs time in proportion to its size.
What this misses, the sanitiser still removes, and the build reports (`removed`).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from mkdocs_postmortems.core import html_rules as rules
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.html_rules import Removed

FIELD = "body"

_MARKS = ("<", "[", "{", "!!!", "???")
"""What every construct checked here starts with: a body without any has nothing to check
(five searches of a string are ten times faster than one of a pattern)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of a body, at its line and column within the body."""

    line: int
    column: int
    message: str


def check(path: str, body: str, first_line: int) -> list[Diagnostic]:
    """Every problem of `body`, whose first line is line `first_line` of `path`."""
    if not any(mark in body for mark in _MARKS):
        return []
    return [
        Diagnostic(path, first_line + p.line - 1, p.column, FIELD, p.message)
        for p in sorted(set(problems(body)))
    ]


def problems(body: str) -> list[Problem]:
    text = _Text(body)
    found: list[Problem] = []
    found.extend(text.references())
    found.extend(text.links())
    found.extend(text.abbreviations())
    found.extend(text.attribute_lists())
    found.extend(text.admonitions())
    found.extend(text.autolinks())
    found.extend(text.raw_html())
    return found


def removed(path: str, first_line: int, markdown: str, items: list[Removed]) -> list[Diagnostic]:
    """What the sanitiser removed from a rendered body, at the first place of the Markdown
    that holds it (else the body's first line)."""
    places = _Lines(markdown)
    out = []
    for item in items:
        found = re.search(re.escape(item.needle), markdown, re.IGNORECASE) if item.needle else None
        line, column = places.place(found.start()) if found else (1, 1)
        out.append(
            Diagnostic(
                path,
                first_line + line - 1,
                column,
                FIELD,
                f"{item.message}; "
                + ("the page has it as it is" if item.kept else "it was removed from the page"),
            )
        )
    return sorted(set(out))


# --- where things are ------------------------------------------------------------------


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def place(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


class _Spans:
    """Stretches of the text, merged and in order: whether an offset lies in one, quickly
    (a hostile body may have a hundred thousand)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self.starts, start)
        if index and self.ends[index - 1] >= start:  # joins the one before
            index -= 1
            start = self.starts[index]
            end = max(end, self.ends[index])
            del self.starts[index], self.ends[index]
        while index < len(self.starts) and self.starts[index] <= end:  # swallows those after
            end = max(end, self.ends[index])
            del self.starts[index], self.ends[index]
        self.starts.insert(index, start)
        self.ends.insert(index, end)

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]

    def blank(self, text: str) -> str:
        """`text` with every stretch as spaces."""
        parts, done = [], 0
        for start, end in zip(self.starts, self.ends, strict=True):
            parts += [text[done:start], _blank(text[start:end])]
            done = end
        return "".join([*parts, text[done:]])


def _blank(text: str) -> str:
    """`text` as spaces, its line breaks kept: masked, in place."""
    return re.sub(r"[^\n]", " ", text)


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_COMMENT = re.compile(r"<!--(?:>|->|.*?(?:--!?>|\Z))", re.DOTALL)
_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()>#+\-.!]")
"""Markdown's backslash escapes; not `\\<`, which leaves the `<` a tag's."""
_LINE_START_TAG = re.compile(r"\n[ ]{0,3}<")
BLOCK_TAGS = (
    "address|article|aside|blockquote|body|canvas|center|colgroup|dd|details|div|dl|dt|"
    "fieldset|figcaption|figure|footer|form|group|h[1-6]|header|hgroup|hr|html|iframe|legend|"
    "li|main|map|math|menu|nav|noscript|object|ol|option|output|p|pre|progress|script|"
    "section|style|summary|table|tbody|td|textarea|tfoot|th|thead|tr|ul|video"
)
"""Python-Markdown's block-level elements: one at the start of a paragraph makes all of the
paragraph raw HTML, where backticks are no code."""
_RAW_PARAGRAPH = re.compile(
    rf"(?:\A|\n[ \t]*\n)[ ]{{0,3}}(?:<!--|</?(?:{BLOCK_TAGS})(?=[\s/>])).*?(?=\n[ \t]*\n|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _mask_code(body: str) -> tuple[str, _Spans]:
    """The body with its code as spaces: fenced blocks (closed ones: Markdown leaves an
    unclosed fence as text), code spans and backslash escapes; and where its paragraphs of
    raw HTML are."""
    lines = body.split("\n")
    out = list(lines)
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            index += 1
            continue
        fence = opening.group(1)
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            index += 1
            continue
        for j in range(index + 1, end + 1):
            out[j] = _blank(lines[j])
        # The opening line's info string stays: attribute lists are written there.
        out[index] = _blank(opening.group(0)[: opening.start(2)]) + opening.group(2)
        index = end + 1
    text = "\n".join(out)
    raw = _Spans(found.span() for found in _RAW_PARAGRAPH.finditer(text))

    def span(found: re.Match[str]) -> str:
        """A code span as spaces but its last backtick (an attribute list may follow it);
        not one across a blank line, nor over a line that starts with a tag: Markdown
        takes HTML at the start of a line first."""
        code = found.group(0)
        if _BLANK_LINE.search(code) or _LINE_START_TAG.search(code):
            return code
        if found.start() in raw:
            return code
        return _blank(code[:-1]) + "`"

    text = _CODE_SPAN.sub(span, text)
    # `\\` stays: raw HTML and reference definitions keep it, and a browser reads
    # `\\host` as `//host`.
    return _ESCAPE.sub(
        lambda found: found.group(0) if found.group(0) == "\\\\" else "  ", text
    ), raw


# --- the constructs ---------------------------------------------------------------------

_TITLE = re.compile(r"^(.*?)\s+(\"[^\"]*\"|'[^']*'|\([^()]*\))\s*$", re.DOTALL)
_REFERENCE = re.compile(
    r"^(?:[ \t]*>)*[ \t]*\[([^\[\]^][^\[\]]*)\]:[ \t]*\n?[ \t]*<?([^\s>]+)>?"
    r"(?:[ \t]*\n?[ \t]*(\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$",
    re.MULTILINE,
)
_IMAGE_REFERENCE = re.compile(r"!\[([^\[\]]*)\](?:[ ]?\[([^\[\]]*)\])?")
_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[([^\]\n]*)\][ ]?:[ \t]*(.*)$", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>]*)>")
_AUTOMAIL = re.compile(r"<[^<> !]+@[^@<> ]+>")
_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*([\w\-]+(?:[ \t]+[\w\-]+)*)", re.MULTILINE)
_ATTRIBUTE_LIST = re.compile(r"\{:?[ ]*([^\}\n ][^\}\n]*)[ ]*\}")
_ATTRIBUTE_TOKEN = re.compile(r"""[^ =}]+=".*?"|[^ =}]+='.*?'|[^ =}]+=[^ =}]+|[^ }]+""")
_AFTER_INLINE = frozenset("*_`)]>")


def _reference_id(text: str) -> str:
    return " ".join(text.lower().split())


_LINK_PART = re.compile(r"\n[ \t]*\n|[\[\]()]")


def _link_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(its `[`, its `](`, its `)`) for every inline link and image, in one pass over the
    brackets: nested ones matched, none across a blank line."""
    brackets: list[int] = []
    parentheses: list[tuple[int, int]] = []  # each `(`, and the `[` of its link or -1
    for found in _LINK_PART.finditer(text):
        char, index = found.group(0), found.start()
        if char == "[":
            brackets.append(index)
        elif char == "]":
            opening = brackets.pop() if brackets else -1
            if opening >= 0 and text.startswith("(", index + 1):
                parentheses.append((index + 1, opening))
        elif char == "(":
            if not (parentheses and parentheses[-1][0] == index):  # not a link's own
                parentheses.append((index, -1))
        elif char == ")":
            if parentheses:
                start, opening = parentheses.pop()
                if opening >= 0:
                    yield opening, start - 1, index
        else:  # a blank line
            brackets.clear()
            parentheses.clear()


class _Text:
    """A body being checked: its masked text, where each offset is, and the masks to come."""

    def __init__(self, body: str) -> None:
        self.text, self.raw_paragraphs = _mask_code(body)
        self.lines = _Lines(self.text)
        self.masked = _Spans()
        """Stretches read as Markdown here, which raw HTML reading must not see again."""

    def at(self, offset: int, message: str) -> Problem:
        line, column = self.lines.place(offset)
        return Problem(line, column, message)

    def references(self) -> Iterator[Problem]:
        """Reference definitions: checked as links, and as images where images use them."""
        definitions: dict[str, re.Match[str]] = {}
        for found in _REFERENCE.finditer(self.text):
            definitions.setdefault(_reference_id(found.group(1)), found)
            yield from self._link(
                found.start(2), found.group(2), found.group(3), found.start(3), False
            )
            self.masked.add(*found.span(2))
        for found in _IMAGE_REFERENCE.finditer(self.text):
            after = self.text[found.end() : found.end() + 1]
            if after == "(":
                continue  # an inline image: `links`
            name = _reference_id(found.group(2) or found.group(1))
            definition = definitions.get(name)
            if definition is not None:
                problem = rules.source_problem(html.unescape(definition.group(2)))
                if problem is not None:
                    yield self.at(found.start(), f"expected {rules.EXPECTED_SOURCE}, got {problem}")

    def links(self) -> Iterator[Problem]:
        """Inline links and images, `[text](url "title")`, read as leniently as Markdown
        reads them: any destination up to the balanced `)`."""
        text = self.text
        for opening, middle, end in _link_spans(text):
            image = text[opening - 1 : opening] == "!"
            inner = text[middle + 2 : end]
            start = middle + 2 + len(inner) - len(inner.lstrip())
            destination, title, title_start = inner.strip(), None, 0
            if destination.startswith("<") and ">" in destination:
                close = destination.index(">")
                title = destination[close + 1 :].strip() or None
                title_start = start + destination.index(title) if title else 0
                destination, start = destination[1:close], start + 1
            elif (split := _TITLE.match(destination)) is not None:
                destination, title = split.group(1), split.group(2)
                title_start = start + split.start(2)
            # Markdown reads `\\` in an inline link as `\` (a reference keeps both).
            destination = destination.replace("\\\\", "\\")
            yield from self._link(start, destination, title, title_start, image)
            self.masked.add(middle + 2, end)

    def _link(
        self, start: int, url: str, title: str | None, title_start: int, image: bool
    ) -> Iterator[Problem]:
        url = html.unescape(url)
        if image:
            problem = rules.source_problem(url)
            expected = rules.EXPECTED_SOURCE
        else:
            problem, expected = rules.link_problem(url), rules.EXPECTED_LINK
        if problem is not None:
            yield self.at(start, f"expected {expected}, got {problem}")
        if title is not None:
            problem = rules.title_problem(html.unescape(title[1:-1]))
            if problem is not None:
                yield self.at(title_start, f"expected {rules.EXPECTED_TITLE}, got {problem}")

    def abbreviations(self) -> Iterator[Problem]:
        """`*[HTML]: Hyper Text`: the definition becomes a title."""
        for found in _ABBREVIATION.finditer(self.text):
            problem = rules.title_problem(html.unescape(found.group(2)))
            if problem is not None:
                yield self.at(found.start(2), f"expected {rules.EXPECTED_TITLE}, got {problem}")
            self.masked.add(*found.span())

    def autolinks(self) -> Iterator[Problem]:
        """`<https://...>`; any other `<scheme:...>` is no link at all, and still refused."""
        for found in _AUTOLINK.finditer(self.text):
            if found.start() not in self.masked and found.start() not in self.raw_paragraphs:
                problem = rules.link_problem(found.group(1))
                if problem is not None:
                    yield self.at(found.start(1), f"expected {rules.EXPECTED_LINK}, got {problem}")
                self.masked.add(*found.span())
        for found in _AUTOMAIL.finditer(self.text):  # <oncall@example.org>: a mailto: link
            if found.start() not in self.raw_paragraphs:
                self.masked.add(*found.span())

    def admonitions(self) -> Iterator[Problem]:
        """`!!! type "title"` and `??? type`: each word of the type becomes a class."""
        for found in _ADMONITION.finditer(self.text):
            for name in rules.reserved_classes(found.group(1), author=True):
                offset = found.start(1) + found.group(1).find(name)
                yield self.at(offset, f"expected {rules.EXPECTED_CLASS}, got class {name!r}")

    def attribute_lists(self) -> Iterator[Problem]:
        """`{: #id .class key=value }` at the end of a line (headings, list items, a block's
        own last line) or right after an inline element."""
        for found in _ATTRIBUTE_LIST.finditer(self.text):
            before = self.text[found.start() - 1 : found.start()] if found.start() else "\n"
            line_end = self.text.find("\n", found.end())
            rest = self.text[found.end() : line_end if line_end >= 0 else None]
            at_end = before in (" ", "\t", "\n") and not rest.strip()
            if not (at_end or before in _AFTER_INLINE) or found.start() in self.masked:
                continue
            colon = found.group(0).startswith("{:")
            for token in _ATTRIBUTE_TOKEN.finditer(found.group(1)):
                yield from self._attribute_token(
                    token.group(0), found.start(1) + token.start(), colon
                )

    def _attribute_token(self, token: str, offset: int, colon: bool) -> Iterator[Problem]:
        if token.startswith("#"):
            return  # an id: prefixed on the page, or a heading's own
        if token.startswith("."):
            if rules.reserved_class(token[1:], author=True):
                yield self.at(offset, f"expected {rules.EXPECTED_CLASS}, got class {token[1:]!r}")
            return
        name, equals, value = token.partition("=")
        if not equals and not colon:
            return  # `{word}` in text: an attribute list would say `{: word}`
        value = value[1:-1] if value[:1] in ("'", '"') else value
        # Markdown writes the value as it is: `&lt;` reaches the browser as `<`.
        message = _attribute_problem(None, name.lower(), html.unescape(value))
        if message is not None:
            yield self.at(offset, message)

    def raw_html(self) -> list[Problem]:
        """Raw HTML, comments left out as the browser ends them (`<!-->` is a whole one)."""
        text = self.masked.blank(self.text)
        text = _COMMENT.sub(lambda found: _blank(found.group(0)), text)
        text = rules.without_unended_tags(text)
        reader = _HtmlReader()
        reader.feed(text)
        reader.close()
        return reader.problems


# --- raw HTML ---------------------------------------------------------------------------


def _attribute_problem(tag: str | None, name: str, value: str | None) -> str | None:
    return rules.name_problem(tag, name) or rules.value_problem(name, value or "")


class _HtmlReader(HTMLParser):
    """Raw HTML in the masked body: every element and attribute the page would not keep."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []

    def set_cdata_mode(self, elem: str, *, escapable: bool = False) -> None:
        """The content of <script> and <style> is read as HTML too: the element is refused
        anyway, and one never closed would otherwise hide the rest of the body."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        source = self.get_starttag_text() or ""
        problem = rules.tag_problem(tag)
        if problem is not None:
            self.problems.append(Problem(line, offset + 1, problem))
            return
        problem = rules.missing_problem(tag, (name for name, _ in attrs))
        if problem is not None:
            self.problems.append(Problem(line, offset + 1, problem))
        searched = len(tag) + 1
        for name, value in attrs:
            message = _attribute_problem(tag, name, value)
            found = re.compile(rf"(?<=[\s\"'/]){re.escape(name)}(?=[\s=/>]|$)", re.IGNORECASE)
            where = found.search(source, searched)
            if where is not None:
                searched = where.end()
            if message is None:
                continue
            at = where.start() if where is not None else 0
            before = source[:at]
            if "\n" in before:
                self.problems.append(
                    Problem(line + before.count("\n"), at - before.rfind("\n"), message)
                )
            else:
                self.problems.append(Problem(line, offset + at + 1, message))

    def handle_pi(self, data: str) -> None:
        line, offset = self.getpos()
        self.problems.append(
            Problem(line, offset + 1, "expected HTML that the page keeps, got <?...?>")
        )

    def unknown_decl(self, data: str) -> None:
        line, offset = self.getpos()
        self.problems.append(
            Problem(line, offset + 1, "expected HTML that the page keeps, got <![...]>")
        )

    def handle_decl(self, decl: str) -> None:
        line, offset = self.getpos()
        self.problems.append(
            Problem(line, offset + 1, "expected HTML that the page keeps, got <!...>")
        )
