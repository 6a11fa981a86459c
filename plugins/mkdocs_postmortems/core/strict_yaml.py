"""A strict YAML reader that keeps the position of every value.

PyYAML's loaders implement YAML 1.1 (`no` is false, `012` is octal, `1:30` is 90, bare
dates become `date` objects), silently keep the last of duplicate keys, and expand aliases.
Here libyaml only tokenises (its C parser, for speed); values are built from the event
stream with no implicit typing: a plain scalar is a string unless it spells null, and the
schema decides what it becomes. Anchors, aliases and tags are refused, and the size and
the nesting depth are bounded before libyaml sees a byte (its C code crashes on ~30,000
nested flow brackets).

Characters libyaml misreads are hidden from it (`_StandIns`): it takes NEL, U+2028 and U+2029
for line breaks, as YAML 1.1 did, where editors and YAML 1.2 see one line, which would split
a value in two and shift every position after it; and it stops at the first other control
character. Each is read as the character it is, and a control character is reported at the
value that holds it while the rest of the file is still read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Path = tuple[str | int, ...]
Position = tuple[int, int]


class YamlError(Exception):
    """Input the reader refuses, at a 1-based line and column of the original file;
    `syntax` when it is not YAML at all (libyaml's own complaint)."""

    def __init__(
        self, line: int, column: int, message: str, path: Path = (), *, syntax: bool = False
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path
        self.syntax = syntax
        self.span: tuple[int, int] | None = None  # indexes of a value with a control character


@dataclass
class Marks:
    """Positions (1-based line, column) of every value and every mapping key, by path."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """Position of the value at `path`, or of its nearest marked ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key(self, path: Path) -> Position:
        return self.keys.get(path) or self.value(path)


def _describe(event: Any) -> str:
    if isinstance(event, yaml.MappingStartEvent):
        return "a mapping"
    if isinstance(event, yaml.SequenceStartEvent):
        return "a list"
    return "a value"


def _flow_depth(text: str) -> tuple[int, int]:
    """Deepest flow-bracket nesting and the offset where it exceeds MAX_DEPTH (or -1).

    Quotes are ignored, which can only overestimate: a limit of 32 brackets is never
    reached by honest text.
    """
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return depth, index
        elif char in "]}":
            depth = max(0, depth - 1)
    return depth, -1


def _position(text: str, index: int, first_line: int) -> Position:
    """Line and column of a character index as an editor counts them (the text's line ends
    are `\\n` by now), in characters."""
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return first_line + line, column + 1


# Read by libyaml other than as an editor shows them: C0 controls but tab, line feed and
# carriage return; DEL; C1 controls (NEL among them); the line and paragraph separators.
_MISREAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What no value may hold, as the schema's text fields: the same, and a carriage return
# (which only a `\\r` escape can put in a value).
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESCAPED = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_ASCII_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
# Stand-ins come from plane 15's private use area: 65,534 characters of 4 bytes each, more
# than MAX_BYTES can hold, so some are always free.
_STAND_IN_FIRST, _STAND_IN_END = 0xF0000, 0xFFFFE
_NAMES = {0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape", 0x7F: "delete", 0x85: "NEL"}


def describe_character(char: str) -> str:
    """`U+000B (vertical tab)`: a character that cannot be shown, named."""
    name = _NAMES.get(ord(char))
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


@dataclass(frozen=True)
class _StandIns:
    """`text` with each misread character replaced by a private-use character that appears
    nowhere in it, not even as a `\\u` escape; `back` restores them in what libyaml reads.
    One character for one keeps every index, line and column as they are."""

    text: str
    back: dict[int, str]
    controls: tuple[int, ...]  # indexes of control characters in the text
    line_starts: list[int]  # index where each line starts, for positions in O(log n)

    @classmethod
    def of(cls, text: str, encoded: bytes) -> _StandIns | None:
        """None for text with no misread character (nearly all), found fast in its UTF-8."""
        if len(encoded.translate(None, _ASCII_CONTROLS)) == len(encoded) and (
            encoded.isascii()
            or (
                b"\xe2\x80\xa8" not in encoded
                and b"\xe2\x80\xa9" not in encoded
                and (b"\xc2" not in encoded or not _C1_UTF8.search(encoded))
            )
        ):
            return None
        misread = sorted(set(_MISREAD.findall(text)))
        if not misread:
            return None
        taken = set(text)
        escaped = (int(short or long, 16) for short, long in _ESCAPED.findall(text))
        taken.update(chr(code) for code in escaped if code < _STAND_IN_END)
        free = (chr(c) for c in range(_STAND_IN_FIRST, _STAND_IN_END) if chr(c) not in taken)
        forward = {ord(char): next(free) for char in misread}
        controls = tuple(match.start() for match in _CONTROL.finditer(text))
        back = {ord(stand_in): chr(char) for char, stand_in in forward.items()}
        starts = [0, *(match.end() for match in re.finditer("\n", text))]
        return cls(text.translate(forward), back, controls, starts)

    def position(self, index: int, first_line: int) -> Position:
        line = bisect.bisect_right(self.line_starts, index) - 1
        return first_line + line, index - self.line_starts[line] + 1


@dataclass
class Parsed:
    """A document read despite recoverable problems (duplicate keys, anchors, aliases, tags):
    each is listed, the offending value left out, and reading goes on."""

    data: Any
    marks: Marks
    problems: list[YamlError]


def load(text: str, first_line: int = 1) -> tuple[Any, Marks]:
    """Like `read`, but any problem at all is raised."""
    parsed = read(text, first_line)
    if parsed.problems:
        raise parsed.problems[0]
    return parsed.data, parsed.marks


def read(text: str, first_line: int = 1) -> Parsed:
    """Parse one YAML document; positions are reported as if `text` began at `first_line`.

    Raises YamlError for input that cannot be read at all; never another exception.
    """
    if "\r" in text:  # as libyaml and editors read them: one line break each
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as error:
        line, column = _position(text, error.start, first_line)
        raise YamlError(line, column, "expected UTF-8 text, got an unpaired surrogate") from None
    size = len(encoded)
    if size > MAX_BYTES:
        raise YamlError(
            first_line,
            1,
            f"expected at most {MAX_BYTES // 1024} KiB of YAML, got {size // 1024} KiB",
        )
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _, index = _flow_depth(text)
        if index >= 0:
            line, column = _position(text, index, first_line)
            raise YamlError(line, column, f"expected at most {MAX_DEPTH} levels of nesting")
    marks = Marks()
    problems: list[YamlError] = []
    stand_ins = _StandIns.of(text, encoded)
    seen = stand_ins.text if stand_ins else text
    try:
        data = _build(seen, first_line, marks, problems, stand_ins)
    except yaml.MarkedYAMLError as error:
        raise _stray_cause(text, stand_ins, error, first_line, problems) or _marked_error(
            error, seen, first_line, getattr(error, "last_scalar", None)
        ) from None
    except yaml.YAMLError as error:  # reader errors (bad characters) carry a byte offset
        offset = getattr(error, "position", 0) or 0
        index = len(seen.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        line, column = _position(text, index, first_line)
        reason = getattr(error, "reason", None) or str(error)
        character = getattr(error, "character", None)
        if isinstance(character, int):
            reason = f"{reason}: #x{character:04x}"
        elif isinstance(character, str):
            reason = f"{reason}: #x{ord(character):04x}"
        raise YamlError(line, column, f"invalid YAML: {reason}", syntax=True) from None
    if stand_ins is not None:
        everywhere = range(first_line, first_line + text.count("\n") + 2)
        problems.extend(_stray_controls(text, stand_ins, first_line, problems, everywhere))
    return Parsed(data, marks, problems)


def _stray_controls(
    text: str, stand_ins: _StandIns, first_line: int, problems: list[YamlError], lines: range
) -> list[YamlError]:
    """Control characters on `lines` outside every value (in a comment, between values):
    one problem per line. Those inside a value were reported at the value, with its span
    (spans of scalars never overlap)."""
    spans = sorted(problem.span for problem in problems if problem.span is not None)
    starts = [start for start, _ in spans]
    found: dict[int, YamlError] = {}
    for index in stand_ins.controls:
        line, column = stand_ins.position(index, first_line)
        if line not in lines or line in found:
            continue
        within = bisect.bisect_right(starts, index) - 1
        if within < 0 or index >= spans[within][1]:
            got = describe_character(text[index])
            found[line] = YamlError(line, column, f"expected no control characters, got {got}")
    return list(found.values())


def _stray_cause(
    text: str,
    stand_ins: _StandIns | None,
    error: yaml.MarkedYAMLError,
    first_line: int,
    problems: list[YamlError],
) -> YamlError | None:
    """YAML that breaks on or just after a line with a control character outside any value:
    the character is reported, as the likelier cause (to libyaml its stand-in is a letter)."""
    mark = error.problem_mark
    if stand_ins is None or mark is None or error.context == "while scanning a quoted scalar":
        return None
    line = mark.line + first_line
    stray = _stray_controls(text, stand_ins, first_line, problems, range(line - 1, line + 1))
    if not stray:
        return None
    return YamlError(stray[0].line, stray[0].column, stray[0].message, syntax=True)


def _marked_error(
    error: yaml.MarkedYAMLError, text: str, first_line: int, last_scalar: Any = None
) -> YamlError:
    """libyaml's complaint, at the place a person would look, with a hint only where its
    cause is plain from the text."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    if mark is None:
        return YamlError(first_line, 1, f"invalid YAML: {problem}", syntax=True)
    opened = error.context_mark
    context = ""
    if error.context and error.problem:
        context = f" ({error.context})"
        if opened is not None and (opened.line, opened.column) != (mark.line, mark.column):
            where = f"line {opened.line + first_line}, column {opened.column + 1}"
            context = f" ({error.context} that starts at {where})"
    never_closed = "end of stream" in problem or "document indicator" in problem
    if error.context == "while scanning a quoted scalar" and opened and never_closed:
        # The quote is never closed: shown where it opens, not where the text ends.
        quote = text[opened.index] if opened.index < len(text) else '"'
        return YamlError(
            opened.line + first_line,
            opened.column + 1,
            f"invalid YAML: {problem} ({error.context}); the {quote} that opens here "
            "is never closed",
            syntax=True,
        )
    if problem == "could not find expected ':'" and opened is not None:
        # libyaml notices at the next line; the line at fault is the one without a colon.
        return YamlError(
            opened.line + first_line,
            opened.column + 1,
            f"invalid YAML: expected 'key: value', got text without ': ' ({problem})",
            syntax=True,
        )
    unclosed = _closed_too_late(last_scalar, mark, text)
    if unclosed is not None:
        start, quote, end = unclosed
        return YamlError(
            start.line + first_line,
            start.column + 1,
            f"invalid YAML: the quoted value that opens here ends at line "
            f"{end.line + first_line}, column {end.column}, and what follows it there is not "
            f"YAML ({problem}); is its closing {quote} missing?",
            syntax=True,
        )
    source = _line_at(text, mark.index)
    before = source[: mark.column]
    char = source[mark.column : mark.column + 1]
    hint = ""
    if "cannot start any token" in problem:
        if "\t" in before + char and not (before + char).strip(" \t-"):
            hint = "; a tab is used for indentation, use spaces"
        elif char in ("@", "`"):
            hint = f"; a value that starts with {char} must be quoted (YAML reserves it)"
        elif char == "%":
            hint = "; a value that starts with % must be quoted (YAML reads it as a directive)"
    elif "mapping values are not allowed" in problem:
        if _KEY_THEN_VALUE.match(before):
            hint = "; put a value that contains ': ' in quotes"
        else:
            hint = "; check the indentation of this line against the lines above"
    return YamlError(
        mark.line + first_line,
        mark.column + 1,
        f"invalid YAML: {problem}{context}{hint}",
        syntax=True,
    )


# `key: value` or `- key: value` before the place of the error: the error is in the value.
_KEY_THEN_VALUE = re.compile(r"[ \t]*(?:-[ \t]+)*[^\s#][^#]*?:[ \t]+\S")
# A line of YAML that starts a mapping entry (`key:`), as text between quotes would if the
# quote was not closed.
_ENTRY_LINE = re.compile(r"\n[ \t]*(?:-[ \t]+)?[A-Za-z_][\w-]*:(?:[ \t]|\n|$)")


def _line_at(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


def _closed_too_late(scalar: Any, mark: Any, text: str) -> tuple[Any, str, Any] | None:
    """A quoted value that spans lines holding `key:` entries and is followed on its last
    line by what breaks the YAML: its closing quote is missing, and the quote that closed
    it was meant to open another value. Returns where it starts, its quote and its end."""
    if not isinstance(scalar, yaml.ScalarEvent) or scalar.style not in ("'", '"'):
        return None
    start, end = scalar.start_mark, scalar.end_mark
    if start is None or end is None or start.line == end.line or mark.line != end.line:
        return None
    if not _ENTRY_LINE.search(text, start.index, end.index):
        return None
    return start, scalar.style, end


class _Frame:
    """A mapping or list under construction."""

    __slots__ = ("container", "is_map", "key", "key_pos", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path) -> None:
        self.container: Any = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.key: str | None = None
        self.key_pos: Position = (0, 0)


_SCALAR = yaml.ScalarEvent
_MAPPING_START = yaml.MappingStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_SKIPPED = (yaml.StreamStartEvent, yaml.DocumentEndEvent)


class _Discarded(str):
    """The key under which the value of a duplicate key is read and then dropped."""


_DISCARD = _Discarded("<duplicate key>")


def _build(
    text: str,
    first_line: int,
    marks: Marks,
    problems: list[YamlError],
    stand_ins: _StandIns | None = None,
) -> Any:
    """Events -> values. A hot loop: the commonest event kinds are tested first."""
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    values = marks.values
    keys = marks.keys
    lines = text.split("\n") if "#" in text else None
    back = stand_ins.back if stand_ins is not None else None
    parser: Any = _Parser(text)
    event: Any = None
    try:
        get_event = parser.get_event
        while True:
            try:
                event = get_event()
            except yaml.MarkedYAMLError as error:
                error.last_scalar = event  # type: ignore[attr-defined]
                raise
            kind = type(event)
            if kind in _ENDS:
                frame = stack.pop()
                if stack:
                    _attach(stack[-1], frame.container)
                else:
                    root = frame.container
                continue
            if kind is yaml.StreamEndEvent or event is None:
                break
            if kind in _SKIPPED:
                continue
            mark = event.start_mark
            pos = (mark.line + first_line, mark.column + 1)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError(*pos, "expected one YAML document, got a second one")
                continue
            parent = stack[-1] if stack else None
            if parent is None:
                path: Path = ()
            elif parent.is_map:
                if parent.key is None:  # this event is a mapping key
                    if kind is not _SCALAR:
                        raise YamlError(*pos, f"expected a plain text key, got {_describe(event)}")
                    key = event.value
                    if back is not None:
                        key = key.translate(back)
                    if back is not None or event.style == '"':
                        _controls(key, event, pos, (*parent.path, key), problems, text, stand_ins)
                    _refuse_extras(event, pos, (*parent.path, key), problems)
                    if key in parent.container:
                        first = keys[(*parent.path, key)]
                        problems.append(
                            YamlError(
                                *pos,
                                f"duplicate key {key!r} (first defined at line {first[0]}, "
                                f"column {first[1]})",
                                (*parent.path, key),
                            )
                        )
                        key = _DISCARD
                    parent.key = key
                    parent.key_pos = pos
                    continue
                path = (*parent.path, parent.key)
                if parent.key is not _DISCARD:
                    keys[path] = parent.key_pos
            else:
                path = (*parent.path, len(parent.container))
            _refuse_extras(event, pos, path, problems)
            if parent is None or parent.key is not _DISCARD:
                values[path] = pos
            if kind is _SCALAR or kind is yaml.AliasEvent:
                value = None if kind is yaml.AliasEvent else event.value
                if value and back is not None:
                    value = value.translate(back)
                if value and (back is not None or event.style == '"'):
                    _controls(value, event, pos, path, problems, text, stand_ins)
                if value is not None and not event.style:
                    if value in NULLS:
                        value = None
                    if lines is not None:
                        _cut_by_comment(event, lines, first_line, path, problems)
                if parent is None:
                    root = value
                else:
                    _attach(parent, value)
                continue
            if len(stack) >= MAX_DEPTH:
                raise YamlError(*pos, f"expected at most {MAX_DEPTH} levels of nesting")
            stack.append(_Frame({} if kind is _MAPPING_START else [], path))
    finally:
        parser.dispose()
    return root


def _controls(
    value: str,
    event: Any,
    pos: Position,
    path: Path,
    problems: list[YamlError],
    text: str,
    stand_ins: _StandIns | None,
) -> None:
    """A control character in a scalar (as written, or from a double-quoted escape such as
    `\\N`) is reported at the scalar, naming where it stands; nothing may strip it silently."""
    bad = _VALUE_CONTROL.search(value)
    if bad is None:
        return
    start, end = event.start_mark.index, event.end_mark.index
    where = f"at character {bad.start() + 1} of the value"
    if stand_ins is not None:
        for index in range(start, end):
            if stand_ins.back.get(ord(text[index])) == bad[0]:
                line, column = stand_ins.position(index, pos[0] - event.start_mark.line)
                where = f"at line {line}, column {column}"
                break
    problem = YamlError(
        *pos,
        f"expected text without control characters, got {describe_character(bad[0])} {where}",
        path,
    )
    problem.span = (start, end)
    problems.append(problem)


_HASHTAG = re.compile(r"[ \t]+#(\S+)")


def _cut_by_comment(
    event: Any, lines: list[str], first_line: int, path: Path, problems: list[YamlError]
) -> None:
    """`internal: #payments at 10:20` is an empty value and a comment to YAML: a value that
    silently loses its end. A comment written as such (`# note`) has a space after `#`."""
    end = event.end_mark
    found = _HASHTAG.match(lines[end.line], end.column) if end.line < len(lines) else None
    if found:
        problems.append(
            YamlError(
                end.line + first_line,
                found.start(1),
                f"expected '#{found.group(1)}' to be part of the value, got a YAML comment "
                "(a space then # starts one); put the whole value in quotes",
                path,
            )
        )


def _refuse_extras(event: Any, pos: Position, path: Path, problems: list[YamlError]) -> None:
    """Aliases, anchors and tags: refused, reported at the value they decorate."""
    if type(event) is yaml.AliasEvent:
        problems.append(YamlError(*pos, f"aliases are not allowed (found *{event.anchor})", path))
        return
    if event.anchor is not None:
        problems.append(YamlError(*pos, f"anchors are not allowed (found &{event.anchor})", path))
    if event.tag is not None and event.tag != "!":
        problems.append(YamlError(*pos, f"tags are not allowed (found {event.tag})", path))


def _attach(parent: _Frame, value: Any) -> None:
    if parent.is_map:
        if parent.key is not _DISCARD:
            parent.container[parent.key] = value
        parent.key = None
    else:
        parent.container.append(value)
