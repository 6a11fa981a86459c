"""A strict YAML reader that keeps the position of every value.

PyYAML's loaders implement YAML 1.1 (`no` is false, `012` is octal, `1:30` is 90, bare
dates become `date` objects), silently keep the last of duplicate keys, and expand aliases.
Here libyaml only tokenises (its C parser, for speed); values are built from the event
stream with no implicit typing: a plain scalar is a string unless it spells null, and the
schema decides what it becomes. Anchors, aliases and tags are refused, and the size and
the nesting depth are bounded before libyaml sees a byte (its C code crashes on ~30,000
nested flow brackets).
"""

from __future__ import annotations

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
    """Input the reader refuses, at a 1-based line and column of the original file."""

    def __init__(self, line: int, column: int, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path


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
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return first_line + line, column + 1


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
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as error:
        line, column = _position(text, error.start, first_line)
        raise YamlError(line, column, "expected UTF-8 text, got an unpaired surrogate") from None
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
    try:
        return Parsed(_build(text, first_line, marks, problems), marks, problems)
    except yaml.MarkedYAMLError as error:
        raise _marked_error(error, text, first_line) from None
    except yaml.YAMLError as error:  # reader errors (bad characters) carry a byte offset
        offset = getattr(error, "position", 0) or 0
        index = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        line, column = _position(text, index, first_line)
        reason = getattr(error, "reason", None) or str(error)
        character = getattr(error, "character", None)
        if isinstance(character, int):
            reason = f"{reason}: #x{character:04x}"
        elif isinstance(character, str):
            reason = f"{reason}: #x{ord(character):04x}"
        raise YamlError(line, column, f"invalid YAML: {reason}") from None


_MARKDOWN_HEADING = re.compile(r"^#{1,6} \S", re.MULTILINE)


def _marked_error(error: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlError:
    """libyaml's complaint, at the place a person would look, with a hint where it is vague."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    if "end of stream" in problem and error.context_mark is not None:
        mark = error.context_mark  # an unclosed quote or bracket: show where it opened
    if mark is None:
        return YamlError(first_line, 1, f"invalid YAML: {problem}")
    line, column = mark.line + first_line, mark.column + 1
    lines = text.split("\n")
    source = lines[mark.line] if mark.line < len(lines) else ""
    context = f" ({error.context})" if error.context and error.problem else ""
    hint = ""
    if "\t" in source[: mark.column + 1] and "cannot start any token" in problem:
        hint = "; a tab is used for indentation, use spaces"
    elif "cannot start any token" in problem:
        hint = "; a value that starts with @, ` or another reserved character must be quoted"
    elif "mapping values are not allowed" in problem:
        hint = "; put a value that contains ': ' in quotes, or check the indentation"
    if _MARKDOWN_HEADING.search("\n".join(lines[: mark.line + 1])):
        hint += "; is the closing '---' of the front matter missing?"
    return YamlError(line, column, f"invalid YAML: {problem}{context}{hint}")


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


def _build(text: str, first_line: int, marks: Marks, problems: list[YamlError]) -> Any:
    """Events -> values. A hot loop: the commonest event kinds are tested first."""
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    values = marks.values
    keys = marks.keys
    lines = text.split("\n") if "#" in text else None
    parser: Any = _Parser(text)
    try:
        get_event = parser.get_event
        while True:
            event = get_event()
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
                    _refuse_extras(event, pos, (*parent.path, key), problems)
                    if key in parent.container:
                        first = keys[(*parent.path, key)]
                        problems.append(
                            YamlError(
                                *pos,
                                f"duplicate key '{key}' (first defined at line {first[0]}, "
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
